"""Journeys through the one shared engine: where each action leads and what it records.

Also the engine's own promises: one machine shared by every contact that never keeps a
contact after a trigger (transitions #146/#379/#434), a stored stage that is never reset
when a contact joins it, a stage nobody can assign, and the actions offered per role.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.builders import (
    FRONT_DOOR_WORKER,
    MASH_CHAIR,
    OTHER_TEAM_MANAGER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OnEngine,
    contact_at,
    path_to,
    payload,
    received_contact,
    walk_to,
)
from workflow.casework.records import EnquiryStatus
from workflow.clocks.clock import ClockResult
from workflow.contact import Contact
from workflow.decision.records import DecisionStatus
from workflow.engine.engine import Engine
from workflow.intake.records import IntakeFlags
from workflow.roles import Role
from workflow.stages import STAGES, Stage


@pytest.mark.parametrize("stage", list(Stage), ids=lambda s: s.value)
def test_every_stage_is_reached_by_real_actions_with_a_gap_free_history(
        workflow_engine: Engine, now: datetime, stage: Stage) -> None:
    contact = contact_at(workflow_engine, stage, now)

    events = contact.new_events

    assert contact.stage == stage
    assert [e.seq for e in events] == list(range(1, len(path_to(stage)) + 2))
    assert events[0].trigger == "receive" and events[0].from_stage is None
    assert events[-1].to_stage == stage
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.from_stage == earlier.to_stage
    assert {c.rule for c in contact.open_clocks} <= set(STAGES[stage].timed_by)


@pytest.mark.parametrize(("variant", "stage"), [
    ("no_further_action", Stage.CLOSED),
    ("early_help", Stage.EARLY_HELP),
    ("referral", Stage.ASSESSMENT),
    ("strategy_discussion", Stage.STRATEGY_DISCUSSION),
    ("override", Stage.AWAITING_SIGNOFF),
])
def test_the_outcome_chosen_at_the_threshold_decision_decides_where_the_contact_goes(
        workflow_engine: Engine, now: datetime, variant: str, stage: Stage) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)

    event = workflow_engine.fire(contact, "decide", FRONT_DOOR_WORKER,
                                 payload("decide", now, variant), now).event

    assert contact.stage == stage
    assert (event.from_stage, event.to_stage) == (Stage.THRESHOLD_DECISION, stage)
    assert (event.actor, event.role, event.at) == ("fd.worker", Role.FRONT_DOOR_WORKER, now)
    assert event.reason == payload("decide", now, variant)["rationale"]


def test_a_decision_records_who_decided_when_and_why(workflow_engine: Engine,
                                                     now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)

    decision = contact.decision

    assert decision is not None and decision.status is DecisionStatus.IN_FORCE
    assert decision.decided_by == "fd.worker"
    assert decision.decided_at == now
    assert decision.outcome == "referral_to_social_care"
    assert decision.rationale


def test_an_override_waits_for_sign_off_and_then_becomes_the_decision(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.AWAITING_SIGNOFF, now)
    pending = contact.decision
    assert pending is not None and pending.status is DecisionStatus.AWAITING_SIGNOFF
    assert pending.signed_off_by is None

    workflow_engine.fire(contact, "sign_off", TEAM_MANAGER, {}, now)

    decision = contact.decision
    assert contact.stage == Stage.CLOSED
    assert decision is not None and decision.status is DecisionStatus.IN_FORCE
    assert decision.signed_off_by == "team.manager"
    assert decision.decided_by == "fd.worker"


def test_an_early_help_override_signed_off_steps_the_contact_down(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    workflow_engine.fire(contact, "decide", FRONT_DOOR_WORKER,
                         payload("decide", now, "override_to_early_help"), now)

    workflow_engine.fire(contact, "sign_off", OTHER_TEAM_MANAGER, {}, now)

    assert contact.stage == Stage.EARLY_HELP


def test_a_returned_override_goes_back_to_the_worker_with_nothing_pending(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.AWAITING_SIGNOFF, now)

    workflow_engine.fire(contact, "return_decision", TEAM_MANAGER,
                         payload("return_decision", now), now)

    decision = contact.decision
    assert contact.stage == Stage.THRESHOLD_DECISION
    assert decision is not None and decision.status is DecisionStatus.RETURNED
    assert not decision.awaiting_signoff
    assert (decision.returned_by, decision.return_reason) == (
        "team.manager", payload("return_decision", now)["reason"])


@pytest.mark.parametrize(("variant", "stage", "closure"), [
    ("cin_plan", Stage.CIN_PLAN, None),
    ("early_help", Stage.EARLY_HELP, "RC9"),
    ("no_further_action", Stage.CLOSED, "RC8"),
])
def test_an_authorised_assessment_leads_to_a_plan_early_help_or_closure_with_its_census_code(
        workflow_engine: Engine, now: datetime, variant: str, stage: Stage,
        closure: str | None) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    workflow_engine.fire(contact, "record_visit", SOCIAL_WORKER,
                         payload("record_visit", now, "seen"), now)
    workflow_engine.fire(contact, "submit_assessment", SOCIAL_WORKER,
                         payload("submit_assessment", now), now)

    workflow_engine.fire(contact, "complete_assessment", TEAM_MANAGER,
                         payload("complete_assessment", now, variant), now)

    assert contact.stage == stage
    assert contact.closure_reason == closure


def test_a_conference_without_a_plan_returns_to_the_assessment_and_ends_the_enquiry(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, now)
    enquiry = contact.enquiry
    assert enquiry is not None and enquiry.is_open

    workflow_engine.fire(contact, "hold_icpc", SOCIAL_WORKER,
                         payload("hold_icpc", now, "no_plan"), now)

    enquiry = contact.enquiry
    assert contact.stage == Stage.ASSESSMENT
    assert enquiry is not None and not enquiry.is_open
    assert enquiry.status is EnquiryStatus.CLOSED and enquiry.plan_made is False
    assert contact.plan is None


def test_a_review_conference_ending_the_plan_moves_to_a_child_in_need_plan(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, now)
    later = now + timedelta(days=79)  # Friday 22 May 2026: a conference is held on a weekday

    workflow_engine.fire(contact, "hold_review_conference", SOCIAL_WORKER,
                         payload("hold_review_conference", later, "ends"), later)

    assert contact.stage == Stage.CIN_PLAN


def test_an_in_stage_action_is_recorded_as_an_event_without_moving_the_contact(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    seq = contact.event_seq

    event = workflow_engine.fire(contact, "allocate", TEAM_MANAGER,
                                 payload("allocate", now), now).event

    assert contact.stage == Stage.ASSESSMENT
    assert (event.seq, event.from_stage, event.to_stage) == (seq + 1, Stage.ASSESSMENT,
                                                             Stage.ASSESSMENT)
    assert (contact.team, contact.worker) == ("assessment-north", "social.worker")


def test_a_contact_about_a_child_with_an_open_case_is_one_receipt_passed_to_its_worker(
        workflow_engine: Engine, now: datetime) -> None:
    """DOMAIN.md §2: no second referral; the receipt itself records the decision."""
    contact = Contact(received_at=now, source="6", child_id=1,
                      flags=IntakeFlags(open_case_contact_id=5))

    workflow_engine.receive(contact, FRONT_DOOR_WORKER, {"source": "6", "channel": "phone"},
                            now)

    [event] = contact.new_events
    assert (event.seq, event.trigger, event.from_stage, event.to_stage) == (
        1, "receive", None, Stage.PASSED_TO_ALLOCATED_WORKER)
    assert contact.stage is Stage.PASSED_TO_ALLOCATED_WORKER
    assert contact.open_case_reference == "FD0000005"
    [decision] = [c for c in contact.started_clocks if c.rule == "contact_decision"]
    assert (decision.result, decision.stopped_at) == (ClockResult.MET, now)
    assert {c.rule for c in contact.open_clocks} <= set(
        STAGES[Stage.PASSED_TO_ALLOCATED_WORKER].timed_by)


# -- the shared machine ----------------------------------------------------------------

def test_the_shared_machine_keeps_no_contact_after_a_thousand_triggers(
        workflow_engine: Engine, now: datetime) -> None:
    contacts = [received_contact(workflow_engine, now) for _ in range(10)]
    for contact in contacts:
        walk_to(OnEngine(workflow_engine, contact, now), Stage.SCREENING)

    for n in range(1000):
        contact = contacts[n % 10]
        workflow_engine.fire(contact, "rate", MASH_CHAIR,
                             payload("rate", now, ("red", "amber", "green")[n % 3]), now)

    assert len(workflow_engine.machine.models) == 0
    assert all(c.event_seq == 102 for c in contacts)


def test_a_contact_joining_the_shared_machine_keeps_its_stored_stage(
        workflow_engine: Engine, now: datetime) -> None:
    """transitions resets a model to the machine's initial state unless told its stage."""
    deep = contact_at(workflow_engine, Stage.CP_PLAN, now)
    fresh = received_contact(workflow_engine, now)

    workflow_engine.fire(fresh, "start_screening", FRONT_DOOR_WORKER, {}, now)
    workflow_engine.fire(deep, "hold_core_group", SOCIAL_WORKER,
                         payload("hold_core_group", now), now)

    assert (deep.stage, fresh.stage) == (Stage.CP_PLAN, Stage.SCREENING)


