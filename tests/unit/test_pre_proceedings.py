"""Pre-proceedings and family group decision making, as the engine records them.

A case on a plan starts pre-proceedings at a legal planning meeting, sends the letter
before proceedings with an FGDM offer (or the reason not to: Children Act 1989 s31ZA),
records whether the meeting was held, meets the parents, and concludes. The dates are
refused at their field in the order the census checks them (DfE rules 9006, 9009, 9012,
9013), so a record the return would refuse cannot be made. Dates are literal weekdays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.builders import SOCIAL_WORKER, TEAM_MANAGER, contact_at, payload, snapshot
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import GuardFailed, InvalidInput, InvalidTransition
from workflow.stages import Stage

NOW = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)  # Monday
STARTED = date(2026, 10, 5)
ACTIONS = ("start_pre_proceedings", "send_letter_before_proceedings", "record_fgdm",
           "hold_pre_proceedings_meeting", "conclude_pre_proceedings")


def _fire(engine: Engine, contact: Contact, trigger: str, at: datetime = NOW,
          variant: str | None = None, **changes: Any) -> None:
    engine.fire(contact, trigger, SOCIAL_WORKER, payload(trigger, at, variant, **changes), at)


def _refused(engine: Engine, contact: Contact, trigger: str, at: datetime = NOW,
             variant: str | None = None, **changes: Any) -> GuardFailed:
    before = snapshot(contact)
    with pytest.raises(GuardFailed) as caught:
        _fire(engine, contact, trigger, at, variant, **changes)
    assert snapshot(contact) == before
    return caught.value


def _offered(engine: Engine, contact: Contact) -> set[str]:
    return {a.name for a in engine.offered(contact, SOCIAL_WORKER, NOW)} & set(ACTIONS)


@pytest.fixture
def on_plan(workflow_engine: Engine) -> Contact:
    return contact_at(workflow_engine, Stage.CP_PLAN, NOW - timedelta(days=7))


def test_pre_proceedings_are_recorded_on_a_plan_and_nowhere_before_one(
        workflow_engine: Engine) -> None:
    assessing = contact_at(workflow_engine, Stage.ASSESSMENT, NOW)
    cin = contact_at(workflow_engine, Stage.CIN_PLAN, NOW)

    assert _offered(workflow_engine, cin) == {"start_pre_proceedings"}
    with pytest.raises(InvalidTransition):
        _fire(workflow_engine, assessing, "start_pre_proceedings")


def test_the_whole_of_pre_proceedings_is_one_record_the_census_reads(
        workflow_engine: Engine, on_plan: Contact) -> None:
    days = [NOW + timedelta(days=n) for n in (0, 3, 10, 14, 28, 42)]
    _fire(workflow_engine, on_plan, "start_pre_proceedings", days[0])
    _fire(workflow_engine, on_plan, "send_letter_before_proceedings", days[1])
    _fire(workflow_engine, on_plan, "record_fgdm", days[2])
    _fire(workflow_engine, on_plan, "hold_pre_proceedings_meeting", days[3])
    _fire(workflow_engine, on_plan, "hold_pre_proceedings_meeting", days[4])
    _fire(workflow_engine, on_plan, "conclude_pre_proceedings", days[5], "care_proceedings")

    record = on_plan.pre_proceedings
    assert record is not None and not record.is_open
    assert (record.started_on, record.letter_sent_on, record.fgdm_offered,
            record.fgdm_facilitated, record.fgdm_held_on) == (
        date(2026, 10, 5), date(2026, 10, 8), True, True, date(2026, 10, 15))
    assert (record.initial_meeting_on, record.review_meetings) == (date(2026, 10, 19), 1)
    assert (record.decided_on, record.outcome, record.court_application_on,
            record.letter_initiating_on) == (date(2026, 11, 16), "B", date(2026, 11, 16),
                                             date(2026, 11, 16))
    assert on_plan.stage == Stage.CP_PLAN  # the case itself stays where it is
    assert _offered(workflow_engine, on_plan) == {"start_pre_proceedings"}


def test_pre_proceedings_already_under_way_are_not_started_twice(
        workflow_engine: Engine, on_plan: Contact) -> None:
    _fire(workflow_engine, on_plan, "start_pre_proceedings")

    assert "start_pre_proceedings" not in _offered(workflow_engine, on_plan)
    refusal = _refused(workflow_engine, on_plan, "start_pre_proceedings")
    assert refusal.guard == "no_open_pre_proceedings"


def test_a_letter_dated_before_pre_proceedings_began_is_refused_at_its_date(
        workflow_engine: Engine, on_plan: Contact) -> None:
    _fire(workflow_engine, on_plan, "start_pre_proceedings")

    refusal = _refused(workflow_engine, on_plan, "send_letter_before_proceedings",
                       sent_on=date(2026, 10, 2))

    assert refusal.field == "sent_on"
    assert "before the date pre-proceedings began (5 October 2026) (DfE census rule 9006)" in \
        refusal.message


def test_a_letter_without_the_fgdm_offer_needs_the_best_interests_reason(
        workflow_engine: Engine, on_plan: Contact) -> None:
    _fire(workflow_engine, on_plan, "start_pre_proceedings")

    silent = _refused(workflow_engine, on_plan, "send_letter_before_proceedings",
                      fgdm_offered=None)
    unexplained = _refused(workflow_engine, on_plan, "send_letter_before_proceedings",
                           variant="not_offered", not_offered_reason="")
    _fire(workflow_engine, on_plan, "send_letter_before_proceedings", variant="not_offered")

    assert (silent.field, unexplained.field) == ("fgdm_offered", "not_offered_reason")
    assert "DfE census rule 9007" in silent.message
    assert "s31ZA" in unexplained.message
    record = on_plan.pre_proceedings
    assert record is not None and record.fgdm_offered is False
    assert "record_fgdm" not in _offered(workflow_engine, on_plan)  # nothing was offered


def test_a_meeting_held_is_dated_and_one_not_held_says_why(
        workflow_engine: Engine, on_plan: Contact) -> None:
    _fire(workflow_engine, on_plan, "start_pre_proceedings")
    _fire(workflow_engine, on_plan, "send_letter_before_proceedings", NOW + timedelta(days=3))
    later = NOW + timedelta(days=7)

    undated = _refused(workflow_engine, on_plan, "record_fgdm", later, held_on=None)
    early = _refused(workflow_engine, on_plan, "record_fgdm", later, held_on=date(2026, 10, 7))
    unexplained = _refused(workflow_engine, on_plan, "record_fgdm", later, "not_held",
                           reason="")

    assert (undated.field, early.field, unexplained.field) == ("held_on", "held_on", "reason")
    assert "before the letter that offered it (8 October 2026)" in early.message


@pytest.mark.parametrize(("changes", "field", "rule"), [
    ({"decided_on": date(2026, 10, 2)}, "decided_on", "9009"),
    ({"court_application_on": date(2026, 10, 23)}, "court_application_on", "9012"),
    ({"letter_initiating_on": date(2026, 10, 23)}, "letter_initiating_on", "9013"),
], ids=["decision-before-start", "application-before-decision",
        "letter-before-application"])
def test_the_conclusion_s_dates_follow_one_another_as_the_census_checks(
        workflow_engine: Engine, on_plan: Contact, changes: dict[str, Any], field: str,
        rule: str) -> None:
    _fire(workflow_engine, on_plan, "start_pre_proceedings")
    later = NOW + timedelta(days=21)

    refusal = _refused(workflow_engine, on_plan, "conclude_pre_proceedings", later,
                       "care_proceedings", **changes)

    assert refusal.field == field
    assert f"rule {rule}" in refusal.message


def test_an_outcome_that_is_not_a_census_code_is_refused_at_its_field(
        workflow_engine: Engine, on_plan: Contact) -> None:
    _fire(workflow_engine, on_plan, "start_pre_proceedings")

    with pytest.raises(InvalidInput) as caught:
        _fire(workflow_engine, on_plan, "conclude_pre_proceedings", outcome="D")

    assert set(caught.value.errors) == {"outcome"}


def test_a_review_conference_at_a_weekend_is_refused_citing_rule_8875(
        workflow_engine: Engine, on_plan: Contact) -> None:
    saturday = datetime(2026, 10, 10, 10, 0, tzinfo=UTC)

    with pytest.raises(GuardFailed) as caught:
        workflow_engine.fire(on_plan, "hold_review_conference", TEAM_MANAGER,
                             payload("hold_review_conference", saturday), saturday)

    assert (caught.value.guard, caught.value.field) == ("conference_on_a_weekday", "held_at")
    assert "DfE census rule 8875" in caught.value.message
