"""Authorising an assessment with the child not seen: the manager's reason, and the flag.

"Not seen" is either of two things the records show: no visit in which the child was seen
since the assessment started, or a child-seen clock still running when the manager
authorises (seen for the child in need assessment, say, but not since the section 47
enquiry began). Either needs the authorising manager's reason; the assessment is flagged
with it, and a child-seen clock the authorisation leaves not met keeps it as its note.
Dates are literal and London's (summer time from Sun 29 Mar 2026).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from tests.builders import (
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OnEngine,
    contact_at,
    payload,
    received_contact,
    snapshot,
    walk_to,
)
from workflow.casework.records import Assessment, AssessmentStatus
from workflow.clocks.clock import ClockResult
from workflow.contact import Contact
from workflow.decision.records import DecisionStamp
from workflow.engine.engine import Engine
from workflow.errors import GuardFailed
from workflow.roles import Actor
from workflow.rules import DEFAULT_CONFIG, load_rules
from workflow.stages import Stage

MON_9_MARCH = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
REASON = "Child in hospital out of area; seen by the ward social worker, report on file"


def _fire(engine: Engine, contact: Contact, trigger: str, who: Actor, at: datetime,
          variant: str | None = None, **overrides: object) -> None:
    engine.fire(contact, trigger, who, payload(trigger, at, variant, **overrides), at)


def _submitted(engine: Engine, stage: Stage = Stage.ASSESSMENT, at: datetime = MON_9_MARCH,
               *visits: tuple[datetime, bool]) -> Contact:
    """A contact at ``stage``, its visits recorded, its assessment submitted."""
    contact = contact_at(engine, stage, at)
    for visited, seen in visits:
        _fire(engine, contact, "record_visit", SOCIAL_WORKER, visited,
              "seen" if seen else "not_seen")
    _fire(engine, contact, "submit_assessment", SOCIAL_WORKER, at + timedelta(days=3))
    return contact


def _assessment(contact: Contact) -> Assessment:
    found = contact.assessment
    assert found is not None
    return found


def _refusal(engine: Engine, contact: Contact, at: datetime, **overrides: object
             ) -> GuardFailed:
    before = snapshot(contact)
    with pytest.raises(GuardFailed) as caught:
        _fire(engine, contact, "complete_assessment", TEAM_MANAGER, at, "cin_plan", **overrides)
    assert snapshot(contact) == before
    return caught.value


# -- never seen ----------------------------------------------------------------------------

def test_authorising_with_the_child_never_seen_is_refused_without_a_reason(
        workflow_engine: Engine) -> None:
    contact = _submitted(workflow_engine)

    refusal = _refusal(workflow_engine, contact, datetime(2026, 3, 13, 15, 0, tzinfo=UTC))

    assert (refusal.guard, refusal.field) == ("not_seen_reason_if_not_seen", "not_seen_reason")
    assert refusal.message == ("The child has not been seen during this assessment: record "
                               "why you authorise it.")


def test_a_blank_reason_is_no_reason(workflow_engine: Engine) -> None:
    contact = _submitted(workflow_engine)

    refusal = _refusal(workflow_engine, contact, datetime(2026, 3, 13, 15, 0, tzinfo=UTC),
                       not_seen_reason="   ")

    assert refusal.field == "not_seen_reason"


def test_with_a_reason_the_assessment_is_flagged_and_the_clock_keeps_the_reason(
        workflow_engine: Engine) -> None:
    contact = _submitted(workflow_engine)
    at = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)

    _fire(workflow_engine, contact, "complete_assessment", TEAM_MANAGER, at, "cin_plan",
          not_seen_reason=f"  {REASON} ")

    assessment = _assessment(contact)
    assert assessment.status is AssessmentStatus.AUTHORISED
    assert (assessment.authorised_not_seen, assessment.not_seen_reason) == (True, REASON)
    [clock] = [c for c in contact.started_clocks if c.rule == "child_seen_s17"]
    assert (clock.result, clock.stopped_at, clock.note) == (ClockResult.NOT_MET, at, REASON)


def test_a_visit_in_which_the_child_was_not_seen_does_not_count_as_seeing_the_child(
        workflow_engine: Engine) -> None:
    contact = _submitted(workflow_engine, Stage.ASSESSMENT, MON_9_MARCH,
                         (datetime(2026, 3, 10, 11, 0, tzinfo=UTC), False))

    refusal = _refusal(workflow_engine, contact, datetime(2026, 3, 13, 15, 0, tzinfo=UTC))

    assert refusal.field == "not_seen_reason"


# -- seen ----------------------------------------------------------------------------------

def test_seen_in_time_no_reason_is_asked_and_none_is_kept(workflow_engine: Engine) -> None:
    contact = _submitted(workflow_engine, Stage.ASSESSMENT, MON_9_MARCH,
                         (datetime(2026, 3, 10, 11, 0, tzinfo=UTC), True))

    _fire(workflow_engine, contact, "complete_assessment", TEAM_MANAGER,
          datetime(2026, 3, 13, 15, 0, tzinfo=UTC), "cin_plan",
          not_seen_reason="typed by mistake")

    assessment = _assessment(contact)
    assert (assessment.authorised_not_seen, assessment.not_seen_reason) == (False, "")
    [clock] = [c for c in contact.started_clocks if c.rule == "child_seen_s17"]
    assert clock.result is ClockResult.MET


def test_seen_late_is_seen_the_clock_says_late_and_no_reason_is_asked(
        workflow_engine: Engine) -> None:
    # Referred Mon 9 Mar 2026: seen within 5 working days means by the end of Mon 16 Mar.
    contact = _submitted(workflow_engine, Stage.ASSESSMENT, MON_9_MARCH,
                         (datetime(2026, 3, 17, 11, 0, tzinfo=UTC), True))

    _fire(workflow_engine, contact, "complete_assessment", TEAM_MANAGER,
          datetime(2026, 3, 18, 15, 0, tzinfo=UTC), "cin_plan")

    assert _assessment(contact).authorised_not_seen is False
    [clock] = [c for c in contact.started_clocks if c.rule == "child_seen_s17"]
    assert clock.result is ClockResult.LATE


# -- seen, but not within the child protection timescale ----------------------------------

def test_seen_before_a_section_47_enquiry_but_not_since_needs_the_reason(
        workflow_engine: Engine) -> None:
    """Seen on Tue 10 Mar 2026 under section 17; the enquiry starts at 00:30 BST on Wed
    1 Apr (23:30 UTC on 31 Mar) and the child is not seen again: its 24-hour clock is
    still running when the manager authorises on the plan."""
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, MON_9_MARCH)
    _fire(workflow_engine, contact, "record_visit", SOCIAL_WORKER,
          datetime(2026, 3, 10, 11, 0, tzinfo=UTC), "seen")
    enquiry = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    for trigger in ("hold_strategy_discussion", "start_section_47"):
        _fire(workflow_engine, contact, trigger, SOCIAL_WORKER, enquiry)
    conference = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)
    _fire(workflow_engine, contact, "hold_icpc", SOCIAL_WORKER, conference, "plan")
    _fire(workflow_engine, contact, "submit_assessment", SOCIAL_WORKER, conference)

    refusal = _refusal(workflow_engine, contact, conference + timedelta(hours=2))
    _fire(workflow_engine, contact, "complete_assessment", TEAM_MANAGER,
          conference + timedelta(hours=2), "cin_plan", not_seen_reason=REASON)

    assert contact.stage == Stage.CP_PLAN
    assert refusal.message == ("The child has not been seen since 1 April 2026, when the "
                               "child-seen timescale started, so it is not met: record why "
                               "you authorise it.")
    assert (_assessment(contact).authorised_not_seen,
            _assessment(contact).not_seen_reason) == (True, REASON)


def test_the_rule_reads_the_records_not_the_wall_clock(workflow_engine: Engine) -> None:
    with freeze_time("2031-01-01 09:00:00", ignore=["_pytest.timing"]):
        contact = _submitted(workflow_engine, Stage.ASSESSMENT, MON_9_MARCH,
                             (datetime(2026, 3, 10, 11, 0, tzinfo=UTC), True))
        _fire(workflow_engine, contact, "complete_assessment", TEAM_MANAGER,
              datetime(2026, 3, 13, 15, 0, tzinfo=UTC), "cin_plan")

    assert _assessment(contact).authorised_not_seen is False


# -- a migrated contact, before any local child-seen timescale -----------------------------

class MigratedDecisions:
    """Decisions of a migrated record come as they were made (no catalogue of that year)."""

    def stamp(self, on: datetime, level: int, outcome: str, indicators: tuple[str, ...],
              rationale: str, override_reason: str) -> DecisionStamp:
        return DecisionStamp("migrated", 1, level, False, True)


def test_without_a_child_seen_clock_the_visits_still_decide() -> None:
    """Thu 13 Jul 2017: the local child-seen timescales start in 2018, so no clock runs;
    a child never seen is still "not seen", and one seen is seen."""
    engine = load_rules(DEFAULT_CONFIG, MigratedDecisions()).engine
    at = datetime(2017, 7, 13, 10, 0, tzinfo=UTC)
    contacts = []
    for seen in (False, True):
        contact = received_contact(engine, at)
        walk_to(OnEngine(engine, contact, at), Stage.ASSESSMENT)
        assert not [c for c in contact.open_clocks if c.rule.startswith("child_seen")]
        if seen:
            _fire(engine, contact, "record_visit", SOCIAL_WORKER, at + timedelta(days=1), "seen")
        _fire(engine, contact, "submit_assessment", SOCIAL_WORKER, at + timedelta(days=5))
        contacts.append(contact)
    never, visited = contacts

    with pytest.raises(GuardFailed) as caught:
        _fire(engine, never, "complete_assessment", TEAM_MANAGER, at + timedelta(days=6),
              "cin_plan")
    _fire(engine, visited, "complete_assessment", TEAM_MANAGER, at + timedelta(days=6),
          "cin_plan")

    assert caught.value.field == "not_seen_reason"
    assert _assessment(visited).authorised_not_seen is False