def test_the_stage_cannot_be_assigned_from_outside_the_engine(now: datetime) -> None:
    contact = Contact(received_at=now, source="6")

    with pytest.raises(AttributeError):
        contact.stage = Stage.CLOSED  # type: ignore[misc]

    assert contact.stage == Stage.RECEIVED


# -- what each role is offered ---------------------------------------------------------

@pytest.mark.parametrize(("stage", "role", "offered"), [
    (Stage.RECEIVED, Role.FRONT_DOOR_WORKER, ["start_screening"]),
    (Stage.SCREENING, Role.FRONT_DOOR_WORKER,
     ["rate", "send_to_mash", "proceed_to_decision", "pass_to_allocated_worker"]),
    (Stage.SCREENING, Role.SOCIAL_WORKER, []),
    (Stage.THRESHOLD_DECISION, Role.FRONT_DOOR_WORKER,
     ["book_mash_discussion", "decide", "pass_to_allocated_worker", "rebook_meeting",
      "cancel_meeting"]),
    (Stage.THRESHOLD_DECISION, Role.TEAM_MANAGER,
     ["book_mash_discussion", "decide", "pass_to_allocated_worker", "rebook_meeting",
      "cancel_meeting", "allocate"]),
    (Stage.AWAITING_SIGNOFF, Role.FRONT_DOOR_WORKER, []),
    (Stage.AWAITING_SIGNOFF, Role.TEAM_MANAGER, ["sign_off", "return_decision", "allocate"]),
    (Stage.STRATEGY_DISCUSSION, Role.SOCIAL_WORKER,
     ["give_referrer_feedback", "hold_strategy_discussion", "start_section_47",
      "continue_under_s17", "record_handover"]),
    (Stage.STRATEGY_DISCUSSION, Role.FRONT_DOOR_WORKER, ["give_referrer_feedback"]),
    (Stage.ASSESSMENT, Role.TEAM_MANAGER,
     ["give_referrer_feedback", "hold_strategy_discussion", "start_section_47",
      "record_visit", "submit_assessment", "return_assessment", "complete_assessment",
      "record_handover", "allocate"]),
    (Stage.CLOSED, Role.SOCIAL_WORKER, ["give_referrer_feedback"]),
])
def test_each_role_is_offered_only_the_actions_it_may_take_at_each_stage(
        workflow_engine: Engine, now: datetime, stage: Stage, role: Role,
        offered: list[str]) -> None:
    """Listed area by area, each area's actions in the order a worker takes them."""
    contact = contact_at(workflow_engine, stage, now)

    assert [a.name for a in workflow_engine.permitted(contact, role)] == offered


