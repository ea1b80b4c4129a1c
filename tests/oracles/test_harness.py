"""The oracles themselves: they pass what is right and catch what the DfE and Ofsted reject.

These pin down exactly which file shapes the two oracles read (``samples.py``), so a test
of our exports that leans on them can trust a clean answer. Each planted defect is one
literal change to a file the validator passes, and must raise its rule, on its child, and
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.oracles.harness import CellNote, CinReport, CleanReport, OracleError
from tests.oracles.samples import (
    ANNEX_A,
    CIN_2025_26,
    CIN_2025_26_EMPTY,
    annex_a_workbook,
    plant,
    with_cell,
    write,
)

CinCheck = Callable[[Path | str, str], CinReport]
AnnexCheck = Callable[[Path | str], CleanReport]

#: csc-validator-be-cin 0.1.13 raises 2887Q ("less than 8 disability codes") on every return
#: with fewer than 8 ``NONE`` disabilities: it counts the NONE rows instead of the other
#: codes. It is a return-level query, never an error, and says nothing about a child.
ALWAYS = {"2887Q"}


def test_valid_census_passes_with_no_error_and_no_query_on_any_child(
        cin_validator: CinCheck, tmp_path: Path) -> None:
    report = cin_validator(write(tmp_path, "cin.xml", CIN_2025_26), "2025-26")

    assert (report.ruleset, report.status, report.children) == ("cin2025_26", "validated", 3)
    assert report.errors == []
    assert report.child_codes() == {}
    assert report.codes() == ALWAYS
    assert report.crashed_rules == ()


@pytest.mark.parametrize(("old", "new", "code", "words"), [
    pytest.param("<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>", "4180",
                 "Sex must be provided", id="GenderCurrent-instead-of-Sex"),
    pytest.param("<UPN>P885250000013</UPN>", "<UPN>A885250000013</UPN>", "1510",
                 "wrong check letter", id="UPN-check-letter"),
    pytest.param("<UPN>P885250000013</UPN>", "<UPN>M999250000013</UPN>", "1530",
                 "not a recognised LA code", id="UPN-LA-code"),
    pytest.param("<UPN>P885250000013</UPN>", "<UPNunknown>UN1</UPNunknown>", "8770Q",
                 "UN1 for a child who is of school age", id="UN1-for-a-school-age-child"),
    pytest.param("<ReferralSource>2A</ReferralSource>", "<ReferralSource>2</ReferralSource>",
                 "8866", "Source of Referral", id="referral-source-code"),
    pytest.param("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>White British</Ethnicity>",
                 "4220", "Ethnicity is missing or invalid", id="ethnicity-code"),
])
def test_planted_defect_raises_its_rule_on_its_child_only(
        cin_validator: CinCheck, tmp_path: Path, old: str, new: str, code: str,
        words: str) -> None:
    report = cin_validator(write(tmp_path, "cin.xml", plant(CIN_2025_26, old, new)), "2025-26")

    assert report.child_codes() == {"FD0001": {code}}
    (finding,) = [f for f in report.findings if f.code == code]
    assert words in finding.message
    assert finding.kind == ("query" if code.endswith("Q") else "error")


def test_initial_conference_on_a_saturday_is_rule_8875(
        cin_validator: CinCheck, tmp_path: Path) -> None:
    # Saturday 28 June 2025, and the plan starting at it (else 2885 fires as well).
    text = plant(CIN_2025_26, "<DateOfInitialCPC>2025-06-24</DateOfInitialCPC>",
                 "<DateOfInitialCPC>2025-06-28</DateOfInitialCPC>")
    text = plant(text, "<CPPstartDate>2025-06-24</CPPstartDate>",
                 "<CPPstartDate>2025-06-28</CPPstartDate>")
    report = cin_validator(write(tmp_path, "cin.xml", text), "2025-26")

    assert report.child_codes() == {"FD0001": {"8875"}}
    (finding,) = report.errors
    assert (finding.table, finding.fields) == ("Section47", ("DateOfInitialCPC",))


def test_rules_follow_the_collection_year_asked_for(
        cin_validator: CinCheck, tmp_path: Path) -> None:
    # Until 2023-24 the census had <GenderCurrent>, so a file with <Sex> fails 4180 there.
    report = cin_validator(write(tmp_path, "cin.xml", CIN_2025_26), "2023-24")

    assert report.ruleset == "cin2023_24"
    assert {child: codes & {"4180"} for child, codes in report.child_codes().items()} == {
        "FD0001": {"4180"}, "FD0002": {"4180"}, "FD0003": {"4180"}}
    assert "Gender is missing" in next(f.message for f in report.errors if f.code == "4180")


def test_file_with_no_children_is_reported_as_empty_not_as_clean(
        cin_validator: CinCheck, tmp_path: Path) -> None:
    report = cin_validator(write(tmp_path, "cin.xml", CIN_2025_26_EMPTY), "2025-26")

    assert (report.status, report.children, report.findings) == ("empty file", 0, ())


def test_file_that_is_not_xml_is_an_oracle_error(
        cin_validator: CinCheck, tmp_path: Path) -> None:
    with pytest.raises(OracleError, match="ParseError"):
        cin_validator(write(tmp_path, "cin.xml", "LAchildID,Sex\nFD0001,F\n"), "2025-26")


# -- Annex A -----------------------------------------------------------------------------------

def test_template_workbook_is_recognised_sheet_by_sheet_and_left_as_it_is(
        annex_a_cleaner: AnnexCheck, tmp_path: Path) -> None:
    # The cleaner knows a list by its headings, not by its sheet's title.
    path = annex_a_workbook(tmp_path / "annex_a.xlsx", ANNEX_A,
                            titles={"List 1": "List 1 Contacts", "List 3": "Referrals"})
    report = annex_a_cleaner(path)

    assert report.recognised() == {"List 1 Contacts": "List 1", "Referrals": "List 3",
                                   "List 4": "List 4", "List 5": "List 5"}
    assert report.clean
    assert report.missing_lists == ("List 2", "List 6", "List 7", "List 8", "List 9",
                                    "List 10", "List 11")
    # Every cell compared with what was written (dd/mm/yyyy text read as that date).
    assert report.cells == sum(len(headings) for headings, _ in ANNEX_A.values())
    assert report.changed == ()


@pytest.mark.parametrize(("list_name", "heading", "value", "cell"), [
    pytest.param("List 3", "Referral NFA?", "Maybe", "H2", id="yes-no-value"),
    pytest.param("List 1", "Ethnicity", "t) NOBT", "C2", id="NOBT-is-s-in-the-template"),
    pytest.param("List 1", "Contact Source", "z) 11: Nobody", "G2", id="contact-source"),
    pytest.param("List 1", "Date of Contact", "2025-06-02", "F2", id="date-not-dd/mm/yyyy"),
    pytest.param("List 5", "Number of ICPCs in the last 12 months", "one", "L2",
                 id="count-not-a-number"),
])
def test_value_the_template_does_not_allow_is_blanked(
        annex_a_cleaner: AnnexCheck, tmp_path: Path, list_name: str, heading: str,
        value: str, cell: str) -> None:
    path = annex_a_workbook(tmp_path / "annex_a.xlsx", with_cell(list_name, heading, value))
    report = annex_a_cleaner(path)

    assert report.blanked == (CellNote(list_name, heading, cell, value),)
    assert report.missing == report.recoded == ()
    assert report.changed == (CellNote(list_name, heading, cell, value, ""),)


def test_label_without_its_template_letter_is_recoded(
        annex_a_cleaner: AnnexCheck, tmp_path: Path) -> None:
    path = annex_a_workbook(tmp_path / "annex_a.xlsx", with_cell("List 1", "Gender", "Female"))
    report = annex_a_cleaner(path)

    assert report.recoded == (CellNote("List 1", "Gender", "B2", "Female", "b) Female"),)
    assert report.blanked == ()
    assert report.changed == report.recoded


def test_required_cell_left_blank_is_reported_missing(
        annex_a_cleaner: AnnexCheck, tmp_path: Path) -> None:
    path = annex_a_workbook(tmp_path / "annex_a.xlsx",
                            with_cell("List 3", "Allocated Worker", None))
    report = annex_a_cleaner(path)

    assert report.missing == (CellNote("List 3", "Allocated Worker", "K2", None),)


def test_optional_cells_left_blank_are_accepted_as_they_are(
        annex_a_cleaner: AnnexCheck, tmp_path: Path) -> None:
    # An enquiry still open: no conference yet, so no date and no outcome.
    sheets = with_cell("List 5", "Date of Initial Child Protection Conference", None)
    headings, row = sheets["List 5"]
    outcome = headings.index("Did the Initial Child Protection Conference Result in a Child "
                             "Protection Plan")
    sheets["List 5"] = (headings, row[:outcome] + (None,) + row[outcome + 1:])
    report = annex_a_cleaner(annex_a_workbook(tmp_path / "annex_a.xlsx", sheets))

    assert report.clean


def test_sheet_missing_a_template_heading_is_not_recognised(
        annex_a_cleaner: AnnexCheck, tmp_path: Path) -> None:
    headings, row = ANNEX_A["List 3"]
    keep = [i for i, h in enumerate(headings) if h != "Referral Source"]
    sheets = {**ANNEX_A, "List 3": (tuple(headings[i] for i in keep),
                                    tuple(row[i] for i in keep))}
    report = annex_a_cleaner(annex_a_workbook(tmp_path / "annex_a.xlsx", sheets))

    assert report.recognised()["List 3"] is None
    assert "List 3" in report.missing_lists
