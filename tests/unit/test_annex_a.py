"""Annex A without a database: the template as data, the words it writes, the 12-month
counts at their boundaries, ages, and the files (sheets, dates, formula-safe cells).

The headings and coded values below are typed out from liiatools' transcription of Ofsted's
template (``liiatools/spec/annex_a/annex-a-merge.yml`` and ``data-map.yml``), not imported,
so a change to either side fails here; tests/oracles/test_annex_a_template.py compares the
shipped file with the installed liiatools itself. The rows are checked on a hand-built data
set in tests/integration/test_returns_annex_a.py.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from reporting.annex_a import AnnexList, child_fields, is_empty, to_csv, to_csv_zip, to_xlsx
from reporting.annex_a_sources import Mark, Period, previous_in_12_months
from reporting.annex_a_spec import AnnexSpec, load_annex_config, load_spec, spec_for
from reporting.cells import csv_text, safe_cell
from reporting.cin_episodes import Child
from workflow.casework.actions.close_case import CLOSURE_REASONS
from workflow.casework.actions.complete_assessment import CLOSURES
from workflow.casework.actions.hold_icpc import CATEGORIES_OF_ABUSE
from workflow.config_errors import ConfigError
from workflow.decision.outcomes import PRIMARY_NEEDS
from workflow.intake.codes import REFERRAL_SOURCES
from workflow.people.codes import load_code_lists
from workflow.rules import DEFAULT_CONFIG

SHIPPED = DEFAULT_CONFIG / "annex_a" / "ilacs-2022.toml"
CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]


@pytest.fixture(scope="module")
def spec() -> AnnexSpec:
    return load_spec(SHIPPED)


def headings(spec: AnnexSpec, number: int) -> list[str]:
    return list(next(s for s in spec.lists if s.number == number).headings)


# -- the template ------------------------------------------------------------------------------

def test_the_seven_lists_are_written_to_the_templates_sheets(spec: AnnexSpec) -> None:
    assert [(s.number, s.sheet) for s in spec.lists] == [(n, f"List {n}") for n in range(1, 8)]


@pytest.mark.parametrize(("number", "after_child"), [
    (1, ["Date of Contact", "Contact Source"]),
    (2, ["Assessment start date", "Assessment completion date",
         "Organisation completing assessment"]),
    (3, ["Date of referral", "Referral Source", "Referral NFA?",
         "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"]),
    (4, ["Does the Child have a Disability", "Continuous Assessment Start Date",
         "Child Seen During Continuous Assessment",
         "Continuous Assessment Date of Authorisation",
         "Was the child assessed as requiring LA children's social care support?",
         "Allocated Team", "Allocated Worker"]),
    (5, ["Does the Child have a Disability",
         "Strategy discussion initiating Section 47 Enquiry Start Date",
         "Was an Initial Child Protection Conference deemed unnecessary?",
         "Date of Initial Child Protection Conference",
         "Did the Initial Child Protection Conference Result in a Child Protection Plan",
         "Number of Section 47 Enquiries in the last 12 months",
         "Number of ICPCs in the last 12 months", "Allocated Team", "Allocated Worker"]),
    (6, ["Does the Child have a Disability", "CIN Start Date", "Primary Need Code",
         "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
         "Allocated Team", "Allocated Worker"]),
    (7, ["Does the Child have a Disability", "Child Protection Plan Start Date",
         "Initial Category of Abuse", "Latest Category of Abuse",
         "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
         "Date of latest review conference", "Child Protection Plan End Date",
         "Subject to Emergency Protection Order or Protected Under Police Powers in Last "
         "Six Months (Y/N)", "Number of Previous Child Protection Plans", "Allocated Team",
         "Allocated Worker"]),
])
def test_each_list_has_the_templates_headings_in_order(
        spec: AnnexSpec, number: int, after_child: list[str]) -> None:
    assert headings(spec, number) == CHILD + after_child


def test_the_21_referral_sources_are_the_templates_labels(spec: AnnexSpec) -> None:
    assert {code: spec.written("source", code) for code in REFERRAL_SOURCES if code != "5D"} == {
        "1A": "a) 1A: Individual", "1B": "b) 1B: Individual", "1C": "c) 1C: Individual",
        "1D": "d) 1D: Individual", "2A": "e) 2A: Schools", "2B": "f) 2B: Education services",
        "3A": "g) 3A: Health services", "3B": "h) 3B: Health services",
        "3C": "i) 3C: Health services", "3D": "j) 3D: Health services",
        "3E": "k) 3E: Health services", "3F": "l) 3F: Health services",
        "4": "m) 4: Housing", "5A": "n) 5A: LA services", "5B": "o) 5B: LA services",
        "5C": "p) 5C: LA services", "6": "q) 6: Police", "7": "r) 7: Other legal agency",
        "8": "s) 8: Other", "9": "t) 9: Anonymous", "10": "u) 10: Unknown"}


def test_early_help_5d_which_the_template_lacks_is_written_as_other_internal_la_services(
        spec: AnnexSpec) -> None:
    assert spec.written("source", "5D") == "o) 5B: LA services"


def test_every_code_the_person_record_holds_has_the_templates_words(spec: AnnexSpec) -> None:
    book = load_code_lists()
    # The person record holds <Sex> (M, F, U); the older <GenderCurrent> list is the census's.
    for element, concept, table in (("Sex", "sex", "gender"),
                                    ("Ethnicity", "ethnicity", "ethnicity")):
        codes = {c.code for code_list in book.lists(concept) if code_list.element == element
                 for c in code_list.codes}
        assert codes and codes <= set(spec.codes[table]), concept
    assert [spec.written("gender", s) for s in "MFU"] == [
        "a) Male", "b) Female", "c) Not stated/recorded"]
    # "Information not yet obtained" shares the letter s) with "refused" in the template.
    assert [spec.written("ethnicity", e) for e in ("WBRI", "OOTH", "REFU", "NOBT")] == [
        "a) WBRI", "r) OOTH", "s) REFU", "s) NOBT"]


def test_every_need_closure_and_category_the_workflow_records_has_the_templates_words(
        spec: AnnexSpec) -> None:
    assert set(PRIMARY_NEEDS) == set(spec.codes["primary_need"])
    assert set(CLOSURE_REASONS) | set(CLOSURES.values()) == set(spec.codes["closure_reason"])
    assert set(CATEGORIES_OF_ABUSE) == set(spec.codes["abuse_category"])
    assert spec.written("primary_need", "N2") == "N2 - Child's disability"
    assert spec.written("abuse_category", "MUL") == "e) Multiple/not recommended"


def test_a_code_without_template_words_is_refused_by_name(spec: AnnexSpec) -> None:
    with pytest.raises(ValueError, match="no ethnicity code for 'XXXX'"):
        spec.written("ethnicity", "XXXX")


# -- versions and mistakes ---------------------------------------------------------------------

def _config_with(tmp_path: Path, *versions: tuple[str, str]) -> Path:
    folder = tmp_path / "annex_a"
    folder.mkdir()
    text = SHIPPED.read_text(encoding="utf-8")
    for name, effective in versions:
        (folder / f"{name}.toml").write_text(
            text.replace('version = "ilacs-2022"', f'version = "{name}"')
                .replace("effective_from = 2022-06-01", f"effective_from = {effective}"),
            encoding="utf-8")
    (tmp_path / "settings.toml").write_text("", encoding="utf-8")
    return tmp_path


def test_the_version_in_force_on_the_periods_last_day_is_used(tmp_path: Path) -> None:
    config = _config_with(tmp_path, ("ilacs-2022", "2022-06-01"), ("ilacs-2027", "2027-04-01"))

    assert spec_for(config, date(2027, 3, 31)).version == "ilacs-2022"
    assert spec_for(config, date(2027, 4, 1)).version == "ilacs-2027"


def test_a_period_before_any_version_is_refused_saying_when_the_first_begins(
        tmp_path: Path) -> None:
    config = _config_with(tmp_path, ("ilacs-2022", "2022-06-01"))

    with pytest.raises(ConfigError, match="no Annex A version is in force on 31/05/2022 "
                                          r"\(the earliest takes effect on 01/06/2022\)"):
        spec_for(config, date(2022, 5, 31))


@pytest.mark.parametrize(("old", "new", "problem"), [
    ('field = "referral_date"', 'field = "referal_date"', "field must be one of"),
    ('type = "coded", codes = "source" },\n]\n\n[[list]]\nnumber = 2',
     'type = "coded" },\n]\n\n[[list]]\nnumber = 2', "needs codes = one of"),
    ("number = 7", "number = 8", "number must be a whole number from 1 to 7"),
])
def test_a_mistake_in_the_spec_is_refused_naming_the_file_and_the_list(
        tmp_path: Path, old: str, new: str, problem: str) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "broken.toml").write_text(text.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(ConfigError, match=problem) as caught:
        load_spec(tmp_path / "broken.toml")
    assert caught.value.file.endswith("broken.toml")


def test_the_local_early_help_organisation_is_read_and_unknown_settings_refused(
        tmp_path: Path) -> None:
    config = _config_with(tmp_path, ("ilacs-2022", "2022-06-01"))
    assert load_annex_config(DEFAULT_CONFIG, date(2026, 3, 31)).settings \
        .early_help_organisation == "Early Help Family Support"

    (config / "settings.toml").write_text('[annex_a]\norganisation = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="setting 'annex_a.organisation': unknown setting"):
        load_annex_config(config, date(2026, 3, 31))


# -- "in the last 12 months": the previous events, never the row's own ------------------------

def mark(text: str, row: int = 1) -> Mark:
    return Mark(datetime.fromisoformat(text).replace(tzinfo=UTC), row)


REFERRAL = mark("2026-01-05 09:00", 50)


@pytest.mark.parametrize(("earlier", "counted"), [
    (mark("2025-01-05 09:00"), 1),   # the same date twelve months before: inside
    (mark("2025-01-05 00:00"), 1),   # ... at any time of that day
    (mark("2025-01-04 23:59"), 0),   # the day before it: outside
    (mark("2026-01-05 08:59"), 1),   # earlier the same day
    (mark("2026-01-05 09:00", 49), 1),  # the same instant, recorded first
    (mark("2026-01-05 09:00", 51), 0),  # the same instant, recorded after
    (mark("2026-01-05 09:01"), 0),   # later the same day
    (REFERRAL, 0),                   # the referral itself is never counted
])
def test_previous_events_are_counted_back_twelve_calendar_months(
        earlier: Mark, counted: int) -> None:
    assert previous_in_12_months([earlier], REFERRAL) == counted


def test_twelve_months_are_london_dates_and_29_february_goes_back_to_28_february() -> None:
    # 23:30 UTC on 10 June 2025 is 00:30 on 11 June in London (BST): twelve months before
    # 11 June 2026 by the London date, though by the UTC date it would be a day too early.
    assert previous_in_12_months([mark("2025-06-10 23:30")], mark("2026-06-11 09:00", 9)) == 1
    assert previous_in_12_months([mark("2023-02-28 09:00")], mark("2024-02-29 09:00", 9)) == 1
    assert previous_in_12_months([mark("2023-02-27 09:00")], mark("2024-02-29 09:00", 9)) == 0


def test_several_previous_events_are_each_counted() -> None:
    marks = [mark("2024-12-31 09:00", 1), mark("2025-03-01 09:00", 2),
             mark("2025-11-30 09:00", 3), REFERRAL, mark("2026-02-01 09:00", 60)]

    assert previous_in_12_months(marks, REFERRAL) == 2


# -- the child's columns -----------------------------------------------------------------------

@pytest.mark.parametrize(("end", "age"), [
    (date(2026, 6, 14), 10),  # the period ends the day before the 11th birthday
    (date(2026, 6, 15), 11),  # ... on the birthday
    (date(2015, 6, 15), 0),
])
def test_age_is_whole_years_on_the_last_day_of_the_period(end: date, age: int) -> None:
    child = Child(7, date(2015, 6, 15), "F", "WBRI", None, ("LD",))

    assert child_fields(child, end) == {
        "child_id": "FDC0000007", "sex": "F", "ethnicity": "WBRI",
        "date_of_birth": date(2015, 6, 15), "age": age, "disability": "yes"}


def test_disability_is_no_for_none_and_unknown_when_nothing_is_recorded() -> None:
    none = Child(7, date(2015, 6, 15), "M", "WBRI", None, ("NONE",))
    nothing = Child(8, None, "U", "NOBT", None, ())

    assert child_fields(none, date(2026, 1, 1))["disability"] == "no"
    assert child_fields(nothing, date(2026, 1, 1)) == {
        "child_id": "FDC0000008", "sex": "U", "ethnicity": "NOBT", "date_of_birth": None,
        "age": None, "disability": "unknown"}


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="end on or after"):
        Period(date(2026, 3, 1), date(2026, 2, 28))


# -- formula-safe cells ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://evil.example","x")', "+44 1905 000000", "-1+1", "@SUM(A1:A2)",
    "\t=1+1", "\r=1+1"])
def test_text_that_would_start_a_formula_is_written_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert safe_cell(safe_cell(text)) == "'" + text  # escaping twice changes nothing


@pytest.mark.parametrize("value", ["Assessment North", "a) Male", "05/01/2026", "", None, 3,
                                   -1, date(2026, 1, 5)])
def test_plain_text_numbers_dates_and_blanks_pass_unchanged(value: object) -> None:
    assert safe_cell(value) == value


def test_every_cell_of_a_csv_goes_through_the_escaper() -> None:
    text = csv_text(["=Heading", "Team"], [["=1+1", "@team"], [None, 4]])

    assert list(csv.reader(io.StringIO(text))) == [["'=Heading", "Team"], ["'=1+1", "'@team"],
                                                  ["", "4"]]
    assert text.endswith("\r\n")


# -- the files ---------------------------------------------------------------------------------

def _lists(spec: AnnexSpec) -> list[AnnexList]:
    list_1, list_3 = spec.lists[0], spec.lists[2]
    team = safe_cell('=HYPERLINK("http://evil.example","x")')
    return [AnnexList(list_1, [["FDC0000001", "a) Male", "s) NOBT", date(2015, 6, 15), 10,
                                date(2026, 1, 5), "q) 6: Police"]]),
            AnnexList(list_3, [["FDC0000001", "a) Male", "s) NOBT", date(2015, 6, 15), 10,
                                date(2026, 1, 5), "q) 6: Police", "b) No", 1, team, None]])]


def test_the_workbook_writes_dates_as_excel_dates_shown_dd_mm_yyyy(spec: AnnexSpec) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_lists(spec))))

    assert book.sheetnames == ["List 1", "List 3"]
    sheet = book["List 1"]
    assert [c.value for c in sheet[1]] == headings(spec, 1)
    assert all(c.font.bold for c in sheet[1])
    assert sheet["F2"].value == datetime(2026, 1, 5)
    assert sheet["F2"].number_format == "dd/mm/yyyy"
    assert sheet["D2"].is_date and sheet["E2"].value == 10
    assert sheet.freeze_panes == "A2"  # the headings stay in view as the rows scroll


def test_a_team_named_like_a_formula_is_text_in_the_workbook(spec: AnnexSpec) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_lists(spec))))
    team = book["List 3"]["J2"]

    assert team.value == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert team.data_type == "s"  # a string, not a formula ("f")
    assert book["List 3"]["K2"].value is None


def test_the_csv_files_write_dates_dd_mm_yyyy_and_blanks_empty(spec: AnnexSpec) -> None:
    lists = _lists(spec)
    archive = zipfile.ZipFile(io.BytesIO(to_csv_zip(lists)))

    assert archive.namelist() == ["annex_a_list_1_contacts.csv", "annex_a_list_3_referrals.csv"]
    rows = list(csv.reader(io.StringIO(to_csv(lists[1]))))
    assert rows[0] == headings(spec, 3)
    assert rows[1] == ["FDC0000001", "a) Male", "s) NOBT", "15/06/2015", "10", "05/01/2026",
                       "q) 6: Police", "b) No", "1", "'=HYPERLINK(\"http://evil.example\",\"x\")",
                       ""]


def test_lists_without_rows_are_empty(spec: AnnexSpec) -> None:
    assert is_empty([AnnexList(s, []) for s in spec.lists])
    assert not is_empty(_lists(spec))