@pytest.mark.parametrize(("offered_in", "offered"), [
    ("contact", ["rate", "book_mash_discussion", "complete_information_gathering",
                 "pass_to_allocated_worker", "rebook_meeting", "cancel_meeting"]),
    ("requests", ["request_information", "chase_request", "withdraw_request"]),
    ("meeting", []),
])
def test_each_part_of_the_page_offers_only_its_own_actions(
        workflow_engine: Engine, now: datetime, offered_in: str, offered: list[str]) -> None:
    contact = contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)

    names = [a.name for a in workflow_engine.permitted(contact, Role.FRONT_DOOR_WORKER,
                                                       offered_in)]

    assert names == offered


@pytest.mark.parametrize("stage", list(Stage), ids=lambda s: s.value)
def test_partners_are_offered_nothing_that_moves_a_contact_and_administrators_nothing(
        workflow_engine: Engine, now: datetime, stage: Stage) -> None:
    contact = contact_at(workflow_engine, stage, now)

    offered = workflow_engine.permitted(contact, Role.PARTNER)

    assert all(row.internal for a in offered for row in a.rows if stage in row.sources
               if Role.PARTNER in row.roles)
    assert [a.name for a in offered] == (["answer_request"]
                                         if stage is Stage.INFORMATION_GATHERING else [])
    assert workflow_engine.permitted(contact, Role.ADMINISTRATOR) == []
