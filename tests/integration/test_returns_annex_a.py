"""Annex A lists 1 to 7 on a hand-checked data set recorded through the services (SQLite and
PostgreSQL), and what liiatools' Annex A cleaner makes of the workbook.

Every expected row is written out by hand from tests/integration/annex_a_dataset.py: coded
values in the template's words, dates as dates (the workbook shows them dd/mm/yyyy), ages
in whole years on the quarter's last day (31/03/2026), counts of the child's *previous*
events, teams and workers by name as allocated at the end of the quarter.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from reporting.annex_a import AnnexList, Period, build_annex_a, to_csv, to_xlsx
from reporting.cin_episodes import la_child_id
from tests.builders import SOCIAL_WORKER, TEAM_MANAGER
from tests.integration.annex_a_dataset import EVE, MadeAll, More, build_all
from tests.integration.returns_dataset import at
from tests.oracles.fixtures import annex_a_cleaner  # noqa: F401  (the oracle, as a fixture)
from tests.oracles.harness import CleanReport
from web.cli import main
from workflow.casework.family_help import FamilyHelpConfig, FamilyHelpService
from workflow.engine.engine import Engine as WorkflowEngine
from workflow.persistence.accounts import SqlAccounts
from workflow.persistence.tables import ContactRow, EventRow
from workflow.ports import UnitOfWork
from workflow.roles import Role
from workflow.rules import Rules

QUARTER = Period(date(2026, 1, 1), date(2026, 3, 31))
Cleaner = Callable[[Path | str], CleanReport]
D = date


@pytest.fixture
def made(uow_factory: Callable[[], UnitOfWork], rules: Rules, engine: Engine) -> MadeAll:
    return build_all(uow_factory, rules, SqlAccounts(sessionmaker(bind=engine)))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine.execution_options(readonly=True)) as s:
        yield s


@pytest.fixture
def ids(made: MadeAll, session: Session) -> dict[str, str]:
    """LA child IDs by name (database ids differ between backends)."""
    def child_of(contact_id: int) -> str:
        child = session.scalar(select(ContactRow.child_id).where(ContactRow.id == contact_id))
        return la_child_id(int(child or 0))

    return {name: child_of(getattr(made, contact)) for name, contact in (
        ("alex", "alex_2026"), ("bea", "bea"), ("cal", "cal"), ("dee", "dee"), ("eve", "eve"),
        ("fay", "fay"), ("gus", "gus_2026"), ("hal", "hal_2026"))}


def lists(session: Session, period: Period = QUARTER) -> dict[int, AnnexList]:
    return {annex.number: annex for annex in build_annex_a(session, period)}


def child(ids: dict[str, str], name: str) -> list[object]:
    """The five child columns, as the person record gives them (ages on 31/03/2026)."""
    return {
        "alex": [ids["alex"], "a) Male", "s) NOBT", D(2015, 6, 15), 10],
        "bea": [ids["bea"], "b) Female", "s) NOBT", D(2021, 11, 30), 4],
        "cal": [ids["cal"], "a) Male", "s) NOBT", D(2019, 1, 1), 7],
        "dee": [ids["dee"], "b) Female", "s) NOBT", D(2012, 3, 1), 14],
        "eve": [ids["eve"], "b) Female", "a) WBRI", D(2020, 7, 4), 5],
        "fay": [ids["fay"], "b) Female", "k) APKN", D(2014, 2, 13), 12],
        "gus": [ids["gus"], "a) Male", "g) MWBA", D(2010, 3, 31), 16],  # 16 that very day
        "hal": [ids["hal"], "c) Not stated/recorded", "s) REFU", D(2008, 4, 1), 17],
    }[name]


NORTH = ["Assessment North", "Sam Worker"]
EAST = ["Child Protection East", "Chris Protector"]


def test_list_1_has_one_row_per_contact_received_with_the_templates_source_labels(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[1].rows == [
        child(ids, "alex") + [D(2026, 1, 5), "q) 6: Police"],
        child(ids, "eve") + [D(2026, 1, 12), "o) 5B: LA services"],  # 5D: LA early help
        child(ids, "gus") + [D(2026, 1, 15), "e) 2A: Schools"],
        child(ids, "fay") + [D(2026, 1, 19), "a) 1A: Individual"],
        child(ids, "bea") + [D(2026, 2, 2), "e) 2A: Schools"],
        child(ids, "dee") + [D(2026, 2, 9), "g) 3A: Health services"],
        child(ids, "hal") + [D(2026, 2, 10), "q) 6: Police"],
        child(ids, "cal") + [D(2026, 3, 2), "k) 3E: Health services"],
    ]


def test_list_2_holds_early_help_decided_stepped_down_after_assessment_and_from_a_plan(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[2].rows == [
        # decided at the front door, no team named: the council's early help service
        child(ids, "eve") + [D(2026, 1, 12), D(2026, 3, 20), "Early Help Family Support"],
        # after an assessment (RC9), from the hand-over date, to the team the manager named
        child(ids, "fay") + [D(2026, 2, 16), None, "Family Help North"],
        # a child in need plan stepped down
        child(ids, "alex") + [D(2026, 3, 16), None, "Family Help North"],
    ]


def test_list_3_counts_only_the_referrals_in_the_12_months_before_each_one(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[3].rows == [
        child(ids, "alex") + [D(2026, 1, 5), "q) 6: Police", "b) No", 1] + NORTH,  # 11/06/2025
        child(ids, "gus") + [D(2026, 1, 15), "e) 2A: Schools", "b) No", 1] + EAST,  # 15/01/2025
        child(ids, "fay") + [D(2026, 1, 19), "a) 1A: Individual", "b) No", 0] + NORTH,
        child(ids, "bea") + [D(2026, 2, 2), "e) 2A: Schools", "b) No", 0] + EAST,
        child(ids, "dee") + [D(2026, 2, 9), "g) 3A: Health services", "b) No", 0] + NORTH,
        # 09/02/2025 is twelve months and a day before 10/02/2026: not counted
        child(ids, "hal") + [D(2026, 2, 10), "q) 6: Police", "b) No", 0] + NORTH,
    ]


def test_list_4_shows_each_assessment_open_during_the_period(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[4].rows == [
        child(ids, "alex") + ["b) No", D(2026, 1, 5), "a) Yes", D(2026, 1, 20), "a) Yes"] + NORTH,
        child(ids, "gus") + ["b) No", D(2026, 1, 15), "a) Yes", None, None] + EAST,
        child(ids, "fay") + ["a) Yes", D(2026, 1, 19), "a) Yes", D(2026, 2, 13), "b) No"] + NORTH,
        child(ids, "bea") + ["b) No", D(2026, 2, 2), "b) No", None, None] + EAST,
        child(ids, "dee") + ["c) Unknown", D(2026, 2, 9), "b) No", None, None] + NORTH,
        child(ids, "hal") + ["b) No", D(2026, 2, 10), "b) No", None, None] + NORTH,
    ]


def test_list_5_counts_the_enquiries_and_conferences_before_each_enquiry(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[5].rows == [
        # Gus: the enquiry of 16/01/2025 (exactly twelve months before) and its ICPC
        child(ids, "gus") + ["b) No", D(2026, 1, 16), "b) No", D(2026, 2, 5), "a) Yes", 1, 1]
        + EAST,
        # Bea: her own conference is after her enquiry began, so not counted
        child(ids, "bea") + ["b) No", D(2026, 2, 3), "b) No", D(2026, 2, 20), "a) Yes", 0, 0]
        + EAST,
        child(ids, "dee") + ["c) Unknown", D(2026, 2, 10), "a) Yes", None, None, 0, 0] + NORTH,
    ]


def test_list_6_has_each_childs_latest_episode_with_its_status_at_the_end_of_the_period(
        session: Session, ids: dict[str, str]) -> None:
    rc7 = "RC7 - Services ceased for any other reason, including child no longer in need"
    rc9 = "RC9 - Case closed after assessment, referred to early help"
    assert lists(session)[6].rows == [
        child(ids, "alex") + ["b) No", D(2026, 1, 5), "N1 - Abuse or neglect", D(2026, 1, 7),
                              D(2026, 3, 10), rc7, "e) Closed episode"] + NORTH,
        child(ids, "gus") + ["b) No", D(2026, 1, 15), "N1 - Abuse or neglect", D(2026, 3, 12),
                             None, None, "b) Child Protection plan"] + EAST,
        child(ids, "fay") + ["a) Yes", D(2026, 1, 19), "N4 - Family in acute stress",
                             D(2026, 1, 21), D(2026, 2, 13), rc9, "e) Closed episode"] + NORTH,
        child(ids, "bea") + ["b) No", D(2026, 2, 2), "N1 - Abuse or neglect", None, None, None,
                             "b) Child Protection plan"] + EAST,
        child(ids, "dee") + ["c) Unknown", D(2026, 2, 9), "N1 - Abuse or neglect", None, None,
                             None, "d) Open assessment"] + NORTH,
        child(ids, "hal") + ["b) No", D(2026, 2, 10), "N1 - Abuse or neglect", None, None,
                             None, "d) Open assessment"] + NORTH,
    ]


def test_list_7_has_each_childs_plan_with_its_last_visit_review_and_previous_plans(
        session: Session, ids: dict[str, str]) -> None:
    assert lists(session)[7].rows == [
        # the visit of 12/03 saw Gus but not alone; his 2025 plan is a previous plan
        child(ids, "gus") + ["b) No", D(2026, 2, 5), "b) Physical abuse", "b) Physical abuse",
                             D(2026, 3, 12), "b) No", D(2026, 3, 2), None, "c) Unknown", 1]
        + EAST,
        child(ids, "bea") + ["b) No", D(2026, 2, 20), "a) Neglect", "a) Neglect", None, None,
                             None, None, "c) Unknown", 0] + EAST,
    ]


def test_the_lists_stand_as_they_were_at_the_end_of_the_period(
        session: Session, ids: dict[str, str]) -> None:
    """As at 10 January: Alex's assessment was not yet authorised, Eve's early help had not
    ended, no enquiry had begun and Dee was not yet referred."""
    early = lists(session, Period(date(2026, 1, 1), date(2026, 1, 10)))

    assert early[4].rows == [
        [ids["alex"], "a) Male", "s) NOBT", D(2015, 6, 15), 10, "b) No", D(2026, 1, 5),
         "a) Yes", None, None] + NORTH]
    assert early[2].rows == early[5].rows == early[7].rows == []


def test_allocation_is_the_one_in_force_at_the_end_of_the_period(
        session: Session, ids: dict[str, str]) -> None:
    """Dee moved to Child Protection East on 2 April: the quarter says Assessment North."""
    april = lists(session, Period(date(2026, 4, 1), date(2026, 4, 30)))

    assert [row[-2:] for row in lists(session)[4].rows if row[0] == ids["dee"]] == [NORTH]
    assert [row[-2:] for row in april[4].rows if row[0] == ids["dee"]] == [EAST]


@pytest.mark.usefixtures("made")
def test_a_contact_received_at_00_30_bst_counts_on_that_london_day(session: Session) -> None:
    """Alex's first contact: 23:30 UTC on 10 June 2025, which is 00:30 on 11 June in London."""
    on_the_11th = lists(session, Period(date(2025, 6, 11), date(2025, 6, 11)))[1].rows
    on_the_10th = lists(session, Period(date(2025, 6, 10), date(2025, 6, 10)))[1].rows

    assert [row[5] for row in on_the_11th] == [D(2025, 6, 11)]
    assert on_the_10th == []


