"""The DfE code lists for a child: the shipped files, lookups per year, and bad files.

Why per-year lookups are tested against literal labels: a 2023-24 return must still be
written with GenderCurrent 0/1/2/9 and a 2024-25 one with Sex M/F/U; a lookup that quietly
answered with the wrong year's list would put a code in a return the DfE refuses (4180).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workflow.config_errors import ConfigError
from workflow.people.codes import DEFAULT_CODES_DIR, CodeBook, UnknownCode, load_code_lists
from workflow.people.identifiers import CIN_CENSUS_REASONS, UpnUnknown
from workflow.people.years import CollectionYear, InvalidCollectionYear

YEARS = ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27"]


@pytest.fixture(scope="module")
def book() -> CodeBook:
    return load_code_lists()


def test_the_shipped_lists_load_and_cover_every_supported_year(book: CodeBook) -> None:
    assert book.concepts() == ["disability", "ethnicity", "sex", "upn_unknown"]
    for concept in book.concepts():
        for year in YEARS:
            assert book.code_list(concept, year).source


@pytest.mark.parametrize("year", ["2022-23", "2023-24"])
def test_sex_is_gender_current_up_to_2023_24(book: CodeBook, year: str) -> None:
    assert book.code_list("sex", year).element == "GenderCurrent"
    assert book.label("sex", "1", year) == "Male"
    assert book.label("sex", "2", year) == "Female"
    assert book.label("sex", "0", year) == "Not recorded or unborn"
    assert book.label("sex", "9", year) == "Indeterminate"
    with pytest.raises(UnknownCode) as caught:
        book.label("sex", "M", year)
    assert str(caught.value) == f"'M' is not a sex code in {year} (GenderCurrent: 1, 2, 0, 9)"


@pytest.mark.parametrize("year", ["2024-25", "2025-26", "2026-27"])
def test_sex_is_m_f_u_from_2024_25(book: CodeBook, year: str) -> None:
    code_list = book.code_list("sex", year)
    assert (code_list.element, code_list.data_item) == ("Sex", "N00783")
    assert book.choices("sex", year) == (("F", "Female"), ("M", "Male"), ("U", "Unknown"))
    assert book.label("sex", "M", year) == "Male"
    assert not book.is_valid("sex", "1", year)
    with pytest.raises(UnknownCode, match=r"'1' is not a sex code in 20\d\d-\d\d \(Sex: F, M, U\)"):
        book.label("sex", "1", year)


def test_a_year_before_the_first_list_is_refused_by_name(book: CodeBook) -> None:
    with pytest.raises(UnknownCode) as caught:
        book.label("sex", "1", "2021-22")
    assert str(caught.value) == "no sex code list applies to 2021-22"
    with pytest.raises(UnknownCode, match="no code list for 'religion'"):
        book.code_list("religion", "2024-25")


@pytest.mark.parametrize("year", YEARS)
def test_ethnicity_offers_the_twenty_main_codes_every_year(book: CodeBook, year: str) -> None:
    choices = dict(book.choices("ethnicity", year))
    assert len(choices) == 20
    assert choices["WBRI"] == "White British"
    assert choices["WIRT"] == "Traveller of Irish heritage"
    assert choices["WROM"] == "Gypsy/Roma"
    assert choices["REFU"] == "Refused"
    assert choices["NOBT"] == "Information not yet obtained"
    assert not book.is_valid("ethnicity", "WENG", year)  # an extended school census code


def test_disability_codes_and_their_labels(book: CodeBook) -> None:
    choices = book.choices("disability", "2025-26")
    assert [code for code, _ in choices] == [
        "NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT",
        "DDA"]
    assert dict(choices)["NONE"] == "No disability"
    assert dict(choices)["AUT"] == "Autism"


def test_upn_unknown_offers_un1_to_un7_but_can_read_all_ten(book: CodeBook) -> None:
    choices = book.choices("upn_unknown", "2024-25")
    assert [code for code, _ in choices] == [f"UN{n}" for n in range(1, 8)]
    assert dict(choices)["UN1"] == "Child is aged under 6 years old and is not yet assigned a UPN."
    assert dict(choices)["UN7"] == "Child Referred but No Further Action taken."
    assert book.label("upn_unknown", "UN10", "2024-25").startswith("Request for assessment")
    assert not book.is_valid("upn_unknown", "UN8", "2024-25")
    assert book.is_valid("upn_unknown", "UN7", "2024-25")


def test_the_reason_enum_and_the_code_list_agree(book: CodeBook) -> None:
    listed = book.code_list("upn_unknown", "2024-25")
    assert [entry.code for entry in listed.codes] == [reason.value for reason in UpnUnknown]
    assert {code for code, _ in listed.choices()} == CIN_CENSUS_REASONS


# --- collection years --------------------------------------------------------------------

def test_collection_years_read_and_write_as_the_dfe_does() -> None:
    assert CollectionYear.parse("2024-25") == CollectionYear(2024)
    assert CollectionYear.parse("1999-00").label == "1999-00"
    assert CollectionYear.containing(date(2025, 3, 31)).label == "2024-25"
    assert CollectionYear.containing(date(2025, 4, 1)).label == "2025-26"


@pytest.mark.parametrize("label", ["2024-26", "2024/25", "24-25", "2024-2025", ""])
def test_a_malformed_collection_year_is_refused(label: str) -> None:
    with pytest.raises(InvalidCollectionYear, match="collection year"):
        CollectionYear.parse(label)


# --- a council's or a maintainer's mistake in a file is named ----------------------------

GOOD = '''concept = "sex"
element = "Sex"
title = "Sex"
from_year = "2024-25"
source = "a document"

[[code]]
code = "M"
description = "Male"
'''


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(directory: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_code_lists(directory)
    return str(caught.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    write(tmp_path, "sex.toml", GOOD)
    assert load_code_lists(tmp_path).label("sex", "M", "2030-31") == "Male"


def test_an_unknown_top_level_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "sex.toml", 'colour = "red"\n' + GOOD)
    assert error_for(tmp_path) == f"{path}: unknown key colour"


def test_an_unknown_key_in_an_entry_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "sex.toml", GOOD + 'label = "Man"\n')
    assert error_for(tmp_path) == f"{path}: code 'M': unknown key label"


def test_a_duplicate_code_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "sex.toml", GOOD + '\n[[code]]\ncode = "M"\ndescription = "x"\n')
    assert error_for(tmp_path) == f"{path}: code 'M': duplicate code"


@pytest.mark.parametrize("entry", ['code = "F"\n', 'code = "F"\ndescription = "  "\n'])
def test_a_missing_or_blank_description_is_named(tmp_path: Path, entry: str) -> None:
    path = write(tmp_path, "sex.toml", GOOD + "\n[[code]]\n" + entry)
    assert error_for(tmp_path) == f"{path}: code 'F': missing description"


def test_an_entry_without_a_code_is_named_by_position(tmp_path: Path) -> None:
    path = write(tmp_path, "sex.toml", GOOD + '\n[[code]]\ndescription = "Female"\n')
    assert error_for(tmp_path) == (
        f"{path}: code 'entry 2': code must be a non-empty string without surrounding spaces")


def test_a_list_without_codes_or_source_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "sex.toml", GOOD.split("[[code]]")[0])
    assert error_for(tmp_path) == f"{path}: needs at least one [[code]] entry"
    write(tmp_path, "sex.toml", GOOD.replace('source = "a document"', 'source = ""'))
    assert error_for(tmp_path) == f"{path}: source must be a non-empty string"


def test_a_bad_collection_year_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "sex.toml", GOOD.replace('"2024-25"', '"2024-26"'))
    assert error_for(tmp_path) == (
        f"{path}: from_year: collection year '2024-26': 26 does not follow 2024")
    write(tmp_path, "sex.toml", GOOD.replace('from_year = "2024-25"',
                                             'from_year = "2024-25"\nto_year = "2023-24"'))
    assert error_for(tmp_path) == f"{path}: to_year 2023-24 is before from_year 2024-25"


def test_two_lists_of_one_concept_in_force_together_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a_gender.toml", GOOD.replace('"2024-25"', '"2022-23"'))
    later = write(tmp_path, "b_sex.toml", GOOD)
    assert error_for(tmp_path) == (
        f"{later}: sex list for 2024-25 onwards overlaps a_gender.toml (2022-23 onwards)")


def test_an_empty_folder_and_a_broken_file_are_refused(tmp_path: Path) -> None:
    assert error_for(tmp_path) == f"{tmp_path}: no code list files (*.toml) found"
    path = write(tmp_path, "sex.toml", "concept = \n")
    assert error_for(tmp_path).startswith(f"{path}: not valid TOML")


def test_the_rule_data_folder_is_not_read_as_code_lists() -> None:
    assert (DEFAULT_CODES_DIR / "rules" / "la_numbers.toml").exists()
    assert "la_numbers" not in load_code_lists().concepts()
