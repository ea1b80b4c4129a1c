"""The acknowledgement to the referrer, and the Working Together edition a contact's clocks
take, against literal dates counted by hand.

Working Together (2013 to 2023): "within one working day of a referral being received" a
social worker acknowledges receipt to the referrer. Only a referral has one, so its clock
starts when the contact is accepted as a referral, but it counts from receipt: decided late,
it is already late when it starts. Recording the feedback to the referrer stops it. Due
dates are the end of the London day (22:59:59 UTC in summer time, 23:59:59 in winter).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time

from tests.builders import (
    FRONT_DOOR_WORKER,
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
from workflow.decision.records import DecisionStamp
from workflow.engine.engine import Engine
from workflow.rules import DEFAULT_CONFIG, load_rules
from workflow.stages import Stage

ACK = "referral_acknowledgement"


class MigratedDecisions:
    """A migrated record's decision was made in the old system, before any levels-of-need
    catalogue here was in force: stamp it as it came (the clocks are what is tested)."""

    def stamp(self, on: datetime, level: int, outcome: str, indicators: tuple[str, ...],
              rationale: str, override_reason: str) -> DecisionStamp:
        return DecisionStamp("migrated", 1, level, False, True)


@pytest.fixture(scope="module")
def history_engine() -> Engine:
    """The shipped timescales and calendar, with decisions of any year accepted."""
    return load_rules(DEFAULT_CONFIG, MigratedDecisions()).engine


def _feedback(engine: Engine, contact: Contact, at: datetime, reason: str = "Told the PC"
              ) -> Clock:
    engine.fire(contact, "give_referrer_feedback", FRONT_DOOR_WORKER, {"reason": reason}, at)
    [stopped] = [c for c in contact.started_clocks + contact.stopped_clocks
                 if c.rule == ACK and not c.is_open]
    return stopped


def _referred(engine: Engine, received: datetime, decided: datetime,
              outcome: str = "referral") -> Contact:
    """Received at ``received``, screened, checked and accepted as a referral at ``decided``."""
    contact = received_contact(engine, received)
    walk_to(OnEngine(engine, contact, decided), Stage.THRESHOLD_DECISION)
    engine.fire(contact, "decide", FRONT_DOOR_WORKER, payload("decide", decided, outcome),
                decided)
    return contact


# -- when it is due ------------------------------------------------------------------------

@pytest.mark.parametrize(("received", "decided", "due_day"), [
    # Thu 24 Dec 2026 (GMT): Christmas Fri 25, Boxing Day (Sat) substituted to Mon 28.
    (datetime(2026, 12, 24, 10, 0, tzinfo=UTC), datetime(2026, 12, 29, 9, 0, tzinfo=UTC),
     date(2026, 12, 29)),
    # Sat 28 Mar 2026 23:30 GMT; summer time starts Sun 29 Mar: due end of Mon 30 Mar BST.
    (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), datetime(2026, 3, 30, 9, 0, tzinfo=UTC),
     date(2026, 3, 30)),
    # Fri 23 Oct 2026 16:00 BST; summer time ends Sun 25 Oct: due end of Mon 26 Oct GMT.
    (datetime(2026, 10, 23, 15, 0, tzinfo=UTC), datetime(2026, 10, 26, 10, 0, tzinfo=UTC),
     date(2026, 10, 26)),
    # Thu 2 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr are skipped.
    (datetime(2026, 4, 2, 16, 0, tzinfo=UTC), datetime(2026, 4, 3, 11, 0, tzinfo=UTC),
     date(2026, 4, 7)),
], ids=["christmas-2026", "bst-starts", "bst-ends", "easter-decided-on-good-friday"])
def test_the_acknowledgement_is_due_the_working_day_after_receipt_not_after_the_decision(
        workflow_engine: Engine, received: datetime, decided: datetime, due_day: date) -> None:
    contact = _referred(workflow_engine, received, decided)

    ack = clock(contact, ACK)

    assert (ack.started_at, ack.due_at) == (received, end_of_london_day(due_day))
    assert ack.rule_version == f"{ACK}@2023-12-15"


def test_summer_time_does_not_move_the_due_instant_off_the_end_of_the_london_day(
        workflow_engine: Engine) -> None:
    contact = _referred(workflow_engine, datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
                        datetime(2026, 3, 30, 9, 0, tzinfo=UTC))

    assert clock(contact, ACK).due_at == datetime(2026, 3, 30, 22, 59, 59, 999999, tzinfo=UTC)


def test_the_due_date_does_not_depend_on_the_wall_clock(workflow_engine: Engine) -> None:
    with freeze_time("2031-06-30 12:00:00", ignore=["_pytest.timing"]):
        contact = _referred(workflow_engine, datetime(2026, 12, 24, 10, 0, tzinfo=UTC),
                            datetime(2026, 12, 24, 15, 0, tzinfo=UTC))

    assert clock(contact, ACK).due_at == end_of_london_day(date(2026, 12, 29))


# -- which contacts have one ---------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["referral", "strategy_discussion"])
def test_a_referral_starts_the_acknowledgement_clock(workflow_engine: Engine,
                                                     outcome: str) -> None:
    contact = _referred(workflow_engine, datetime(2026, 3, 9, 9, 0, tzinfo=UTC),
                        datetime(2026, 3, 9, 14, 0, tzinfo=UTC), outcome)

    assert ACK in open_rules(contact)
    assert clock(contact, ACK).due_at == end_of_london_day(date(2026, 3, 10))


@pytest.mark.parametrize("stage", [Stage.CLOSED, Stage.EARLY_HELP,
                                   Stage.PASSED_TO_ALLOCATED_WORKER, Stage.AWAITING_SIGNOFF])
def test_a_contact_that_is_not_a_referral_has_no_acknowledgement_clock(
        workflow_engine: Engine, stage: Stage) -> None:
    contact = contact_at(workflow_engine, stage, datetime(2026, 3, 9, 14, 0, tzinfo=UTC))

    every = contact.started_clocks + contact.stopped_clocks
    assert ACK not in {c.rule for c in every}


def test_the_clock_runs_on_through_the_casework_until_the_feedback_is_recorded(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, datetime(2026, 3, 9, 14, 0, tzinfo=UTC),
                         received_at=datetime(2026, 3, 9, 9, 0, tzinfo=UTC))

    assert ACK in open_rules(contact)


# -- how it ends ---------------------------------------------------------------------------

def test_feedback_within_the_working_day_after_receipt_meets_it(workflow_engine: Engine) -> None:
    contact = _referred(workflow_engine, datetime(2026, 12, 24, 10, 0, tzinfo=UTC),
                        datetime(2026, 12, 24, 15, 0, tzinfo=UTC))

    stopped = _feedback(workflow_engine, contact, datetime(2026, 12, 29, 16, 45, tzinfo=UTC))

    assert (stopped.result, stopped.stop_event) == (ClockResult.MET, "referrer_feedback_given")
    assert not stopped.is_breached(datetime(2027, 1, 4, tzinfo=UTC))
    assert ACK not in open_rules(contact) and "referrer_feedback" not in open_rules(contact)


def test_a_late_decision_makes_the_acknowledgement_late_from_the_moment_it_starts(
        workflow_engine: Engine) -> None:
    # Received Fri 22 May 2026 22:30 BST; spring bank holiday Mon 25 May: due end of Tue 26.
    received = datetime(2026, 5, 22, 21, 30, tzinfo=UTC)
    decided = datetime(2026, 5, 27, 9, 0, tzinfo=UTC)
    contact = _referred(workflow_engine, received, decided)

    ack = clock(contact, ACK)
    assert ack.due_at == end_of_london_day(date(2026, 5, 26))
    assert ack.is_breached(decided)

    stopped = _feedback(workflow_engine, contact, decided + timedelta(hours=1),
                        reason="Referrer unavailable by phone until Wednesday")
    assert stopped.result is ClockResult.LATE
    assert stopped.note == "Referrer unavailable by phone until Wednesday"


def test_feedback_on_the_next_working_day_is_met_by_the_acknowledgement_but_late_locally(
        workflow_engine: Engine) -> None:
    """Two clocks, two readings: the statutory acknowledgement is due the working day
    after receipt; the local feedback 24 real hours after the decision."""
    received = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # Monday
    contact = _referred(workflow_engine, received, datetime(2026, 3, 9, 10, 0, tzinfo=UTC))

    workflow_engine.fire(contact, "give_referrer_feedback", FRONT_DOOR_WORKER,
                         {"reason": "Rang the school"}, datetime(2026, 3, 10, 16, 0, tzinfo=UTC))

    results = {c.rule: c.result for c in contact.started_clocks if not c.is_open}
    assert results[ACK] is ClockResult.MET
    assert results["referrer_feedback"] is ClockResult.LATE


# -- the edition in force ------------------------------------------------------------------

def test_a_contact_from_2017_has_its_statutory_clocks_under_working_together_2015(
        history_engine: Engine) -> None:
    # Thu 13 Jul 2017, accepted the same day: everything judged by the 2015 edition.
    received = datetime(2017, 7, 13, 9, 0, tzinfo=UTC)
    contact = _referred(history_engine, received, datetime(2017, 7, 13, 15, 0, tzinfo=UTC))

    versions = {c.rule: c.rule_version for c in contact.started_clocks}
    assert versions["contact_decision"] == "contact_decision@2015-03-26"
    assert versions[ACK] == f"{ACK}@2015-03-26"
    assert versions["assessment"] == "assessment@2015-03-26"
    assert clock(contact, ACK).due_at == end_of_london_day(date(2017, 7, 14))
    # 45 working days from Thu 13 Jul 2017, the August bank holiday (28 Aug) skipped.
    assert clock(contact, "assessment").due_at == end_of_london_day(date(2017, 9, 15))


def test_received_on_the_last_day_of_2015_and_referred_on_the_first_of_2018(
        history_engine: Engine) -> None:
    """Tue 3 Jul 2018 was the last day of Working Together 2015; 2018 came in on Wed 4 Jul.
    A clock counted from receipt keeps the 2015 edition; one started by the referral
    (Thu 5 Jul) takes 2018's."""
    contact = _referred(history_engine, datetime(2018, 7, 3, 10, 0, tzinfo=UTC),
                        datetime(2018, 7, 5, 10, 0, tzinfo=UTC))

    versions = {c.rule: c.rule_version for c in contact.started_clocks}
    assert versions["contact_decision"] == "contact_decision@2015-03-26"
    assert versions[ACK] == f"{ACK}@2015-03-26"
    assert versions["assessment"] == "assessment@2018-07-04"
    assert clock(contact, ACK).due_at == end_of_london_day(date(2018, 7, 4))


def test_received_before_working_together_2013_no_clock_counts_from_receipt(
        history_engine: Engine) -> None:
    """Sun 14 Apr 2013 is the day before Working Together 2013 came into force: receipt
    starts no decision clock and the acknowledgement has no version to take; the
    assessment, started by the referral on Mon 15 Apr 2013, has the 2013 one."""
    contact = _referred(history_engine, datetime(2013, 4, 14, 12, 0, tzinfo=UTC),
                        datetime(2013, 4, 15, 10, 0, tzinfo=UTC))

    versions = {c.rule: c.rule_version for c in contact.started_clocks}
    assert "contact_decision" not in versions and ACK not in versions
    assert versions["assessment"] == "assessment@2013-04-15"
    assert versions["assessment_dfe"] == "assessment_dfe@2013-04-15"
