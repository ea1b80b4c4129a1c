"""Annex A's headings and codes, word for word as DOMAIN.md §5 gives them (no database).

The headings below are typed out from DOMAIN.md, not imported, so a change to either side
fails here. The rows themselves are checked on a hand-built data set in
tests/integration/test_returns_annex_a.py.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest

from reporting.annex_a import (
    LIST_1,
    LIST_3,
    LIST_4,
    LIST_5,
    AnnexList,
    Period,
    child_cells,
    ethnicity_label,
    in_last_12_months,
    source_label,
    to_csv_zip,
    to_xlsx,
    yes_no,
)
from reporting.cin_codes import REFERRAL_SOURCES
from reporting.cin_episodes import Child, local_day
from workflow.intake.codes import REFERRAL_SOURCES as ENGINE_SOURCES

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]


def test_list_1_contacts_has_ofsteds_headings_in_order() -> None:
    assert list(LIST_1) == CHILD + ["Date of Contact", "Contact Source"]


def test_list_3_referrals_has_ofsteds_headings_in_order() -> None:
    assert list(LIST_3) == CHILD + [
        "Date of referral", "Referral Source", "Referral NFA?",
        "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"]


def test_list_4_assessments_has_ofsteds_headings_in_order() -> None:
    assert list(LIST_4) == CHILD + [
        "Does the Child have a Disability", "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team", "Allocated Worker"]


def test_list_5_section_47s_and_icpcs_has_ofsteds_headings_in_order() -> None:
    assert list(LIST_5) == CHILD + [
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months", "Allocated Team", "Allocated Worker"]


@pytest.mark.parametrize(("code", "written"), [
    ("1A", "a) 1A: Family/relative/carer"),
    ("2A", "e) 2A: Schools"),
    ("3E", "k) 3E: A&E"),
    ("5C", "p) 5C: Another LA"),
    ("6", "q) 6: Police"),  # DOMAIN.md's own example fixes the letters
    ("10", "u) 10: Unknown"),
    ("5D", "v) 5D: Early help"),  # added to the census later: lettered after 10
])
def test_sources_are_lettered_so_that_police_is_q(code: str, written: str) -> None:
    assert source_label(code) == written


def test_every_source_the_engine_accepts_has_an_annex_a_letter() -> None:
    assert {code for code, _ in REFERRAL_SOURCES} == set(ENGINE_SOURCES)
    assert len({source_label(code)[:2] for code in ENGINE_SOURCES}) == len(ENGINE_SOURCES)


def test_yes_no_values_are_lettered_and_unknown_is_blank_unless_asked() -> None:
    assert [yes_no(True), yes_no(False), yes_no(None), yes_no(None, "c) Unknown")] == [
        "a) Yes", "b) No", "", "c) Unknown"]


def test_ethnicity_is_the_letter_of_its_place_in_the_dfe_list_and_the_code() -> None:
    assert [ethnicity_label(c) for c in ("WBRI", "OOTH", "NOBT")] == [
        "a) WBRI", "r) OOTH", "t) NOBT"]


@pytest.mark.parametrize(("on", "age"), [
    (date(2026, 6, 14), 10),  # the day before the 11th birthday
    (date(2026, 6, 15), 11),  # the birthday itself
    (date(2015, 6, 15), 0),
])
def test_age_is_whole_years_on_the_date_of_the_event(on: date, age: int) -> None:
    child = Child(7, date(2015, 6, 15), "F", "WBRI", None, ("LD",))

    assert child_cells(child, on) == ["FDC0000007", "b) Female", "a) WBRI", "15/06/2015", age]


def test_a_child_without_a_date_of_birth_has_blank_date_and_age() -> None:
    child = Child(7, None, "U", "NOBT", None, ())

    assert child_cells(child, date(2026, 1, 1)) == [
        "FDC0000007", "c) Not stated/recorded", "t) NOBT", "", ""]


def test_last_12_months_includes_the_anchor_day_and_excludes_a_year_before_it() -> None:
    days = [date(2025, 1, 5), date(2025, 1, 6), date(2025, 7, 1), date(2026, 1, 5),
            date(2026, 1, 6)]

    assert in_last_12_months(days, date(2026, 1, 5)) == 3  # 6 Jan 2025, 1 Jul, 5 Jan 2026


def test_recorded_times_are_read_as_london_dates() -> None:
    assert local_day(datetime(2025, 6, 10, 23, 30, tzinfo=UTC)) == date(2025, 6, 11)  # BST
    assert local_day(datetime(2026, 1, 10, 23, 30, tzinfo=UTC)) == date(2026, 1, 10)  # GMT


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="end on or after"):
        Period(date(2026, 3, 1), date(2026, 2, 28))


def _lists() -> list[AnnexList]:
    row: list[str | int] = ["FDC0000001", "a) Male", "t) NOBT", "15/06/2015", 10,
                            "05/01/2026", "q) 6: Police"]
    return [AnnexList(1, "Contacts", LIST_1, [row]), AnnexList(3, "Referrals", LIST_3, []),
            AnnexList(4, "Assessments", LIST_4, []),
            AnnexList(5, "Section 47s and ICPCs", LIST_5, [])]


def test_the_workbook_has_one_sheet_per_list_with_headings_then_rows() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_lists())))

    assert book.sheetnames == ["List 1 Contacts", "List 3 Referrals", "List 4 Assessments",
                               "List 5 Section 47s and ICPCs"]
    rows = list(book["List 1 Contacts"].values)
    assert rows == [tuple(LIST_1), ("FDC0000001", "a) Male", "t) NOBT", "15/06/2015", 10,
                                    "05/01/2026", "q) 6: Police")]
    assert [list(book[name].values)[0] for name in book.sheetnames[1:]] == [
        tuple(LIST_3), tuple(LIST_4), tuple(LIST_5)]


def test_the_csv_zip_has_one_file_per_list() -> None:
    archive = zipfile.ZipFile(io.BytesIO(to_csv_zip(_lists())))

    assert archive.namelist() == [
        "annex_a_list_1_contacts.csv", "annex_a_list_3_referrals.csv",
        "annex_a_list_4_assessments.csv", "annex_a_list_5_section_47s_and_icpcs.csv"]
    rows = list(csv.reader(io.StringIO(archive.read("annex_a_list_1_contacts.csv").decode())))
    assert rows == [list(LIST_1), ["FDC0000001", "a) Male", "t) NOBT", "15/06/2015", "10",
                                   "05/01/2026", "q) 6: Police"]]
