"""Section 47 and conference clocks against literal dates counted by hand.

Working days are Monday to Friday less the bank holidays of England and Wales; a clock
is due at the end of its day in Europe/London (22:59:59 UTC in summer time). The ICPC
runs from the strategy discussion that initiated the enquiry (or, where a council says
so, from the last one); the first review conference 3 calendar months after the plan
starts at its conference.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.builders import (
    SOCIAL_WORKER,
    OnEngine,
    clock,
    end_of_london_day,
    payload,
    received_contact,
    walk_to,
)
from workflow.casework.config import CaseworkConfig
from workflow.casework.records import AssessmentStatus, Section47
from workflow.clocks.clock import Clock, ClockResult
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.rules import Rules
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")



def _fire(engine: Engine, contact: Contact, trigger: str, at: datetime,
          variant: str | None = None, **overrides: object) -> None:
    engine.fire(contact, trigger, SOCIAL_WORKER,
                payload(trigger, at, variant, **overrides), at)


def _at_discussion(engine: Engine, received: datetime) -> Contact:
    contact = received_contact(engine, received)
    walk_to(OnEngine(engine, contact, received + timedelta(minutes=30)),
            Stage.STRATEGY_DISCUSSION)
    return contact


def _enquiry(contact: Contact) -> Section47:
    found = contact.enquiry
    assert found is not None, "no section 47 enquiry is recorded"
    return found


def _stopped(contact: Contact, rule: str) -> list[Clock]:
    return [c for c in contact.started_clocks + contact.stopped_clocks
            if c.rule == rule and not c.is_open]


# -- the ICPC: 15 working days from the initiating discussion -----------------------------

@pytest.mark.parametrize(("held", "due"), [
    # Thu 24 Dec 2026: Christmas Fri 25, Boxing Day (Sat) substituted to Mon 28, New Year
    # Fri 1 Jan 2027 all skipped: 29, 30, 31 Dec, 4-8, 11-15, 18, 19 Jan.
    (datetime(2026, 12, 24, 10, 0, tzinfo=UTC), date(2027, 1, 19)),
    # Mon 22 Mar 2027: Good Friday 26 Mar, Easter Monday 29 Mar skipped; BST from 28 Mar.
    (datetime(2027, 3, 22, 15, 0, tzinfo=UTC), date(2027, 4, 14)),
    # Thu 30 Apr 2026: early May bank holiday Mon 4 May skipped; 15th is Fri 22 May,
    # the working day before the spring bank holiday.
    (datetime(2026, 4, 30, 9, 0, tzinfo=UTC), date(2026, 5, 22)),
    # Sat 6 Jun 2026: a discussion at a weekend still counts from its own day (day 0).
    (datetime(2026, 6, 6, 11, 0, tzinfo=UTC), date(2026, 6, 26)),
], ids=["christmas-new-year", "easter-bst", "may-bank-holidays", "weekend"])
def test_the_icpc_target_is_15_working_days_after_the_initiating_discussion(
        workflow_engine: Engine, held: datetime, due: date) -> None:
    contact = _at_discussion(workflow_engine, held - timedelta(hours=2))
    _fire(workflow_engine, contact, "hold_strategy_discussion", held, held_at=held)

    _fire(workflow_engine, contact, "start_section_47", held + timedelta(days=1))

    icpc = clock(contact, "icpc")
    assert icpc.started_at == held
    assert icpc.due_at == end_of_london_day(due)
    assert _enquiry(contact).started_at == held


def test_the_icpc_target_never_falls_on_a_weekend_or_bank_holiday(rules: Rules) -> None:
    rule = rules.timescales.rule("icpc", date(2026, 1, 1))
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    targets = {rule.due_date(start + timedelta(days=n), rules.calendar) for n in range(730)}

    assert all(rules.calendar.is_working_day(day) for day in targets)


def test_counted_from_the_initiating_discussion_a_reconvened_one_leaves_the_target(
        workflow_engine: Engine) -> None:
    held = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    contact = _at_discussion(workflow_engine, held - timedelta(hours=2))
    _fire(workflow_engine, contact, "hold_strategy_discussion", held, held_at=held)
    _fire(workflow_engine, contact, "start_section_47", held)

    again = datetime(2027, 1, 6, 10, 0, tzinfo=UTC)
    _fire(workflow_engine, contact, "hold_strategy_discussion", again, held_at=again)

    assert clock(contact, "icpc").due_at == end_of_london_day(date(2027, 1, 19))


def test_counted_from_the_last_discussion_a_reconvened_one_moves_the_target(
        rules: Rules) -> None:
    """LOCAL: [strategy] icpc_anchor = "last" (DOMAIN.md §3)."""
    engine = Engine(replace(rules.engine.config, casework=CaseworkConfig(icpc_anchor="last")))
    held = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    contact = _at_discussion(engine, held - timedelta(hours=2))
    _fire(engine, contact, "hold_strategy_discussion", held, held_at=held)
    _fire(engine, contact, "start_section_47", held)

    again = datetime(2027, 1, 6, 10, 0, tzinfo=UTC)  # Wednesday
    _fire(engine, contact, "hold_strategy_discussion", again, held_at=again)

    [first] = _stopped(contact, "icpc")
    assert (first.result, first.stop_event) == (ClockResult.SUPERSEDED, "icpc_reanchored")
    icpc = clock(contact, "icpc")
    assert icpc.started_at == again
    # 7, 8, 11-15, 18-22, 25, 26, 27 Jan
    assert icpc.due_at == end_of_london_day(date(2027, 1, 27))
    assert _enquiry(contact).started_at == held  # the census's start


def test_holding_the_icpc_stops_its_clock_on_the_conference_date_not_the_recording_date(
        workflow_engine: Engine) -> None:
    held = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    contact = _at_discussion(workflow_engine, held - timedelta(hours=2))
    _fire(workflow_engine, contact, "hold_strategy_discussion", held, held_at=held)
    _fire(workflow_engine, contact, "start_section_47", held)
    conference = datetime(2027, 1, 19, 14, 0, tzinfo=UTC)

    _fire(workflow_engine, contact, "hold_icpc", conference + timedelta(days=2), "plan",
          held_at=conference)

    [icpc] = _stopped(contact, "icpc")
    assert (icpc.stopped_at, icpc.result) == (conference, ClockResult.MET)


# -- after the conference ------------------------------------------------------------------

@pytest.mark.parametrize(("conference", "review_due", "core_group_due"), [
    # 30 Nov 2026: three months on is 28 Feb 2027 (February is shorter); core group 10
    # working days: 1-4, 7-11, 14 Dec.
    (datetime(2026, 11, 30, 11, 0, tzinfo=UTC), date(2027, 2, 28), date(2026, 12, 14)),
    # 18 Dec 2026: review 18 Mar 2027; core group skips Christmas, Boxing Day (28th) and
    # New Year's Day: 21-24, 29-31 Dec, 4-6 Jan.
    (datetime(2026, 12, 18, 11, 0, tzinfo=UTC), date(2027, 3, 18), date(2027, 1, 6)),
], ids=["month-end", "christmas"])
def test_a_plan_starts_at_its_conference_and_its_first_review_is_due_3_months_later(
        workflow_engine: Engine, conference: datetime, review_due: date,
        core_group_due: date) -> None:
    held = conference - timedelta(days=10)
    contact = _at_discussion(workflow_engine, held - timedelta(hours=2))
    _fire(workflow_engine, contact, "hold_strategy_discussion", held, held_at=held)
    _fire(workflow_engine, contact, "start_section_47", held)

    _fire(workflow_engine, contact, "hold_icpc", conference + timedelta(days=1), "plan",
          held_at=conference)

    review = clock(contact, "first_review_conference")
    assert review.started_at == conference  # the plan starts on its conference date
    assert review.due_at == end_of_london_day(review_due)
    assert clock(contact, "core_group").due_at == end_of_london_day(core_group_due)


def test_continuing_under_section_17_is_due_to_see_the_child_in_5_working_days(
        workflow_engine: Engine) -> None:
    held = datetime(2026, 5, 21, 10, 0, tzinfo=UTC)  # Thursday before the spring bank holiday
    contact = _at_discussion(workflow_engine, held - timedelta(hours=2))
    _fire(workflow_engine, contact, "hold_strategy_discussion", held, "s17", held_at=held)

    _fire(workflow_engine, contact, "continue_under_s17", held)

    # 22, 26, 27, 28, 29 May (Mon 25 is the spring bank holiday).
    assert clock(contact, "child_seen_s17").due_at == end_of_london_day(date(2026, 5, 29))


def test_a_section_47_enquiry_is_due_to_see_the_child_within_24_hours_of_its_start(
        workflow_engine: Engine) -> None:
    held = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    contact = _at_discussion(workflow_engine, held - timedelta(hours=2))
    _fire(workflow_engine, contact, "hold_strategy_discussion", held, held_at=held)
    started = datetime(2026, 12, 24, 16, 0, tzinfo=UTC)

    _fire(workflow_engine, contact, "start_section_47", started)

    # Clock hours run through Christmas Day (the local 24-hour rule).
    assert clock(contact, "child_seen_s47").due_at == started + timedelta(hours=24)


def test_an_enquiry_on_a_child_in_need_plan_opens_a_new_assessment_of_45_working_days(
        workflow_engine: Engine) -> None:
    """The plan's assessment was authorised; the enquiry runs through a new one. Started
    Mon 23 Mar 2026: Good Friday, Easter Monday, early May and spring bank holidays skipped,
    the 45th working day after it is Fri 29 May (the DfE, counting day 1, says Thu 28)."""
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    contact = received_contact(workflow_engine, received)
    walk_to(OnEngine(workflow_engine, contact, received + timedelta(hours=1)), Stage.CIN_PLAN)
    started = datetime(2026, 3, 23, 11, 0, tzinfo=UTC)
    _fire(workflow_engine, contact, "hold_strategy_discussion", started, held_at=started)

    _fire(workflow_engine, contact, "start_section_47", started)

    assert clock(contact, "assessment").due_at == end_of_london_day(date(2026, 5, 29))
    assert clock(contact, "assessment_dfe").due_at == end_of_london_day(date(2026, 5, 28))
    assessment = contact.assessment
    assert clock(contact, "icpc").started_at == started
    assert assessment is not None and assessment.status is AssessmentStatus.OPEN
    assert (assessment.kind, assessment.started_at) == ("s47", started)
    assert assessment.author is None  # the new one has no author yet
    assert contact.referral_at == received + timedelta(hours=1)  # the referral date stays
