"""Annex A on a hand-checked data set recorded through the services (SQLite and PostgreSQL).

Every expected row is written out by hand from tests/integration/returns_dataset.py:
headings as DOMAIN.md §5 gives them, dates dd/mm/yyyy, ``a) Yes`` / ``b) No``, sources
as ``q) 6: Police``, ages in whole years on the event's date, counts from our records.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from reporting.annex_a import LIST_1, AnnexList, Period, build_annex_a
from reporting.cin_episodes import la_child_id
from tests.integration.returns_dataset import Made, build
from web.cli import main
from workflow.persistence.tables import ContactRow
from workflow.ports import UnitOfWork
from workflow.rules import Rules

QUARTER = Period(date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture
def made(uow_factory: Callable[[], UnitOfWork], rules: Rules) -> Made:
    return build(uow_factory, rules)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine.execution_options(readonly=True)) as s:
        yield s


@pytest.fixture
def ids(made: Made, session: Session) -> dict[str, str]:
    """LA child IDs by name (database ids differ between backends)."""
    def child_of(contact_id: int) -> str:
        child = session.scalar(select(ContactRow.child_id).where(ContactRow.id == contact_id))
        return la_child_id(int(child or 0))

    return {"alex": child_of(made.alex_2026), "bea": child_of(made.bea),
            "cal": child_of(made.cal), "dee": child_of(made.dee)}


def lists(session: Session, period: Period = QUARTER) -> dict[int, AnnexList]:
    return {annex.number: annex for annex in build_annex_a(session, period)}


def test_list_1_has_one_row_per_child_per_contact_received_in_the_period(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[1].rows == [
        [ids["alex"], "a) Male", "t) NOBT", "15/06/2015", 10, "05/01/2026", "q) 6: Police"],
        [ids["bea"], "b) Female", "t) NOBT", "30/11/2021", 4, "02/02/2026", "e) 2A: Schools"],
        [ids["dee"], "b) Female", "t) NOBT", "01/03/2012", 13, "09/02/2026", "g) 3A: GP"],
        [ids["cal"], "a) Male", "t) NOBT", "01/01/2019", 7, "02/03/2026", "k) 3E: A&E"],
    ]


def test_list_3_counts_referrals_in_the_12_months_up_to_each_referral(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[3].rows == [
        [ids["alex"], "a) Male", "t) NOBT", "15/06/2015", 10, "05/01/2026", "q) 6: Police",
         "b) No", 2, "assessment-north", "social.worker"],  # 11/06/2025 and 05/01/2026
        [ids["bea"], "b) Female", "t) NOBT", "30/11/2021", 4, "02/02/2026", "e) 2A: Schools",
         "b) No", 1, "", ""],
        [ids["dee"], "b) Female", "t) NOBT", "01/03/2012", 13, "09/02/2026", "g) 3A: GP",
         "b) No", 1, "", ""],
    ]


def test_list_4_shows_each_assessment_open_during_the_period(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[4].rows == [
        [ids["alex"], "a) Male", "t) NOBT", "15/06/2015", 10, "b) No", "05/01/2026", "a) Yes",
         "20/01/2026", "a) Yes", "assessment-north", "social.worker"],
        [ids["bea"], "b) Female", "t) NOBT", "30/11/2021", 4, "b) No", "02/02/2026", "b) No",
         "", "", "", ""],
        [ids["dee"], "b) Female", "t) NOBT", "01/03/2012", 13, "c) Unknown", "09/02/2026",
         "b) No", "", "", "", ""],
    ]


def test_list_5_shows_each_section_47_with_its_conference(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[5].rows == [
        [ids["bea"], "b) Female", "t) NOBT", "30/11/2021", 4, "b) No", "03/02/2026", "b) No",
         "20/02/2026", "a) Yes", 1, 1, "", ""],
        [ids["dee"], "b) Female", "t) NOBT", "01/03/2012", 13, "c) Unknown", "10/02/2026",
         "a) Yes", "", "", 1, 0, "", ""],
    ]


def test_the_lists_stand_as_they_were_at_the_end_of_the_period(
        session: Session, ids: dict[str, str]) -> None:
    """Alex's assessment was authorised on 20 January: not yet, as at 10 January."""
    early = lists(session, Period(date(2026, 1, 1), date(2026, 1, 10)))

    assert early[4].rows == [[ids["alex"], "a) Male", "t) NOBT", "15/06/2015", 10, "b) No",
                              "05/01/2026", "a) Yes", "", "", "assessment-north",
                              "social.worker"]]
    assert early[5].rows == []


def test_a_contact_received_at_00_30_bst_counts_on_that_london_day(
        session: Session, ids: dict[str, str]) -> None:
    """Received 23:30 UTC on 10 June 2025, which is 00:30 on 11 June in London."""
    on_the_11th = lists(session, Period(date(2025, 6, 11), date(2025, 6, 11)))[1].rows
    on_the_10th = lists(session, Period(date(2025, 6, 10), date(2025, 6, 10)))[1].rows

    assert [row[5] for row in on_the_11th] == ["11/06/2025"]
    assert on_the_10th == []


# -- the command -------------------------------------------------------------------------------

def _export(database_url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--database-url", database_url, "export", "annex-a",
                                       "--from", "2026-01-01", "--to", "2026-03-31", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.usefixtures("made")
def test_the_command_writes_a_workbook_with_a_sheet_per_list(
        database_url: str, tmp_path: Path) -> None:
    output = _export(database_url, "--format", "xlsx", "--output", str(tmp_path / "a.xlsx"))

    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["List 1 Contacts", "List 3 Referrals", "List 4 Assessments",
                               "List 5 Section 47s and ICPCs"]
    assert next(book["List 1 Contacts"].values) == LIST_1
    assert book["List 1 Contacts"].max_row == 5  # headings and four contacts
    assert "List 5 Section 47s and ICPCs: 2 row(s)" in output


@pytest.mark.usefixtures("made")
def test_the_command_writes_csv_files_to_a_folder_or_a_zip(
        database_url: str, tmp_path: Path) -> None:
    _export(database_url, "--format", "csv", "--output", str(tmp_path / "annex"))
    _export(database_url, "--format", "csv", "--output", str(tmp_path / "annex.zip"))

    files = sorted(p.name for p in (tmp_path / "annex").iterdir())
    assert files == sorted(zipfile.ZipFile(io.BytesIO((tmp_path / "annex.zip").read_bytes()))
                           .namelist())
    assert (tmp_path / "annex" / "annex_a_list_3_referrals.csv").read_text().splitlines()[0] \
        .startswith("Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),")


def test_the_command_refuses_a_period_that_ends_before_it_starts(
        database_url: str, tmp_path: Path, engine: Engine) -> None:
    result = CliRunner().invoke(main, ["--database-url", database_url, "export", "annex-a",
                                       "--from", "2026-03-01", "--to", "2026-02-01",
                                       "--output", str(tmp_path / "a.xlsx")])

    assert result.exit_code == 2
    assert "end on or after" in result.output
    assert not (tmp_path / "a.xlsx").exists()
