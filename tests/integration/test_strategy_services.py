"""The casework rows written beside the contact, on SQLite and PostgreSQL: the strategy
discussion and its agency grid, the initiating mark, the assessment's life, the stepped-
up contact, and what the CIN census reads back from them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from reporting.cin_episodes import load_episodes
from tests.builders import (
    FRONT_DOOR_WORKER,
    OTHER_TEAM_MANAGER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OnService,
    payload,
    record_one,
    walk_to,
)
from workflow.errors import GuardFailed
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_strategy import (
    AssessmentRow,
    StrategyDiscussionRow,
    StrategyParticipationRow,
)
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.stages import Stage

Fetch = Callable[[Any], list[Any]]
UowFactory = Callable[[], SqlUnitOfWork]
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 6, 1, tzinfo=UTC)


def _at(uow_factory: UowFactory, rules: Rules, stage: Stage) -> OnService:
    driver = record_one(uow_factory, rules, RECEIVED, RECEIVED)
    driver.now = RECEIVED + timedelta(hours=1)
    walk_to(driver, stage)
    return driver


def _step(driver: OnService, trigger: str, who: Any, at: datetime,
          variant: str | None = None, **extra: Any) -> None:
    driver.now = at
    driver.fire(trigger, who, payload(trigger, at, variant, **extra))


def test_a_discussion_is_stored_with_its_grid_and_the_initiating_one_is_marked(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _at(uow_factory, rules, Stage.STRATEGY_DISCUSSION)
    first = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    _step(driver, "hold_strategy_discussion", SOCIAL_WORKER, first, "s17",
          participation={"la_social_worker": "attended", "police": "not_invited",
                         "health": "written", "education": "invited_no_contribution"},
          participation_reasons={"police": "No crime alleged",
                                 "education": "Half term; head teacher unreachable"})
    second = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    _step(driver, "hold_strategy_discussion", SOCIAL_WORKER, second)
    _step(driver, "start_section_47", SOCIAL_WORKER, second + timedelta(hours=1))

    rows = fetch(select(StrategyDiscussionRow).order_by(StrategyDiscussionRow.id))
    assert [(r.held_at, r.outcome, r.initiating, r.chair) for r in rows] == [
        (first, "continue_s17", False, "team.manager"),
        (second, "section_47", True, "team.manager")]
    grid = fetch(select(StrategyParticipationRow)
                 .where(StrategyParticipationRow.discussion_id == rows[0].id)
                 .order_by(StrategyParticipationRow.id))
    assert [(p.agency, p.status, p.reason) for p in grid] == [
        ("la_social_worker", "attended", ""), ("police", "not_invited", "No crime alleged"),
        ("health", "written", ""),
        ("education", "invited_no_contribution", "Half term; head teacher unreachable")]
    [icpc] = fetch(select(ClockRow).where(ClockRow.rule == "icpc"))
    assert icpc.started_at == second


def test_a_refused_discussion_leaves_no_row(uow_factory: UowFactory, rules: Rules,
                                            fetch: Fetch) -> None:
    driver = _at(uow_factory, rules, Stage.STRATEGY_DISCUSSION)

    with pytest.raises(GuardFailed):
        _step(driver, "hold_strategy_discussion", SOCIAL_WORKER, driver.now,
              participation={"la_social_worker": "attended", "police": "attended"})

    assert fetch(select(StrategyDiscussionRow)) == []
    assert fetch(select(StrategyParticipationRow)) == []


def test_the_assessment_row_follows_referral_submission_and_authorisation(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _at(uow_factory, rules, Stage.ASSESSMENT)
    [opened] = fetch(select(AssessmentRow))
    _step(driver, "record_visit", SOCIAL_WORKER, RECEIVED + timedelta(days=1), "seen")
    submitted = RECEIVED + timedelta(days=3)
    _step(driver, "submit_assessment", SOCIAL_WORKER, submitted, factors=["4B", "3A"])
    [waiting] = fetch(select(AssessmentRow))
    authorised = submitted + timedelta(days=1)
    _step(driver, "complete_assessment", TEAM_MANAGER, authorised, "no_further_action")

    [done] = fetch(select(AssessmentRow))
    assert (opened.kind, opened.status, opened.started_at) == ("s17", "open",
                                                               RECEIVED + timedelta(hours=1))
    assert (waiting.status, waiting.author, waiting.submitted_at, waiting.factors) == (
        "submitted", SOCIAL_WORKER.username, submitted, ["3A", "4B"])
    assert (done.status, done.authorised_by, done.authorised_at, done.outcome) == (
        "authorised", TEAM_MANAGER.username, authorised, "no_further_action")


def test_the_census_takes_the_submitted_factors_and_closes_with_rc8(
        uow_factory: UowFactory, rules: Rules) -> None:
    driver = _at(uow_factory, rules, Stage.ASSESSMENT)
    _step(driver, "record_visit", SOCIAL_WORKER, RECEIVED + timedelta(days=1), "seen")
    _step(driver, "submit_assessment", SOCIAL_WORKER, RECEIVED + timedelta(days=2),
          factors=["16A", "3B"])
    _step(driver, "complete_assessment", OTHER_TEAM_MANAGER, RECEIVED + timedelta(days=3),
          "no_further_action")

    with uow_factory() as uow:
        [episode] = load_episodes(uow.session, [driver.contact_id], LATER)

    [assessment] = episode.assessments
    assert (assessment.factors, assessment.child_seen) == (("3B", "16A"), True)
    assert (episode.closure, episode.closure_reason) == (date(2026, 3, 5), "RC8")


def test_nfa_after_a_strategy_discussion_is_a_referral_nfa_without_an_assessment(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _at(uow_factory, rules, Stage.STRATEGY_DISCUSSION)
    _step(driver, "hold_strategy_discussion", SOCIAL_WORKER, driver.now, "no_further_action")
    _step(driver, "strategy_no_further_action", TEAM_MANAGER, driver.now)

    with uow_factory() as uow:
        [episode] = load_episodes(uow.session, [driver.contact_id], LATER)

    assert (episode.nfa, episode.assessments, episode.closure_reason) == (True, (), "RC7")
    assert [r.status for r in fetch(select(AssessmentRow))] == ["closed"]


def test_a_reconvened_discussion_counted_from_the_last_keeps_the_census_start(
        uow_factory: UowFactory, rules: Rules) -> None:
    """With icpc_anchor = "last" the local clock moves; the census still counts one
    enquiry, from the initiating discussion, target 15 working days after it."""
    from dataclasses import replace

    from workflow.engine.engine import Engine

    config = rules.engine.config
    last = replace(rules, engine=Engine(replace(
        config, casework=replace(config.casework, icpc_anchor="last"))))
    driver = _at(uow_factory, last, Stage.SECTION_47)
    again = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    _step(driver, "hold_strategy_discussion", SOCIAL_WORKER, again, held_at=again)
    _step(driver, "hold_icpc", SOCIAL_WORKER, datetime(2026, 3, 20, 10, 0, tzinfo=UTC), "plan")

    with uow_factory() as uow:
        [episode] = load_episodes(uow.session, [driver.contact_id], LATER)

    [enquiry] = episode.section47s
    assert (enquiry.start, enquiry.target, enquiry.icpc) == (
        date(2026, 3, 2), date(2026, 3, 23), date(2026, 3, 20))
    assert [p.start for p in episode.cp_plans] == [date(2026, 3, 20)]


def test_stepping_up_records_a_new_contact_at_the_front_door_linked_to_early_help(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _at(uow_factory, rules, Stage.EARLY_HELP)
    _step(driver, "step_up", FRONT_DOOR_WORKER, driver.now + timedelta(days=20),
          reason="Escalating neglect; school reports the child hungry daily")

    old, new = fetch(select(ContactRow).order_by(ContactRow.id))
    assert old.stage == Stage.CLOSED
    assert fetch(select(ContactRow.id).where(ContactRow.linked_contact_id == old.id)) == [new.id]
    assert (new.stage, new.linked_contact_id, new.child_id, new.source) == (
        Stage.RECEIVED, old.id, old.child_id, "5D")
    assert new.concerns == "Escalating neglect; school reports the child hungry daily"
    [received] = fetch(select(EventRow).where(EventRow.contact_id == new.id))
    assert received.trigger == "receive"
    clocks = fetch(select(ClockRow.rule).where(ClockRow.contact_id == new.id))
    assert clocks == ["contact_decision"]


def test_the_childs_chronology_carries_the_early_help_history_into_the_stepped_up_contact(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    from reporting.chronology import chronology
    from workflow.mash.config import load_agencies

    driver = _at(uow_factory, rules, Stage.EARLY_HELP)
    stepped = driver.now + timedelta(days=20)
    _step(driver, "step_up", FRONT_DOOR_WORKER, stepped, reason="Escalating neglect")
    old, new = fetch(select(ContactRow).order_by(ContactRow.id))

    with uow_factory() as uow:
        entries = chronology(uow.session, int(old.child_id),
                             load_agencies(rules.config_dir / "agencies.toml"), LATER)

    contacts = {e.contact for e in entries}
    assert contacts == {f"FD{old.id:07d}", f"FD{new.id:07d}"}
    [up] = [e for e in entries if e.title.startswith("Stepped up")]
    assert up.title == f"Stepped up from Family Help to the front door as FD{new.id:07d}"
    assert entries[-1].contact == f"FD{new.id:07d}"  # the new contact comes after its history


def test_the_chronology_names_each_agencys_part_in_a_strategy_discussion(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    from reporting.chronology import chronology
    from workflow.mash.config import load_agencies

    driver = _at(uow_factory, rules, Stage.STRATEGY_DISCUSSION)
    _step(driver, "hold_strategy_discussion", SOCIAL_WORKER, driver.now,
          participation={"la_social_worker": "attended", "police": "attended",
                         "health": "not_invited", "education": "written"},
          participation_reasons={"health": "Not known to health"})
    [contact] = fetch(select(ContactRow))

    with uow_factory() as uow:
        entries = chronology(uow.session, int(contact.child_id),
                             load_agencies(rules.config_dir / "agencies.toml"), LATER)

    [entry] = [e for e in entries if e.kind == "Strategy discussion"]
    assert entry.title == ("Strategy discussion chaired by team.manager: "
                           "section 47 enquiry initiated")
    assert "Local authority social worker: attended; Police: attended" in entry.detail
    assert "not invited (Not known to health)" in entry.detail


def test_an_enquiry_on_a_plan_is_a_second_assessment_of_the_same_referral(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _at(uow_factory, rules, Stage.CIN_PLAN)
    started = datetime(2026, 3, 23, 11, 0, tzinfo=UTC)
    _step(driver, "hold_strategy_discussion", SOCIAL_WORKER, started, held_at=started)
    _step(driver, "start_section_47", SOCIAL_WORKER, started)

    with uow_factory() as uow:
        [episode] = load_episodes(uow.session, [driver.contact_id], LATER)

    [contact] = fetch(select(ContactRow))
    assert contact.referral_at == RECEIVED + timedelta(hours=1)  # unchanged
    assert [(a.start, a.open) for a in episode.assessments] == [
        (date(2026, 3, 2), False), (date(2026, 3, 23), True)]
    assert [s.start for s in episode.section47s] == [date(2026, 3, 23)]
    rows = fetch(select(AssessmentRow).order_by(AssessmentRow.id))
    assert [(r.kind, r.status, r.started_at) for r in rows] == [
        ("s17", "authorised", RECEIVED + timedelta(hours=1)), ("s47", "open", started)]


def test_a_plan_ended_at_a_review_conference_becomes_a_cin_plan_from_the_conferences_day(
        uow_factory: UowFactory, rules: Rules) -> None:
    """Recorded two days after it was held: the child protection plan ends, and the child
    in need plan starts, on the day the conference was held (census CPPendDate and
    CINPlanStartDate), not the day it was typed in."""
    driver = _at(uow_factory, rules, Stage.CP_PLAN)  # ICPC and plan on Mon 2 March 2026
    held = datetime(2026, 3, 30, 14, 0, tzinfo=UTC)  # Monday
    _step(driver, "hold_review_conference", SOCIAL_WORKER,
          datetime(2026, 4, 1, 9, 0, tzinfo=UTC), "ends", held_at=held)  # Wednesday

    with uow_factory() as uow:
        [episode] = load_episodes(uow.session, [driver.contact_id], LATER)

    [plan] = episode.cp_plans
    assert (plan.start, plan.end, plan.reviews) == (
        date(2026, 3, 2), date(2026, 3, 30), [date(2026, 3, 30)])
    assert [(c.start, c.end) for c in episode.cin_plans] == [(date(2026, 3, 30), None)]


def test_a_submitted_assessment_waits_in_the_managers_queue_until_it_is_authorised(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    from reporting.assessments import awaiting_authorisation, visits

    driver = _at(uow_factory, rules, Stage.ASSESSMENT)
    seen = RECEIVED + timedelta(days=1)
    _step(driver, "record_visit", SOCIAL_WORKER, seen, "seen")
    _step(driver, "submit_assessment", SOCIAL_WORKER, RECEIVED + timedelta(days=2),
          factors=["16A", "3B"])
    [clock] = fetch(select(ClockRow).where(ClockRow.contact_id == driver.contact_id,
                                           ClockRow.rule == "assessment"))

    with uow_factory() as uow:
        [waiting] = awaiting_authorisation(uow.session)
        [visit] = visits(uow.session, driver.contact_id)
    _step(driver, "complete_assessment", OTHER_TEAM_MANAGER, RECEIVED + timedelta(days=3),
          "no_further_action")
    with uow_factory() as uow:
        after = awaiting_authorisation(uow.session)

    assert (waiting.contact_id, waiting.kind, waiting.author, waiting.factors) == (
        driver.contact_id, "s17", SOCIAL_WORKER.username, ("3B", "16A"))
    assert (waiting.submitted_at, waiting.due_at) == (RECEIVED + timedelta(days=2),
                                                      clock.due_at)
    assert (visit.at, visit.child_seen, visit.by) == (seen, True, SOCIAL_WORKER.username)
    assert after == []