# -- the cleaner (liiatools) -------------------------------------------------------------------

def test_the_cleaner_recognises_every_list_and_changes_nothing_but_rc9(
        session: Session, ids: dict[str, str], annex_a_cleaner: Cleaner,  # noqa: F811
        tmp_path: Path) -> None:
    """Every cell compared before and after cleaning: nothing blanked or missing. The one
    cell changed is Fay's RC9, which the template's list (RC1-RC8) has no code for and
    liiatools reads as RC8."""
    built = build_annex_a(session, QUARTER)
    path = tmp_path / "annex_a.xlsx"
    path.write_bytes(to_xlsx(built))

    report = annex_a_cleaner(path)

    assert report.recognised() == {f"List {n}": f"List {n}" for n in range(1, 8)}
    assert report.cells == sum(len(a.rows) * len(a.headings) for a in built) == 378
    assert report.blanked == report.missing == ()
    assert [(n.list_name, n.column, n.value, n.became) for n in report.changed] == [
        ("List 6", "Reason for Closure",
         "RC9 - Case closed after assessment, referred to early help",
         "RC8 - Case closed after assessment, no further action")]
    assert report.recoded == report.changed


# -- formula-safe names ------------------------------------------------------------------------

def test_a_team_worker_or_early_help_team_named_like_a_formula_is_written_as_text(
        uow_factory: Callable[[], UnitOfWork], rules: Rules, engine: Engine,
        session: Session) -> None:
    """Names come from the directory (imported from a council's CSV) and the receiving
    Family Help service's from config/family_help.toml: none may become a live formula."""
    accounts = SqlAccounts(sessionmaker(bind=engine))
    accounts.save_team("odd", '=HYPERLINK("http://evil.example","x")', "assessment", 5)
    accounts.save_account("odd.worker", "@Odd Worker", Role.SOCIAL_WORKER, "odd", None,
                          "!no-sign-in")
    accounts.join_team("odd", "odd.worker", False)
    odd = FamilyHelpService("odd-help", "+Early Help\tWest", "internal", (2,),
                            "family-help-north", "1", "e", "a", True, "local: test")
    config = replace(rules.engine.config, family_help=FamilyHelpConfig((odd,)))
    b = More(uow_factory, replace(rules, engine=WorkflowEngine(config)))
    driver = b.referral(EVE, "2026-02-02 09:00", "6")
    b.step(driver, at("2026-02-02 10:00"), "allocate", TEAM_MANAGER, team="odd",
           worker="odd.worker")
    b.step(driver, at("2026-02-03 10:00"), "record_visit", SOCIAL_WORKER, "seen")
    b.step(driver, at("2026-02-20 10:00"), "submit_assessment", SOCIAL_WORKER)
    b.step(driver, at("2026-02-20 15:00"), "complete_assessment", TEAM_MANAGER, "early_help",
           service="odd-help", practitioner="fh.practitioner", handover_on=date(2026, 2, 23))

    built = {a.number: a for a in build_annex_a(session, QUARTER)}
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx([built[2], built[3]])))
    referral, early_help = book["List 3"], book["List 2"]

    assert [referral["J2"].value, referral["K2"].value, early_help["H2"].value] == [
        "'=HYPERLINK(\"http://evil.example\",\"x\")", "'@Odd Worker", "'+Early Help\tWest"]
    assert {c.data_type for c in (referral["J2"], referral["K2"], early_help["H2"])} == {"s"}
    assert list(csv.reader(io.StringIO(to_csv(built[3]))))[1][-2:] == [
        "'=HYPERLINK(\"http://evil.example\",\"x\")", "'@Odd Worker"]
    assert list(csv.reader(io.StringIO(to_csv(built[2]))))[1][-1] == "'+Early Help\tWest"


