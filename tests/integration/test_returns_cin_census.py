"""The CIN census from real records: valid against our XSD, and every rule caught in words.

The data set (tests/integration/returns_dataset.py) is sound except for one child whose
disability was never recorded. Each rule is then broken by changing rows directly, as a
bad import or a hand edit would (in the tables the census reads: assessments, section 47
enquiries, threshold decisions, the contact's closure reason), and the problem must be
reported against the right child in plain words. The demo data's census must have no
problems at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from click.testing import CliRunner
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from reporting.annex_a import Period, build_annex_a
from reporting.cin_census import CensusResult, CollectionYear, build_census
from reporting.cin_episodes import la_child_id
from tests.integration.returns_dataset import Made, at, build
from web.cli import main
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_people import PersonDisabilityRow, PersonRow
from workflow.persistence.tables_strategy import AssessmentRow, Section47Row
from workflow.ports import UnitOfWork
from workflow.rules import Rules

YEAR = CollectionYear.parse("2025-26")
NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
NO_DISABILITY = "disability is not recorded (the census needs 'no disability' or the DfE " \
                "disability codes)"


@pytest.fixture
def made(uow_factory: Callable[[], UnitOfWork], rules: Rules) -> Made:
    return build(uow_factory, rules)


def census(engine: Engine, rules: Rules, year: CollectionYear = YEAR) -> CensusResult:
    with Session(engine.execution_options(readonly=True)) as session:
        return build_census(session, year, rules.calendar, "885", NOW)


def child_of(engine: Engine, contact_id: int) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(ContactRow.child_id)
                                  .where(ContactRow.id == contact_id)) or 0)


def change(engine: Engine, *statements: Any) -> None:
    with Session(engine) as session:
        for statement in statements:
            session.execute(statement)
        session.commit()


def text_of(xml: bytes, path: str) -> list[str]:
    root = xmlschema.XMLResource(xml).root
    return [node.text or "" for node in root.iterfind(path)]


# -- the sound data set ------------------------------------------------------------------------

def test_the_census_of_the_data_set_is_valid_and_reports_only_the_missing_disability(
        engine: Engine, rules: Rules, made: Made) -> None:
    result = census(engine, rules)

    dee = la_child_id(child_of(engine, made.dee))
    assert [(p.child, p.message) for p in result.problems] == [(dee, NO_DISABILITY)]
    assert (result.children, result.episodes) == (3, 4)  # Cal's contact was not a referral
    assert text_of(result.xml, "Children/Child/ChildIdentifiers/UPNunknown") == ["UN1"]
    assert text_of(result.xml, "Children/Child/CINdetails/ReasonForClosure") == ["RC8"]
    assert text_of(result.xml, ".//Section47/InitialCPCtarget") == ["2026-02-24", "2026-03-03"]
    assert text_of(result.xml, ".//Section47/DateOfInitialCPC") == ["2026-02-20"]
    assert text_of(result.xml, ".//Section47/ICPCnotRequired") == ["false", "true"]
    assert text_of(result.xml, ".//ChildProtectionPlans/CPPstartDate") == ["2026-02-20"]
    assert text_of(result.xml, ".//CINPlanDates/CINPlanStartDate") == ["2026-01-20"]
    assert text_of(result.xml, ".//AssessmentFactors") == ["21", "3A", "4B"]


def test_the_census_written_for_the_year_validates_against_our_xsd(
        engine: Engine, rules: Rules, made: Made) -> None:
    schema = xmlschema.XMLSchema(str(Path("reporting/schemas/cin_census_2025_26.xsd")))

    schema.validate(census(engine, rules).xml)


def test_the_next_year_leaves_out_what_closed_or_ended_before_it(
        engine: Engine, rules: Rules, made: Made) -> None:
    result = census(engine, rules, CollectionYear.parse("2026-27"))

    assert text_of(result.xml, ".//CINreferralDate") == ["2026-01-05", "2026-02-02",
                                                         "2026-02-09"]
    assert text_of(result.xml, ".//AssessmentAuthorisationDate") == []  # 20/01/2026
    assert text_of(result.xml, ".//CINPlanStartDate") == ["2026-01-20"]  # still open


def test_a_year_before_any_referral_has_no_children(engine: Engine, rules: Rules,
                                                    made: Made) -> None:
    result = census(engine, rules, CollectionYear.parse("2024-25"))

    assert (result.children, result.problems) == (0, [])


# -- each rule broken by a direct change to the rows -------------------------------------------

def _clock(contact_id: int, rule: str) -> Any:
    return ClockRow.contact_id == contact_id, ClockRow.rule == rule


def _event(contact_id: int, trigger: str) -> Any:
    return EventRow.contact_id == contact_id, EventRow.trigger == trigger


def _of(table: Any, contact_id: int) -> Any:
    return table.contact_id == contact_id


def _new_assessment(contact_id: int, started: str) -> Any:
    return insert(AssessmentRow).values(contact_id=contact_id, kind="s17", status="open",
                                        started_at=at(started), summary="", factors=[],
                                        returned_reason="", lateness_reason="")


def _new_enquiry(contact_id: int, started: str, closed: str | None = None) -> Any:
    return insert(Section47Row).values(
        contact_id=contact_id, event_seq=99, started_at=at(started),
        status="closed" if closed else "open", closed_at=at(closed) if closed else None,
        not_required_reason="Synthetic" if closed else "")


BREAKERS: dict[str, tuple[str, Callable[[Made], list[Any]], str]] = {
    "s47 before the referral": ("bea", lambda m: [update(Section47Row).where(
        _of(Section47Row, m.bea)).values(started_at=at("2026-01-30 10:00"))],
        "the section 47 start on 30/01/2026 is before the referral date 02/02/2026"),
    "activity on an NFA referral": ("alex", lambda m: [update(ThresholdDecisionRow).where(
        _of(ThresholdDecisionRow, m.alex_2026)).values(outcome="no_further_action")],
        "the referral was decided 'no further action', yet it has an assessment and a CIN "
        "plan"),
    "two open assessments": ("bea", lambda m: [_new_assessment(m.bea, "2026-02-05 09:00")],
        "2 assessments are open at the same time (at most one may be)"),
    "two open section 47s": ("dee", lambda m: [
        update(Section47Row).where(_of(Section47Row, m.dee)).values(status="open",
                                                                    closed_at=None),
        _new_enquiry(m.dee, "2026-02-12 09:00")],
        "2 section 47 enquiries are open at the same time (at most one may be)"),
    "plan not on the ICPC date": ("bea", lambda m: [update(Section47Row).where(
        _of(Section47Row, m.bea)).values(conference_at=at("2026-02-19 12:00"))],
        "the child protection plan starts on 20/02/2026, but no initial child protection "
        "conference is recorded that day"),
    "RC8 without an assessment": ("alex", lambda m: [delete(AssessmentRow).where(
        _of(AssessmentRow, m.alex_2025))],
        "closed as RC8 (Closed after assessment, no further action) but no assessment is "
        "recorded"),
    "RC8 with a section 47": ("alex", lambda m: [_new_enquiry(
        m.alex_2025, "2025-06-12 09:00", closed="2025-06-18 09:00")],
        "closed as RC8 (Closed after assessment, no further action) but it has a section 47 "
        "enquiry or a plan, which RC8/RC9 forbid"),
    "closure before the referral": ("alex", lambda m: [update(EventRow).where(
        *_event(m.alex_2025, "complete_assessment")).values(at=at("2025-06-09 12:00"))],
        "the closure date 09/06/2025 is before the referral date 11/06/2025"),
    "activity after closure": ("alex", lambda m: [update(AssessmentRow).where(
        _of(AssessmentRow, m.alex_2025)).values(authorised_at=at("2025-06-25 12:00"))],
        "the assessment authorisation on 25/06/2025 is after the case was closed on "
        "20/06/2025"),
    "ICPC target not 15 working days on": ("bea", lambda m: [update(ClockRow).where(
        *_clock(m.bea, "icpc")).values(due_at=at("2026-02-25 23:59"))],
        "the ICPC target 25/02/2026 is not 15 working days after the section 47 start "
        "03/02/2026 (that is 24/02/2026)"),
    "closed without a reason": ("alex", lambda m: [update(ContactRow).where(
        ContactRow.id == m.alex_2025).values(closure_reason=None)],
        "the case was closed on 20/06/2025 without a CIN reason for closure (RC1 to RC9)"),
    "no primary need": ("bea", lambda m: [update(ThresholdDecisionRow).where(
        _of(ThresholdDecisionRow, m.bea)).values(primary_need=None)],
        "no primary need code (N0 to N9) is recorded"),
    "episodes overlap": ("alex", lambda m: [update(ContactRow).where(
        ContactRow.id == m.alex_2026).values(referral_at=at("2025-06-15 09:00"))],
        "starts before the referral of 11/06/2025"),
}
CHILD_BREAKERS: dict[str, tuple[dict[str, Any], str]] = {
    "no UPN and no derivable reason": ({"upn": None}, "UPN or UPN-unknown reason needed: "
                                       "no UPN is recorded and none of the unknown-reason "
                                       "codes follows from our records (the child is 10 on "
                                       "31/03/2026)"),
    "no date of birth": ({"date_of_birth": None}, "date of birth is not recorded"),
    "an ethnicity that is not a DfE code": ({"ethnicity": "XXXX"},
                                            "ethnicity code 'XXXX' is not a CIN code"),
}


def _contact_of(made: Made, name: str) -> int:
    return {"alex": made.alex_2026, "bea": made.bea, "dee": made.dee}[name]


@pytest.mark.parametrize("broken", BREAKERS)
def test_a_broken_record_is_reported_against_its_child_in_words(
        broken: str, engine: Engine, rules: Rules, made: Made) -> None:
    name, statements, expected = BREAKERS[broken]
    change(engine, *statements(made))

    result = census(engine, rules)

    child = la_child_id(child_of(engine, _contact_of(made, name)))
    found = [p.message for p in result.problems if p.child == child]
    assert any(expected in message for message in found), found


@pytest.mark.parametrize("broken", CHILD_BREAKERS)
def test_a_child_missing_what_the_census_needs_is_reported(
        broken: str, engine: Engine, rules: Rules, made: Made) -> None:
    values, expected = CHILD_BREAKERS[broken]
    alex = child_of(engine, made.alex_2026)
    change(engine, update(PersonRow).where(PersonRow.id == alex).values(**values))

    found = [p.message for p in census(engine, rules).problems
             if p.child == la_child_id(alex)]

    assert any(message.startswith(expected) for message in found), found


# -- the command -------------------------------------------------------------------------------

def _run(database_url: str, output: Path, *more: str) -> Any:
    return CliRunner().invoke(main, ["--database-url", database_url, "export", "cin-census",
                                     "--year", "2025-26", "--output", str(output), *more])


def test_the_command_prints_the_problems_and_writes_nothing(
        database_url: str, engine: Engine, made: Made, tmp_path: Path) -> None:
    result = _run(database_url, tmp_path / "cin.xml")

    assert result.exit_code == 1
    assert f"problem: {la_child_id(child_of(engine, made.dee))}: {NO_DISABILITY}" \
        in result.output
    assert "3 child(ren), 4 referral episode(s), 1 problem(s); nothing written" in result.output
    assert not (tmp_path / "cin.xml").exists()


def test_the_command_writes_with_force_and_without_problems(
        database_url: str, engine: Engine, made: Made, tmp_path: Path) -> None:
    forced = _run(database_url, tmp_path / "forced.xml", "--force")
    change(engine, insert(PersonDisabilityRow).values(person_id=child_of(engine, made.dee),
                                                      code="NONE"))
    clean = _run(database_url, tmp_path / "clean.xml")

    assert (forced.exit_code, clean.exit_code) == (0, 0), forced.output + clean.output
    assert "0 problem(s)" in clean.output
    assert (tmp_path / "forced.xml").read_bytes().startswith(b"<?xml")
    assert b"<LAchildID>" in (tmp_path / "clean.xml").read_bytes()


def test_the_command_refuses_a_year_not_written_like_2025_26(
        database_url: str, engine: Engine, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--database-url", database_url, "export", "cin-census",
                                       "--year", "2025", "--output", str(tmp_path / "x.xml")])

    assert result.exit_code == 1
    assert "write it like 2025-26" in result.output


# -- the demo data -----------------------------------------------------------------------------

@pytest.fixture
def demo(tmp_path: Path, rules: Rules) -> Iterator[Engine]:
    """The demo data (seed 7, 80 contacts, 'now' fixed) in a temporary SQLite file."""
    from web.demo import DemoSpec, load_demo
    from web.users import load_demo_users
    from workflow.persistence.store import Store

    store = Store(f"sqlite:///{tmp_path / 'demo.db'}")
    metadata().create_all(store.engine)  # type: ignore[attr-defined]
    load_demo_users(store.accounts)
    made = list(load_demo(store.uow, rules, DemoSpec(contacts=80, seed=7),
                          datetime(2026, 3, 4, 10, tzinfo=UTC), store.reads))
    assert made[-1] >= 80
    yield store.engine
    store.close()


def test_the_demo_datas_census_has_no_validation_problems(demo: Engine, rules: Rules) -> None:
    result = census(demo, rules)

    assert [str(p) for p in result.problems] == []
    assert result.children > 10


def test_the_demo_datas_annex_a_has_a_row_for_every_contact(demo: Engine) -> None:
    with Session(demo) as session:
        contacts = len(session.scalars(select(ContactRow.id)).all())
        lists = build_annex_a(session, Period(date(2025, 9, 4), date(2026, 3, 4)))

    assert len(lists[0].rows) == contacts
    assert all(len(annex.rows) > 0 for annex in lists)
