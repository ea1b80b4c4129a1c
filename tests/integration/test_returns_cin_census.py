"""The CIN census from real records: valid against the year's schema, and every DfE rule
caught by its code on the right child.

The data set (tests/integration/returns_dataset.py) is sound except for one child whose
disability was never recorded (DfE rule 8540). Each rule is then broken by changing rows
directly, as a bad import or a hand edit would (in the tables the census reads:
assessments, section 47 enquiries, clocks, threshold decisions, the contact's closure
reason), and the DfE's rule must be reported against the right child. The demo data's
census has no error at all.
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
from reporting.cin_rules import Kind
from tests.integration.returns_dataset import Made, at, build
from web.cli import main
from workflow.persistence.append_only import rewriting
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_people import PersonDisabilityRow, PersonRow
from workflow.persistence.tables_strategy import AssessmentRow, Section47Row
from workflow.ports import UnitOfWork
from workflow.rules import Rules
from workflow.stages import Stage

YEAR = CollectionYear.parse("2025-26")
NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
NO_DISABILITY = "8540 Child’s disability is missing or invalid (see Disability table)"


@pytest.fixture
def made(uow_factory: Callable[[], UnitOfWork], rules: Rules) -> Made:
    return build(uow_factory, rules)


def census(engine: Engine, rules: Rules, year: CollectionYear = YEAR) -> CensusResult:
    with Session(engine.execution_options(readonly=True)) as session:
        return build_census(session, year, rules.people, "885", NOW)


def child_of(engine: Engine, contact_id: int) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(ContactRow.child_id)
                                  .where(ContactRow.id == contact_id)) or 0)


def change(engine: Engine, *statements: Any) -> None:
    """Plant a defect straight in the tables (the history included, on purpose)."""
    with engine.begin() as conn, rewriting(conn, "tests: a planted defect"):
        for statement in statements:
            conn.execute(statement)


def text_of(xml: bytes, path: str) -> list[str]:
    root = xmlschema.XMLResource(xml).root
    return [node.text or "" for node in root.iterfind(path)]


# -- the sound data set ------------------------------------------------------------------------

def findings(result: CensusResult) -> dict[str | None, set[str]]:
    """Per child (None: the return), the DfE rule codes found."""
    found: dict[str | None, set[str]] = {}
    for f in result.findings:
        found.setdefault(f.child, set()).add(f.code)
    return found


def test_the_census_of_the_data_set_is_valid_and_reports_only_the_missing_disability(
        engine: Engine, rules: Rules, made: Made) -> None:
    result = census(engine, rules)

    dee = la_child_id(child_of(engine, made.dee))
    assert [(f.child, f"{f.code} {f.message}") for f in result.errors] == [
        (dee, NO_DISABILITY)]
    assert findings(result) == {dee: {"8540"}, None: {"2887Q"}}  # the return: < 8 codes
    assert result.schema_problems == []
    assert (result.children, result.episodes) == (3, 4)  # Cal's contact was not a referral
    assert text_of(result.xml, "Children/Child/ChildIdentifiers/UPNunknown") == ["UN1"]
    assert text_of(result.xml, "Children/Child/ChildIdentifiers/Sex") == ["M", "F", "F"]
    assert text_of(result.xml, "Children/Child/CINdetails/ReasonForClosure") == ["RC8"]
    assert text_of(result.xml, ".//Section47/InitialCPCtarget") == ["2026-02-24", "2026-03-03"]
    assert text_of(result.xml, ".//Section47/DateOfInitialCPC") == ["2026-02-20"]
    assert text_of(result.xml, ".//Section47/ICPCnotRequired") == ["0", "1"]
    assert text_of(result.xml, ".//ChildProtectionPlans/CPPstartDate") == ["2026-02-20"]
    assert text_of(result.xml, ".//CINPlanDates/CINPlanStartDate") == ["2026-01-20"]
    assert text_of(result.xml, ".//AssessmentFactors") == ["21", "3A", "4B"]


def test_the_census_written_for_the_year_validates_against_its_xsd(
        engine: Engine, rules: Rules, made: Made) -> None:
    schema = xmlschema.XMLSchema(str(Path("reporting/schemas/cin_census_2025_26.xsd")))

    schema.validate(census(engine, rules).xml)


def test_the_same_records_for_2023_24_are_written_with_gender_current(
        engine: Engine, rules: Rules, made: Made) -> None:
    change(engine, update(ContactRow).where(ContactRow.id == made.alex_2025).values(
        referral_at=at("2024-02-05 09:00")))

    result = census(engine, rules, CollectionYear.parse("2023-24"))

    assert text_of(result.xml, "Children/Child/ChildIdentifiers/GenderCurrent") == ["1"]
    assert text_of(result.xml, "Children/Child/ChildIdentifiers/Sex") == []
    xmlschema.XMLSchema(str(Path("reporting/schemas/cin_census_2023_24.xsd"))).validate(
        result.xml)


def test_the_next_year_leaves_out_what_closed_or_ended_before_it(
        engine: Engine, rules: Rules, made: Made) -> None:
    result = census(engine, rules, CollectionYear.parse("2026-27"))

    assert text_of(result.xml, ".//CINreferralDate") == ["2026-01-05", "2026-02-02",
                                                         "2026-02-09"]
    assert text_of(result.xml, ".//AssessmentAuthorisationDate") == []  # 20/01/2026
    assert text_of(result.xml, ".//CINPlanStartDate") == ["2026-01-20"]  # still open


def test_a_year_before_any_referral_is_empty_and_never_ok(engine: Engine, rules: Rules,
                                                          made: Made) -> None:
    result = census(engine, rules, CollectionYear.parse("2024-25"))

    assert (result.children, result.empty, result.ok) == (0, True, False)
    assert result.summary() == ("no children in the census for 2024-25: there is nothing "
                                "to send")


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
        _of(Section47Row, m.bea)).values(started_at=at("2026-01-30 10:00"))], "2889"),
    "activity on an NFA referral": ("alex", lambda m: [update(ThresholdDecisionRow).where(
        _of(ThresholdDecisionRow, m.alex_2026)).values(outcome="no_further_action")], "8831"),
    "a CIN plan on an NFA referral": ("alex", lambda m: [update(ThresholdDecisionRow).where(
        _of(ThresholdDecisionRow, m.alex_2026)).values(outcome="no_further_action")], "4000"),
    "two open assessments": ("bea", lambda m: [_new_assessment(m.bea, "2026-02-05 09:00")],
                             "8896"),
    "two open section 47s": ("dee", lambda m: [
        update(Section47Row).where(_of(Section47Row, m.dee)).values(status="open",
                                                                    closed_at=None),
        _new_enquiry(m.dee, "2026-02-12 09:00")], "8839"),
    "plan not on the ICPC date": ("bea", lambda m: [update(Section47Row).where(
        _of(Section47Row, m.bea)).values(conference_at=at("2026-02-19 12:00"))], "2885"),
    "RC8 without an assessment": ("alex", lambda m: [delete(AssessmentRow).where(
        _of(AssessmentRow, m.alex_2025))], "8825Q"),
    "RC8 with a section 47": ("alex", lambda m: [_new_enquiry(
        m.alex_2025, "2025-06-12 09:00", closed="2025-06-18 09:00")], "2990"),
    "closure before the referral": ("alex", lambda m: [update(EventRow).where(
        *_event(m.alex_2025, "complete_assessment")).values(at=at("2025-06-09 12:00"))],
        "8630"),
    "activity after closure": ("alex", lambda m: [update(AssessmentRow).where(
        _of(AssessmentRow, m.alex_2025)).values(authorised_at=at("2025-06-25 12:00"))],
        "8565"),
    "ICPC target at a weekend": ("bea", lambda m: [update(ClockRow).where(
        *_clock(m.bea, "icpc")).values(due_at=at("2026-02-28 23:59"))], "8870Q"),
    "ICPC at a weekend": ("bea", lambda m: [update(Section47Row).where(
        _of(Section47Row, m.bea)).values(conference_at=at("2026-02-21 12:00"))], "8875"),
    "closed without a reason": ("alex", lambda m: [update(ContactRow).where(
        ContactRow.id == m.alex_2025).values(closure_reason=None)], "8805"),
    "no primary need": ("bea", lambda m: [update(ThresholdDecisionRow).where(
        _of(ThresholdDecisionRow, m.bea)).values(primary_need=None)], "8610"),
    "episodes overlap": ("alex", lambda m: [update(ContactRow).where(
        ContactRow.id == m.alex_2026).values(referral_at=at("2025-06-15 09:00"))], "8820"),
}
CHILD_BREAKERS: dict[str, tuple[dict[str, Any], str]] = {
    "no UPN and no derivable reason": ({"upn": None}, "8770Q"),
    "no date of birth": ({"date_of_birth": None}, "8525Q"),
    "an ethnicity that is not a DfE code": ({"ethnicity": "XXXX"}, "4220"),
    "a sex that is not a DfE code": ({"sex": "X"}, "4180"),
}


def _contact_of(made: Made, name: str) -> int:
    return {"alex": made.alex_2026, "bea": made.bea, "dee": made.dee}[name]


@pytest.mark.parametrize("broken", BREAKERS)
def test_a_broken_record_is_reported_against_its_child_by_the_dfes_rule(
        broken: str, engine: Engine, rules: Rules, made: Made) -> None:
    name, statements, code = BREAKERS[broken]
    before = findings(census(engine, rules))
    change(engine, *statements(made))

    after = findings(census(engine, rules))

    child = la_child_id(child_of(engine, _contact_of(made, name)))
    assert code in after.get(child, set()) - before.get(child, set()), after


@pytest.mark.parametrize("broken", CHILD_BREAKERS)
def test_a_child_missing_what_the_census_needs_is_reported(
        broken: str, engine: Engine, rules: Rules, made: Made) -> None:
    values, code = CHILD_BREAKERS[broken]
    alex = child_of(engine, made.alex_2026)
    change(engine, update(PersonRow).where(PersonRow.id == alex).values(**values))

    found = [f for f in census(engine, rules).findings if f.child == la_child_id(alex)]

    assert code in {f.code for f in found}, found
    assert next(f for f in found if f.code == code).fix.page == "person"


# -- the command -------------------------------------------------------------------------------

def _run(database_url: str, output: Path, *more: str) -> Any:
    return CliRunner().invoke(main, ["--database-url", database_url, "export", "cin-census",
                                     "--year", "2025-26", "--output", str(output), *more])


def test_the_command_prints_the_findings_and_writes_nothing(
        database_url: str, engine: Engine, made: Made, tmp_path: Path) -> None:
    result = _run(database_url, tmp_path / "cin.xml")

    assert result.exit_code == 1
    assert f"error: {la_child_id(child_of(engine, made.dee))}: {NO_DISABILITY}" \
        in result.output
    assert "(put right at the disabilities)" in result.output
    assert "query: return: 2887Q" in result.output
    assert ("3 children, 4 referral episodes: 1 error and 1 query on 1 "
            "child, 0 schema problems; nothing written") in result.output
    assert not (tmp_path / "cin.xml").exists()


def test_the_command_writes_with_force_and_without_problems(
        database_url: str, engine: Engine, made: Made, tmp_path: Path) -> None:
    forced = _run(database_url, tmp_path / "forced.xml", "--force")
    change(engine, insert(PersonDisabilityRow).values(person_id=child_of(engine, made.dee),
                                                      code="NONE"))
    clean = _run(database_url, tmp_path / "clean.xml")

    assert (forced.exit_code, clean.exit_code) == (0, 0), forced.output + clean.output
    assert "0 errors and 1 query" in clean.output
    assert (tmp_path / "forced.xml").read_bytes().startswith(b"<?xml")
    assert b"<LAchildID>" in (tmp_path / "clean.xml").read_bytes()


def test_the_command_says_a_year_with_no_child_is_empty_and_fails_even_forced(
        database_url: str, made: Made, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--database-url", database_url, "export", "cin-census",
                                       "--year", "2024-25", "--force",
                                       "--output", str(tmp_path / "x.xml")])

    assert result.exit_code == 1
    assert "no children in the census for 2024-25" in result.output
    assert not (tmp_path / "x.xml").exists()


def test_the_command_refuses_a_year_the_dfe_has_not_specified(
        database_url: str, engine: Engine, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--database-url", database_url, "export", "cin-census",
                                       "--year", "2027-28", "--output", str(tmp_path / "x.xml")])

    assert result.exit_code == 1
    assert "has not specified a CIN census for 2027-28" in result.output


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


def test_the_demo_datas_census_has_no_validation_error(demo: Engine, rules: Rules) -> None:
    result = census(demo, rules)

    assert [str(f) for f in result.errors] == []
    assert result.schema_problems == []
    assert {f.code for f in result.findings if f.kind is Kind.QUERY} <= {"8670Q", "8675Q"}
    assert result.children > 10


def test_the_demo_datas_annex_a_has_a_row_for_every_contact(demo: Engine) -> None:
    with Session(demo) as session:
        contacts = len(session.scalars(select(ContactRow.id)).all())
        lists = build_annex_a(session, Period(date(2025, 9, 4), date(2026, 3, 4)))

    assert len(lists[0].rows) == contacts
    assert all(len(annex.rows) > 0 for annex in lists)


# -- the primary need, entered where it happens --------------------------------------------------

def test_a_primary_need_the_assessment_revises_is_the_one_the_census_reports(
        uow_factory: Callable[[], UnitOfWork], engine: Engine, rules: Rules) -> None:
    """Chosen at the decision (N1 on the standard route), found to be N3 at the assessment:
    the census says N3; an assessment that leaves it alone keeps the decision's."""
    from tests.builders import path_to, payload, record_one

    revised = record_one(uow_factory, rules, at("2026-01-12 09:00"), at("2026-01-12 09:30"))
    kept = record_one(uow_factory, rules, at("2026-01-12 10:00"), at("2026-01-12 10:30"))
    for driver, need in ((revised, "N3"), (kept, None)):
        for step in path_to(Stage.CIN_PLAN):
            data = payload(step.trigger, driver.now, step.variant)
            if step.trigger == "submit_assessment" and need:
                data = {**data, "primary_need": need}
            driver.fire(step.trigger, step.who, data)

    needs = text_of(census(engine, rules).xml, ".//CINdetails/PrimaryNeedCode")

    decided = payload("decide", NOW, "referral")["primary_need"]
    assert sorted(needs) == sorted(["N3", decided])


