"""The clocks the engine starts and stops, against literal dates counted by hand.

Each due date below was counted on a paper calendar: Monday to Friday less the bank
holidays of England and Wales, due at the end of the day in Europe/London (so 22:59:59
UTC in summer time). Clocks are stored data, never timers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.builders import (
    FRONT_DOOR_WORKER,
    SOCIAL_WORKER,
    OnEngine,
    clock,
    contact_at,
    end_of_london_day,
    open_rules,
    payload,
    received_contact,
    walk_to,
)
from workflow.clocks.clock import Clock, ClockResult
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.roles import Actor
from workflow.stages import STAGES, Stage

LONDON = ZoneInfo("Europe/London")



def _fire(engine: Engine, contact: Contact, trigger: str, who: Actor, at: datetime,
          variant: str | None = None, **overrides: object) -> None:
    engine.fire(contact, trigger, who,
                payload(trigger, at, variant, **overrides), at)


def _stopped(contact: Contact, rule: str) -> list[Clock]:
    every = contact.started_clocks + contact.stopped_clocks
    return [c for c in every if c.rule == rule and not c.is_open]


# -- the decision on a contact: one working day ----------------------------------------

@pytest.mark.parametrize(("received", "due_day"), [
    # Thu 24 Dec 2026: Christmas Fri 25, Boxing Day (Sat) substituted to Mon 28.
    (datetime(2026, 12, 24, 10, 0, tzinfo=UTC), date(2026, 12, 29)),
    # Fri 22 May 2026, late in the evening: spring bank holiday Mon 25 May.
    (datetime(2026, 5, 22, 21, 30, tzinfo=UTC), date(2026, 5, 26)),
    # Sat 7 Mar 2026: received at a weekend, due end of the first working day after it.
    (datetime(2026, 3, 7, 11, 0, tzinfo=UTC), date(2026, 3, 9)),
    # Thu 2 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr.
    (datetime(2026, 4, 2, 16, 0, tzinfo=UTC), date(2026, 4, 7)),
], ids=["christmas-2026", "spring-bank-holiday", "weekend", "easter"])
def test_a_contact_must_be_decided_by_the_end_of_the_next_working_day(
        workflow_engine: Engine, received: datetime, due_day: date) -> None:
    contact = received_contact(workflow_engine, received)

    decision = clock(contact, "contact_decision")

    assert open_rules(contact) == {"contact_decision"}
    assert decision.started_at == received
    assert decision.due_at == end_of_london_day(due_day)
    assert decision.rule_version == "contact_decision@2023-12-15"


def test_received_thursday_24_december_2026_is_due_end_of_tuesday_29_december_in_london(
        workflow_engine: Engine) -> None:
    contact = received_contact(workflow_engine, datetime(2026, 12, 24, 10, 0, tzinfo=UTC))

    due = clock(contact, "contact_decision").due_at.astimezone(LONDON)

    assert (due.date(), due.hour, due.minute) == (date(2026, 12, 29), 23, 59)


def test_a_contact_received_before_working_together_2023_keeps_the_2018_rule(
        workflow_engine: Engine) -> None:
    contact = received_contact(workflow_engine, datetime(2023, 12, 14, 10, 0, tzinfo=UTC))

    assert clock(contact, "contact_decision").rule_version == "contact_decision@2018-07-04"


def test_deciding_in_time_stops_the_decision_clock_as_met_and_starts_referrer_feedback(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.CLOSED, now)

    [decision] = _stopped(contact, "contact_decision")
    feedback = clock(contact, "referrer_feedback")

    assert (decision.result, decision.stop_event, decision.stopped_at) == (
        ClockResult.MET, "decision_made", now)
    assert feedback.due_at == now + timedelta(hours=24)


def test_deciding_after_the_next_working_day_stops_the_decision_clock_as_late(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    friday = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)

    _fire(workflow_engine, contact, "decide", FRONT_DOOR_WORKER, friday, "no_further_action")

    [decision] = _stopped(contact, "contact_decision")
    assert decision.result == ClockResult.LATE
    assert decision.is_breached(friday)


def test_feedback_to_the_referrer_stops_its_clock(workflow_engine: Engine,
                                                  now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.CLOSED, now)

    _fire(workflow_engine, contact, "give_referrer_feedback", FRONT_DOOR_WORKER,
          now + timedelta(hours=2))

    assert open_rules(contact) == set()
    assert _stopped(contact, "referrer_feedback")[0].result == ClockResult.MET


# -- MASH RAG clocks --------------------------------------------------------------------

def test_re_rating_red_to_amber_supersedes_the_red_clock_and_amber_runs_from_receipt(
        workflow_engine: Engine) -> None:
    received = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # Wednesday, GMT
    contact = received_contact(workflow_engine, received)
    _fire(workflow_engine, contact, "start_screening", FRONT_DOOR_WORKER, received)
    _fire(workflow_engine, contact, "rate", FRONT_DOOR_WORKER,
          received + timedelta(minutes=30), "red")
    assert clock(contact, "mash_red").due_at == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)
    re_rated = received + timedelta(hours=2)

    _fire(workflow_engine, contact, "rate", FRONT_DOOR_WORKER, re_rated, "amber")

    [red] = _stopped(contact, "mash_red")
    amber = clock(contact, "mash_amber")
    assert (red.result, red.stopped_at, red.stop_event) == (
        ClockResult.SUPERSEDED, re_rated, "rag_changed")
    assert amber.started_at == received
    # 24 working hours from Wed 09:00: Wed 8 h, Thu 8 h, Fri 7.5 h (closes 16:30), Mon 0.5 h.
    assert amber.due_at == datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
    assert open_rules(contact) == {"contact_decision", "mash_amber"}
    assert contact.rag == "amber"


def test_a_green_rating_allows_72_working_hours_from_receipt(workflow_engine: Engine) -> None:
    received = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    contact = received_contact(workflow_engine, received)
    _fire(workflow_engine, contact, "start_screening", FRONT_DOOR_WORKER, received)

    _fire(workflow_engine, contact, "rate", FRONT_DOOR_WORKER, received, "green")

    assert clock(contact, "mash_green").due_at == datetime(2026, 3, 17, 10, 0, tzinfo=UTC)


def test_finishing_information_gathering_meets_the_mash_clock(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)

    [amber] = _stopped(contact, "mash_amber")

    assert (amber.result, amber.stop_event) == (ClockResult.MET, "mash_completed")
    assert open_rules(contact) == {"contact_decision"}


def test_leaving_screening_for_the_decision_closes_the_mash_clock_as_not_applicable(
        workflow_engine: Engine, now: datetime) -> None:
    """The MASH checks were not needed, so their clock is no breach, even long after."""
    contact = contact_at(workflow_engine, Stage.SCREENING, now)
    _fire(workflow_engine, contact, "rate", FRONT_DOOR_WORKER, now, "red")

    _fire(workflow_engine, contact, "proceed_to_decision", FRONT_DOOR_WORKER, now)

    [red] = _stopped(contact, "mash_red")
    assert (red.result, red.stop_event, red.stopped_at) == (
        ClockResult.NOT_APPLICABLE, "left_for_threshold_decision", now)
    assert not red.is_breached(now + timedelta(days=30))
    assert open_rules(contact) <= set(STAGES[Stage.THRESHOLD_DECISION].timed_by)
    assert "contact_decision" in open_rules(contact)


# -- assessment: 45 working days, counted two ways -------------------------------------

def test_a_referral_starts_the_assessment_clock_and_the_dfe_clock_one_working_day_apart(
        workflow_engine: Engine) -> None:
    # Referral Mon 23 Mar 2026. Day 0 counting: Good Friday, Easter Monday, early May and
    # spring bank holidays skipped, so the 45th working day after it is Fri 29 May; the
    # DfE counts the referral day as day 1, so it says Thu 28 May.
    referred = datetime(2026, 3, 23, 11, 0, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, referred)

    assessment, dfe = clock(contact, "assessment"), clock(contact, "assessment_dfe")

    assert assessment.started_at == dfe.started_at == referred
    assert assessment.due_at == end_of_london_day(date(2026, 5, 29))
    assert dfe.due_at == end_of_london_day(date(2026, 5, 28))
    assert clock(contact, "child_seen_s17").due_at == end_of_london_day(date(2026, 3, 30))


def test_authorising_the_assessment_stops_both_assessment_clocks(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.CIN_PLAN, now)

    results = {c.rule: c.result for c in contact.started_clocks if not c.is_open}

    assert results["assessment"] == results["assessment_dfe"] == ClockResult.MET
    assert open_rules(contact) <= set(STAGES[Stage.CIN_PLAN].timed_by)


def test_seeing_the_child_stops_the_child_seen_clock(workflow_engine: Engine,
                                                     now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)

    _fire(workflow_engine, contact, "record_visit", SOCIAL_WORKER, now + timedelta(hours=3),
          "seen")

    assert "child_seen_s17" not in open_rules(contact)
    assert _stopped(contact, "child_seen_s17")[0].stop_event == "child_seen"


def test_a_visit_where_the_child_was_not_seen_leaves_the_child_seen_clock_running(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)

    _fire(workflow_engine, contact, "record_visit", SOCIAL_WORKER, now, "not_seen")

    assert "child_seen_s17" in open_rules(contact)


# -- section 47 and the initial child protection conference ----------------------------

@pytest.fixture
def at_strategy_discussion(workflow_engine: Engine) -> Contact:
    """Received and decided on Mon 23 Mar 2026: a strategy discussion is to be held."""
    received = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
    contact = received_contact(workflow_engine, received)
    walk_to(OnEngine(workflow_engine, contact, received + timedelta(hours=1)),
            Stage.STRATEGY_DISCUSSION)
    return contact


def test_the_icpc_is_due_15_working_days_after_the_strategy_discussion_across_easter(
        workflow_engine: Engine, at_strategy_discussion: Contact) -> None:
    contact = at_strategy_discussion
    held = datetime(2026, 3, 23, 14, 0, tzinfo=UTC)  # Monday 23 March 2026
    _fire(workflow_engine, contact, "hold_strategy_discussion", SOCIAL_WORKER,
          held + timedelta(hours=1), held_at=held)

    _fire(workflow_engine, contact, "start_section_47", SOCIAL_WORKER,
          datetime(2026, 3, 24, 10, 0, tzinfo=UTC))

    icpc = clock(contact, "icpc")
    assert contact.stage == Stage.SECTION_47
    assert icpc.started_at == held
    # Good Friday 3 Apr and Easter Monday 6 Apr skipped; clocks went forward 29 Mar.
    assert icpc.due_at == end_of_london_day(date(2026, 4, 15))
    assert icpc.due_at == datetime(2026, 4, 15, 22, 59, 59, 999999, tzinfo=UTC)


def test_a_strategy_discussion_at_the_start_of_its_day_starts_the_icpc_clock_that_day(
        workflow_engine: Engine, at_strategy_discussion: Contact) -> None:
    contact = at_strategy_discussion
    later = datetime(2026, 3, 24, 10, 0, tzinfo=UTC)
    _fire(workflow_engine, contact, "hold_strategy_discussion", SOCIAL_WORKER, later,
          held_at=datetime(2026, 3, 23, 0, 0, tzinfo=LONDON))

    _fire(workflow_engine, contact, "start_section_47", SOCIAL_WORKER, later)

    assert clock(contact, "icpc").due_at == end_of_london_day(date(2026, 4, 15))


def test_a_strategy_discussion_recorded_by_date_alone_still_starts_the_icpc_clock(
        workflow_engine: Engine, at_strategy_discussion: Contact) -> None:
    contact = at_strategy_discussion
    later = datetime(2026, 3, 24, 10, 0, tzinfo=UTC)
    _fire(workflow_engine, contact, "hold_strategy_discussion", SOCIAL_WORKER, later,
          held_at=date(2026, 3, 23))

    _fire(workflow_engine, contact, "start_section_47", SOCIAL_WORKER, later)

    assert contact.discussion is not None
    assert contact.discussion.held_at == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)  # GMT
    assert clock(contact, "icpc").due_at == end_of_london_day(date(2026, 4, 15))


def test_the_icpc_clock_runs_from_the_discussion_that_started_the_enquiry(
        workflow_engine: Engine, at_strategy_discussion: Contact) -> None:
    contact = at_strategy_discussion
    first = datetime(2026, 3, 23, 14, 0, tzinfo=UTC)
    second = datetime(2026, 3, 25, 14, 0, tzinfo=UTC)  # Wednesday: the one that starts s47
    _fire(workflow_engine, contact, "hold_strategy_discussion", SOCIAL_WORKER, first,
          held_at=first)
    _fire(workflow_engine, contact, "hold_strategy_discussion", SOCIAL_WORKER, second,
          held_at=second)

    _fire(workflow_engine, contact, "start_section_47", SOCIAL_WORKER, second)

    assert clock(contact, "icpc").due_at == end_of_london_day(date(2026, 4, 17))


def test_holding_the_strategy_discussion_in_time_meets_its_24_hour_clock(
        workflow_engine: Engine, at_strategy_discussion: Contact) -> None:
    contact = at_strategy_discussion
    decided = clock(contact, "strategy_discussion").started_at
    held = decided + timedelta(hours=5)

    _fire(workflow_engine, contact, "hold_strategy_discussion", SOCIAL_WORKER, held,
          held_at=held)

    [discussion] = _stopped(contact, "strategy_discussion")
    assert (discussion.result, discussion.stopped_at) == (ClockResult.MET, held)


def test_holding_the_icpc_stops_its_clock_and_a_plan_starts_core_group_and_review_clocks(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, now)

    [icpc] = _stopped(contact, "icpc")

    assert (icpc.result, icpc.stop_event) == (ClockResult.MET, "icpc_held")
    assert {"core_group", "first_review_conference"} <= open_rules(contact)
    # Wed 4 Mar 2026 + 3 calendar months.
    assert clock(contact, "first_review_conference").due_at == end_of_london_day(
        date(2026, 6, 4))
    assert clock(contact, "core_group").due_at == end_of_london_day(date(2026, 3, 18))