# -- an empty period ---------------------------------------------------------------------------

@pytest.mark.usefixtures("made")
def test_an_empty_period_gives_every_lists_headings_and_says_it_is_empty(
        database_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--database-url", database_url, "export", "annex-a",
                                       "--from", "2024-01-01", "--to", "2024-01-31",
                                       "--output", str(tmp_path / "a.xlsx")])

    assert result.exit_code == 0, result.output
    assert "Nothing was recorded from 01/01/2024 to 31/01/2024: every list holds its " \
           "headings only." in result.output
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == [f"List {n}" for n in range(1, 8)]
    assert [book[name].max_row for name in book.sheetnames] == [1] * 7
    assert next(book["List 7"].values)[-3:] == ("Number of Previous Child Protection Plans",
                                                "Allocated Team", "Allocated Worker")


# -- the command -------------------------------------------------------------------------------

def _export(database_url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--database-url", database_url, "export", "annex-a",
                                       "--from", "2026-01-01", "--to", "2026-03-31", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.usefixtures("made")
def test_the_command_writes_a_workbook_with_the_templates_sheets(
        database_url: str, tmp_path: Path) -> None:
    output = _export(database_url, "--format", "xlsx", "--output", str(tmp_path / "a.xlsx"))

    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == [f"List {n}" for n in range(1, 8)]
    assert [book[name].max_row - 1 for name in book.sheetnames] == [8, 3, 6, 6, 3, 6, 2]
    assert "List 5 Section 47s and ICPCs: 3 rows" in output
    assert "(Annex A ilacs-2022)" in output
    assert "Nothing was recorded" not in output


@pytest.mark.usefixtures("made")
def test_the_command_writes_csv_files_to_a_folder_or_a_zip(
        database_url: str, tmp_path: Path) -> None:
    _export(database_url, "--format", "csv", "--output", str(tmp_path / "annex"))
    _export(database_url, "--format", "csv", "--output", str(tmp_path / "annex.zip"))

    files = sorted(p.name for p in (tmp_path / "annex").iterdir())
    assert files == sorted(zipfile.ZipFile(io.BytesIO((tmp_path / "annex.zip").read_bytes()))
                           .namelist())
    assert len(files) == 7
    referrals = (tmp_path / "annex" / "annex_a_list_3_referrals.csv").read_text().splitlines()
    assert referrals[0].startswith("Child Unique ID,Gender,Ethnicity,Date of Birth,"
                                   "Age of Child (Years),Date of referral,")
    assert ",05/01/2026,q) 6: Police,b) No,1,Assessment North,Sam Worker" in referrals[1]


def test_the_command_refuses_a_period_that_ends_before_it_starts(
        database_url: str, tmp_path: Path, engine: Engine) -> None:
    result = CliRunner().invoke(main, ["--database-url", database_url, "export", "annex-a",
                                       "--from", "2026-03-01", "--to", "2026-02-01",
                                       "--output", str(tmp_path / "a.xlsx")])

    assert result.exit_code == 2
    assert "end on or after" in result.output
    assert not (tmp_path / "a.xlsx").exists()


# -- the demo data -----------------------------------------------------------------------------

DEMO_NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
DEMO_PERIOD = Period(date(2026, 6, 1), date(2026, 11, 30))


@pytest.fixture
def demo(tmp_path: Path, rules: Rules) -> Iterator[Engine]:
    """``frontdoor demo --contacts 300 --seed 1`` on 1 December 2026, in a SQLite file."""
    from web.demo import DemoSpec, load_demo
    from web.users import load_demo_users
    from workflow.persistence.schema import metadata
    from workflow.persistence.store import Store

    store = Store(f"sqlite:///{tmp_path / 'demo.db'}")
    metadata().create_all(store.engine)
    load_demo_users(store.accounts)
    assert list(load_demo(store.uow, rules, DemoSpec(contacts=300, seed=1), DEMO_NOW,
                          store.reads))[-1] >= 300
    yield store.engine
    store.close()


def _awaiting_allocation(session: Session, period: Period) -> int:
    """Referrals of the period not allocated by its end (no allocate event before it)."""
    allocated = select(EventRow.contact_id).where(EventRow.trigger == "allocate",
                                                  EventRow.at < period.cutoff)
    return len(session.scalars(select(ContactRow.id).where(
        ContactRow.referral_at >= period.first_instant, ContactRow.referral_at < period.cutoff,
        ContactRow.id.not_in(allocated))).all())


def test_the_cleaner_takes_the_demos_workbook_without_changing_a_cell(
        demo: Engine, annex_a_cleaner: Cleaner, tmp_path: Path) -> None:  # noqa: F811
    """Six months of the demo: every list recognised, every cell the same after cleaning.
    The only cells it reports are the teams and workers of referrals nobody had yet been
    allocated at the period's end, which the template asks for and the records do not hold."""
    with Session(demo) as session:
        built = build_annex_a(session, DEMO_PERIOD)
        waiting = _awaiting_allocation(session, DEMO_PERIOD)
    path = tmp_path / "annex_a.xlsx"
    path.write_bytes(to_xlsx(built))

    report = annex_a_cleaner(path)

    assert report.recognised() == {f"List {n}": f"List {n}" for n in range(1, 8)}
    assert all(annex.rows for annex in built)
    assert report.cells == sum(len(a.rows) * len(a.headings) for a in built)
    assert report.blanked == report.recoded == report.changed == ()
    assert {n.column for n in report.missing} <= {"Allocated Team", "Allocated Worker"}
    assert len([n for n in report.missing if n.list_name == "List 3"]) == 2 * waiting