# -- module 5: pre-proceedings recorded on a plan ------------------------------------------------

def test_pre_proceedings_recorded_on_a_plan_are_the_2026_27_census_module_5(
        uow_factory: Callable[[], UnitOfWork], engine: Engine, rules: Rules) -> None:
    """A child protection plan from an ICPC on Tuesday 6 October 2026, pre-proceedings
    started 12 October, the letter with its FGDM offer on 15 October, the FGDM held on 22
    October, the first meeting on 26 October: one block in the referral, last, in the
    DfE's element names; no module 5 rule broken; the year before has none of it."""
    from tests.builders import SOCIAL_WORKER, path_to, payload, record_one

    driver = record_one(uow_factory, rules, at("2026-10-05 09:00"), at("2026-10-05 09:30"))
    for step in path_to(Stage.CP_PLAN):
        driver.now = at("2026-10-06 11:00") if step.trigger == "hold_icpc" else driver.now
        driver.fire(step.trigger, step.who, payload(step.trigger, driver.now, step.variant))
    for day, trigger in (("2026-10-12", "start_pre_proceedings"),
                         ("2026-10-15", "send_letter_before_proceedings"),
                         ("2026-10-22", "record_fgdm"),
                         ("2026-10-26", "hold_pre_proceedings_meeting")):
        driver.now = at(f"{day} 10:00")
        driver.fire(trigger, SOCIAL_WORKER, payload(trigger, driver.now))

    result = census(engine, rules, CollectionYear.parse("2026-27"))

    root = xmlschema.XMLResource(result.xml).root
    details = root.find("Children/Child/CINdetails")
    assert details is not None and details[-1].tag == "PreProceedingsandFGDM"
    assert {n.tag: n.text for n in details[-1]} == {
        "PPStartDate": "2026-10-12", "LBPSentDate": "2026-10-15", "FGDMMeetingOffer": "1",
        "FGDMMeetingFac": "1", "InitialPPMeetingDate": "2026-10-26",
        "ReviewMeetingsCount": "0"}
    assert {f.code for f in result.findings} & {"8995Q", "9000Q", "9005", "9006", "9007",
                                                "9010Q", "9015Q"} == set()
    assert result.schema_problems == []
    assert b"PreProceedingsandFGDM" not in census(
        engine, rules, CollectionYear.parse("2025-26")).xml
