"""Every way the engine says no, and that saying no changes nothing.

Deny by default: an unknown action, an action from the wrong stage, a role that was not
granted it, input that fits no row, or an unmet rule of the process are each refused
with their own error, and the contact (stage, version, history, clocks, records) is exactly
as it was before.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.builders import (
    ADMINISTRATOR,
    FRONT_DOOR_WORKER,
    OTHER_TEAM_MANAGER,
    PARTNER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    contact_at,
    payload,
    snapshot,
)
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import (
    FrontDoorError,
    GuardFailed,
    InvalidInput,
    InvalidTransition,
    NaiveDatetime,
    NotPermitted,
)
from workflow.roles import Actor
from workflow.stages import Stage


def _refused(engine: Engine, contact: Contact, trigger: str, who: Actor,
             data: dict[str, Any], now: datetime,
             error: type[FrontDoorError]) -> FrontDoorError:
    """Fire, expect ``error``, and check the contact is exactly as it was."""
    before = snapshot(contact)
    with pytest.raises(error) as refusal:
        engine.fire(contact, trigger, who, data, now)
    assert snapshot(contact) == before
    return refusal.value


# -- unknown action and wrong stage ----------------------------------------------------

def test_an_action_that_does_not_exist_is_refused_and_changes_nothing(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SCREENING, now)

    refusal = _refused(workflow_engine, contact, "fast_track", FRONT_DOOR_WORKER, {}, now,
                       InvalidTransition)

    assert "no action called 'fast_track'" in refusal.message


def test_deciding_before_screening_is_refused_naming_the_stage_it_can_be_done_from(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SCREENING, now)

    refusal = _refused(workflow_engine, contact, "decide", FRONT_DOOR_WORKER,
                       payload("decide", now), now, InvalidTransition)

    assert "while the contact is at 'screening'" in refusal.message
    assert refusal.message.endswith("it can be done at: threshold decision.")


def test_on_a_closed_contact_only_feedback_to_the_referrer_can_still_be_recorded(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.CLOSED, now)

    refusal = _refused(workflow_engine, contact, "start_section_47", SOCIAL_WORKER,
                       payload("start_section_47", now), now, InvalidTransition)

    assert refusal.message.endswith(
        "it can be done at: assessment, child in need plan, strategy discussion.")
    assert [a.name for a in workflow_engine.permitted(contact, TEAM_MANAGER.role)] == [
        "give_referrer_feedback"]


# -- roles -----------------------------------------------------------------------------

@pytest.mark.parametrize("who", [PARTNER, FRONT_DOOR_WORKER, SOCIAL_WORKER, ADMINISTRATOR],
                         ids=lambda a: a.role.value)
def test_only_a_team_manager_may_sign_off_an_override(
        workflow_engine: Engine, now: datetime, who: Actor) -> None:
    contact = contact_at(workflow_engine, Stage.AWAITING_SIGNOFF, now)

    refusal = _refused(workflow_engine, contact, "sign_off", who, {}, now, NotPermitted)

    assert refusal.message == f"A {who.role.label.lower()} may not 'sign off the override'."


def test_a_partner_agency_practitioner_cannot_record_the_threshold_decision(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)

    refusal = _refused(workflow_engine, contact, "decide", PARTNER, payload("decide", now),
                       now, NotPermitted)

    assert refusal.message == ("A partner agency practitioner may not "
                               "'record the threshold decision'.")


def test_a_front_door_worker_cannot_start_a_section_47_enquiry(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)

    _refused(workflow_engine, contact, "start_section_47", FRONT_DOOR_WORKER,
             payload("start_section_47", now), now, NotPermitted)


# -- guards ----------------------------------------------------------------------------

def test_a_decision_without_a_rationale_is_refused_and_changes_nothing(
        workflow_engine: Engine, now: datetime) -> None:
    """The levels of need check the rationale when the decision is stamped (DOMAIN.md §4)."""
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    data = payload("decide", now)
    del data["rationale"]

    refusal = _refused(workflow_engine, contact, "decide", FRONT_DOOR_WORKER, data, now,
                       GuardFailed)

    assert (refusal.guard, refusal.field) == ("levels_of_need", "rationale")
    assert refusal.message.startswith("Rationale is required: write why you chose this "
                                      "level and outcome")


def test_a_rationale_of_only_spaces_is_no_rationale(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)

    refusal = _refused(workflow_engine, contact, "decide", FRONT_DOOR_WORKER,
                       payload("decide", now, rationale="   \n"), now, GuardFailed)

    assert (refusal.guard, refusal.field) == ("levels_of_need", "rationale")


def test_decision_to_strategy_discussion_without_reasonable_cause_is_refused_and_changes_nothing(
        workflow_engine: Engine, now: datetime) -> None:
    """R (AB & CD) v Haringey [2013]: no move towards s47 without a recorded basis."""
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    data = payload("decide", now, "strategy_discussion")
    del data["reasonable_cause"]

    refusal = _refused(workflow_engine, contact, "decide", FRONT_DOOR_WORKER, data, now,
                       GuardFailed)

    assert (refusal.guard, refusal.field) == ("reasonable_cause_given", "reasonable_cause")
    assert "Haringey" in refusal.message


def test_starting_section_47_without_reasonable_cause_is_refused_and_changes_nothing(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)
    workflow_engine.fire(contact, "hold_strategy_discussion", SOCIAL_WORKER,
                         payload("hold_strategy_discussion", now), now)

    refusal = _refused(workflow_engine, contact, "start_section_47", SOCIAL_WORKER,
                       {"reasonable_cause": ""}, now, GuardFailed)

    assert refusal.guard == "reasonable_cause_given"


def test_section_47_cannot_start_before_a_strategy_discussion_is_recorded(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)

    refusal = _refused(workflow_engine, contact, "start_section_47", SOCIAL_WORKER,
                       payload("start_section_47", now), now, GuardFailed)

    assert (refusal.guard, refusal.field) == ("strategy_discussion_recorded",
                                              "strategy_discussion")


def test_a_strategy_discussion_without_police_and_no_reason_why_is_refused(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)
    data = payload("hold_strategy_discussion", now, participation={
        "la_social_worker": "attended", "police": "invited_no_contribution",
        "health": "attended", "education": "written"})

    refusal = _refused(workflow_engine, contact, "hold_strategy_discussion", SOCIAL_WORKER,
                       data, now, GuardFailed)

    assert refusal.field == "absence_reason"
    assert refusal.message == "Police did not contribute: record why."


def test_a_strategy_discussion_dated_in_the_future_is_refused(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)
    data = payload("hold_strategy_discussion", now, held_at=now + timedelta(days=1))

    refusal = _refused(workflow_engine, contact, "hold_strategy_discussion", SOCIAL_WORKER,
                       data, now, GuardFailed)

    assert refusal.message == "The date it was held cannot be in the future."


def test_a_visit_dated_before_the_contact_was_received_is_refused(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    data = payload("record_visit", now, visited_at=now - timedelta(days=3))

    refusal = _refused(workflow_engine, contact, "record_visit", SOCIAL_WORKER, data, now,
                       GuardFailed)

    assert refusal.message == ("The date of the visit cannot be before the referral "
                               "(4 March 2026).")


def test_early_help_without_the_familys_agreement_is_refused(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)

    refusal = _refused(workflow_engine, contact, "decide", FRONT_DOOR_WORKER,
                       payload("decide", now, "early_help", consent="not_given"), now,
                       GuardFailed)

    assert (refusal.guard, refusal.field) == ("consent_recorded", "consent")
    assert refusal.message == "Record the family's agreement to early help."


def test_a_consent_answer_that_is_not_offered_is_refused_at_its_field(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)

    refusal = _refused(workflow_engine, contact, "decide", FRONT_DOOR_WORKER,
                       payload("decide", now, "early_help", consent="refused"), now,
                       InvalidInput)

    assert refusal.errors == {"consent": "Choose one of: given, not_given"}


def test_an_override_cannot_be_signed_off_by_the_manager_who_made_it(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    workflow_engine.fire(contact, "decide", TEAM_MANAGER,
                         payload("decide", now, "override"), now)

    refusal = _refused(workflow_engine, contact, "sign_off", TEAM_MANAGER, {}, now,
                       GuardFailed)

    assert refusal.guard == "signer_is_not_decider"
    workflow_engine.fire(contact, "sign_off", OTHER_TEAM_MANAGER, {}, now)
    assert contact.stage == Stage.CLOSED


def test_an_assessment_cannot_be_authorised_by_its_own_author(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    workflow_engine.fire(contact, "allocate", TEAM_MANAGER,
                         {"worker": TEAM_MANAGER.username}, now)
    workflow_engine.fire(contact, "submit_assessment", TEAM_MANAGER,
                         payload("submit_assessment", now), now)

    refusal = _refused(workflow_engine, contact, "complete_assessment", TEAM_MANAGER,
                       payload("complete_assessment", now), now, GuardFailed)

    assert refusal.guard == "authoriser_is_not_author"


def test_an_assessment_past_45_working_days_needs_the_reason_it_is_late(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    workflow_engine.fire(contact, "record_visit", SOCIAL_WORKER,
                         payload("record_visit", now, "seen"), now)
    workflow_engine.fire(contact, "submit_assessment", SOCIAL_WORKER,
                         payload("submit_assessment", now), now)
    late = now + timedelta(days=70)

    refusal = _refused(workflow_engine, contact, "complete_assessment", TEAM_MANAGER,
                       payload("complete_assessment", late), late, GuardFailed)

    assert (refusal.guard, refusal.field) == ("lateness_reason_if_late", "lateness_reason")
    workflow_engine.fire(contact, "complete_assessment", TEAM_MANAGER,
                         payload("complete_assessment", late, lateness_reason="Family moved"),
                         late)
    assert contact.stage == Stage.CIN_PLAN


# -- input that fits no row ------------------------------------------------------------

def test_a_decision_with_an_outcome_that_does_not_exist_is_refused_and_changes_nothing(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)

    refusal = _refused(workflow_engine, contact, "decide", FRONT_DOOR_WORKER,
                       payload("decide", now, outcome="wait_and_see"), now, InvalidInput)

    assert refusal.errors.keys() == {"outcome"}
    assert refusal.errors["outcome"].startswith("Choose one of: no_further_action, ")
    assert "referral_to_social_care" in refusal.errors["outcome"]


def test_a_rating_that_is_not_red_amber_or_green_is_refused(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SCREENING, now)

    refusal = _refused(workflow_engine, contact, "rate", FRONT_DOOR_WORKER,
                       {"rag": "purple", "reason": "x"}, now, InvalidInput)

    assert refusal.errors == {"rag": "Choose one of: red, amber, green"}


def test_a_rating_left_blank_is_refused_by_the_rating_help(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SCREENING, now)

    refusal = _refused(workflow_engine, contact, "rate", FRONT_DOOR_WORKER,
                       {"reason": "x"}, now, GuardFailed)

    assert (refusal.guard, refusal.field) == ("selector", "rag")
    assert refusal.message == "Choose red, amber or green."


# -- naive datetimes -------------------------------------------------------------------

def test_firing_with_a_naive_now_is_refused_and_changes_nothing(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SCREENING, now)

    _refused(workflow_engine, contact, "rate", FRONT_DOOR_WORKER, payload("rate", now),
             now.replace(tzinfo=None), NaiveDatetime)


def test_a_meeting_time_without_a_timezone_is_read_as_london_time(
        workflow_engine: Engine) -> None:
    """What a person types (a datetime-local field) is London wall time: in summer 09:00
    typed is 08:00 UTC, never 09:00 UTC and never refused."""
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now,
                         received_at=datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    data = payload("hold_strategy_discussion", now, held_at=datetime(2026, 7, 1, 9, 0))

    workflow_engine.fire(contact, "hold_strategy_discussion", SOCIAL_WORKER, data, now)

    discussion = contact.discussion
    assert discussion is not None
    assert discussion.held_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_the_enquiry_starts_at_the_recorded_discussion_and_its_time_cannot_be_sent(
        workflow_engine: Engine, now: datetime) -> None:
    """The initiating discussion's time is the one recorded with it (census
    S47ActualStartDate), so a start_section_47 cannot carry another time of its own."""
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)
    held = now - timedelta(minutes=30)
    workflow_engine.fire(contact, "hold_strategy_discussion", SOCIAL_WORKER,
                         payload("hold_strategy_discussion", now, held_at=held), now)
    data = payload("start_section_47", now, initiating_discussion_at=now.replace(tzinfo=None))

    refusal = _refused(workflow_engine, contact, "start_section_47", SOCIAL_WORKER, data, now,
                       InvalidInput)

    assert refusal.errors == {
        "initiating_discussion_at": "Remove this field: it is not one this action takes"}
    workflow_engine.fire(contact, "start_section_47", SOCIAL_WORKER,
                         payload("start_section_47", now), now)
    enquiry = contact.enquiry
    assert enquiry is not None and enquiry.started_at == held


def test_a_contact_cannot_be_received_at_a_naive_time(now: datetime) -> None:
    with pytest.raises(NaiveDatetime):
        Contact(received_at=now.replace(tzinfo=None), source="6")


def test_a_discussion_held_just_after_midnight_in_summer_is_not_refused_as_in_the_future(
        workflow_engine: Engine) -> None:
    """00:15 on 2 July in London is 23:15 on 1 July in UTC: fifteen minutes ago, not tomorrow."""
    received = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION,
                         received + timedelta(hours=1), received_at=received)
    now = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    held = datetime(2026, 7, 2, 0, 15, tzinfo=ZoneInfo("Europe/London"))

    workflow_engine.fire(contact, "hold_strategy_discussion", SOCIAL_WORKER,
                         payload("hold_strategy_discussion", now, held_at=held), now)

    discussion = contact.discussion
    assert discussion is not None and discussion.held_at == held
