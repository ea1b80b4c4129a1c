"""The DfE CIN census rules that are also workflow rules, enforced by the engine.

DOMAIN.md §5: nothing happens before the referral date; no assessment, s47 or plan on a
referral closed with no further action; at most one open assessment and one open s47
per episode; a plan starts on its conference date; no activity after closure. The
census checks these months later (reporting/cin_rules/); the engine refuses them now.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.builders import (
    FRONT_DOOR_WORKER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OnEngine,
    contact_at,
    open_rules,
    payload,
    received_contact,
    snapshot,
    walk_to,
)
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import FrontDoorError, GuardFailed, InvalidTransition
from workflow.roles import Actor, Role
from workflow.stages import Stage

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday
REFERRED = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)  # Wednesday: the referral date
CASEWORK = ("hold_strategy_discussion", "start_section_47", "record_visit",
            "submit_assessment", "complete_assessment", "hold_icpc", "icpc_not_required",
            "hold_core_group", "hold_review_conference", "continue_under_s17")


def _refused(engine: Engine, contact: Contact, trigger: str, who: Actor,
             data: dict[str, object], now: datetime) -> FrontDoorError:
    before = snapshot(contact)
    with pytest.raises(FrontDoorError) as caught:
        engine.fire(contact, trigger, who, data, now)
    assert snapshot(contact) == before
    return caught.value


def _offered(engine: Engine, contact: Contact, role: Role) -> list[str]:
    return [a.name for a in engine.permitted(contact, role)]


def _referred(engine: Engine, stage: Stage) -> Contact:
    """Received Monday, referred on Wednesday, walked to ``stage`` on Wednesday."""
    contact = received_contact(engine, RECEIVED)
    walk_to(OnEngine(engine, contact, REFERRED), stage)
    return contact


# -- nothing before the referral -----------------------------------------------------------

@pytest.mark.parametrize(("stage", "trigger", "field"), [
    (Stage.ASSESSMENT, "record_visit", "visited_at"),
    (Stage.STRATEGY_DISCUSSION, "hold_strategy_discussion", "held_at"),
    (Stage.SECTION_47, "hold_icpc", "held_at"),
    (Stage.CP_PLAN, "hold_core_group", "held_at"),
])
def test_nothing_is_dated_before_the_referral_even_when_after_the_contact(
        workflow_engine: Engine, stage: Stage, trigger: str, field: str) -> None:
    contact = _referred(workflow_engine, stage)
    tuesday = REFERRED - timedelta(days=1)  # after receipt, before the referral
    data = payload(trigger, REFERRED, **{field: tuesday})

    refusal = _refused(workflow_engine, contact, trigger, SOCIAL_WORKER, data,
                       REFERRED + timedelta(hours=1))

    assert isinstance(refusal, GuardFailed)
    assert refusal.field == field
    assert refusal.message.endswith("cannot be before the referral (4 March 2026).")


def test_a_conference_cannot_be_dated_before_the_discussion_that_started_the_enquiry(
        workflow_engine: Engine) -> None:
    contact = received_contact(workflow_engine, RECEIVED)
    walk_to(OnEngine(workflow_engine, contact, RECEIVED + timedelta(hours=1)),
            Stage.STRATEGY_DISCUSSION)
    held = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    workflow_engine.fire(contact, "hold_strategy_discussion", SOCIAL_WORKER,
                         payload("hold_strategy_discussion", held, held_at=held), held)
    workflow_engine.fire(contact, "start_section_47", SOCIAL_WORKER,
                         payload("start_section_47", held), held)

    refusal = _refused(workflow_engine, contact, "hold_icpc", SOCIAL_WORKER,
                       payload("hold_icpc", held, "plan", held_at=held - timedelta(days=1)),
                       held + timedelta(days=3))

    assert isinstance(refusal, GuardFailed)
    assert refusal.guard == "conference_not_before_enquiry"


# -- nothing after no further action ---------------------------------------------------------

@pytest.fixture(params=["decision", "strategy_discussion"])
def nfa(request: pytest.FixtureRequest, workflow_engine: Engine, now: datetime) -> Contact:
    """A referral closed NFA at the decision, or after its strategy discussion."""
    if request.param == "decision":
        return contact_at(workflow_engine, Stage.CLOSED, now)
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)
    for trigger, who, variant in (("hold_strategy_discussion", SOCIAL_WORKER,
                                   "no_further_action"),
                                  ("strategy_no_further_action", TEAM_MANAGER, None)):
        workflow_engine.fire(contact, trigger, who,
                             payload(trigger, now, variant), now)
    return contact


@pytest.mark.parametrize("trigger", ["start_section_47", "record_visit", "submit_assessment",
                                     "hold_icpc", "complete_assessment", "decide"])
def test_no_assessment_section_47_or_plan_follows_a_no_further_action_decision(
        workflow_engine: Engine, nfa: Contact, now: datetime, trigger: str) -> None:
    refusal = _refused(workflow_engine, nfa, trigger, TEAM_MANAGER, payload(trigger, now), now)

    assert isinstance(refusal, InvalidTransition)
    assert nfa.stage == Stage.CLOSED


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.MASH_CHAIR,
                                  Role.FRONT_DOOR_WORKER])
def test_after_closure_only_feedback_to_the_referrer_can_be_recorded(
        workflow_engine: Engine, nfa: Contact, role: Role) -> None:
    assert _offered(workflow_engine, nfa, role) in ([], ["give_referrer_feedback"])


@pytest.mark.parametrize("variant", ["early_help", "no_further_action"])
def test_no_casework_after_an_assessment_closes_the_case(
        workflow_engine: Engine, now: datetime, variant: str) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    workflow_engine.fire(contact, "record_visit", SOCIAL_WORKER,
                         payload("record_visit", now, "seen"), now)
    workflow_engine.fire(contact, "submit_assessment", SOCIAL_WORKER,
                         payload("submit_assessment", now), now)
    workflow_engine.fire(contact, "complete_assessment", TEAM_MANAGER,
                         payload("complete_assessment", now, variant), now)

    offered = {t for role in Role for t in _offered(workflow_engine, contact, role)}

    assert not offered & set(CASEWORK)


# -- one at a time -------------------------------------------------------------------------------

def test_an_enquiry_started_during_an_assessment_is_carried_out_through_it(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    for trigger in ("hold_strategy_discussion", "start_section_47"):
        workflow_engine.fire(contact, trigger, SOCIAL_WORKER,
                             payload(trigger, now), now)

    assessments = [c for c in contact.open_clocks if c.rule == "assessment"]

    enquiry, assessment = contact.enquiry, contact.assessment
    assert len(assessments) == 1 and "icpc" in open_rules(contact)
    assert enquiry is not None and enquiry.is_open
    assert assessment is not None and assessment.kind == "s47" and assessment.current
    assert assessment.started_at == contact.referral_at


def test_no_second_enquiry_starts_while_one_is_open(workflow_engine: Engine,
                                                    now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, now)
    workflow_engine.fire(contact, "hold_strategy_discussion", SOCIAL_WORKER,
                         payload("hold_strategy_discussion", now), now)

    refusal = _refused(workflow_engine, contact, "start_section_47", SOCIAL_WORKER,
                       payload("start_section_47", now), now)

    assert isinstance(refusal, InvalidTransition)


def test_after_an_enquiry_a_new_one_needs_a_new_discussion(workflow_engine: Engine,
                                                           now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, now)
    workflow_engine.fire(contact, "icpc_not_required", SOCIAL_WORKER,
                         payload("icpc_not_required", now), now)

    refusal = _refused(workflow_engine, contact, "start_section_47", SOCIAL_WORKER,
                       payload("start_section_47", now), now)

    enquiry = contact.enquiry
    assert contact.stage == Stage.ASSESSMENT
    assert enquiry is not None and not enquiry.is_open
    assert enquiry.not_required_reason == payload("icpc_not_required", now)["reason"]
    assert isinstance(refusal, GuardFailed) and refusal.guard == "strategy_discussion_recorded"


def test_an_assessment_is_submitted_once_until_a_manager_returns_it(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    workflow_engine.fire(contact, "submit_assessment", SOCIAL_WORKER,
                         payload("submit_assessment", now), now)

    refusal = _refused(workflow_engine, contact, "submit_assessment", SOCIAL_WORKER,
                       payload("submit_assessment", now), now)

    assert isinstance(refusal, GuardFailed) and refusal.guard == "assessment_not_submitted"


# -- a plan starts on its conference date --------------------------------------------------------

def test_a_plan_recorded_days_later_starts_on_the_date_of_its_conference(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, now)
    conference = now + timedelta(days=5)

    workflow_engine.fire(contact, "hold_icpc", SOCIAL_WORKER,
                         payload("hold_icpc", conference, "plan"), conference + timedelta(days=3))

    started = {c.rule: c.started_at for c in contact.open_clocks}
    assert contact.stage == Stage.CP_PLAN
    assert started["first_review_conference"] == started["core_group"] == conference
    plan, enquiry = contact.plan, contact.enquiry
    assert plan is not None and (plan.started_at, plan.category) == (conference, "NEG")
    assert enquiry is not None and enquiry.conference_at == conference and enquiry.plan_made


def test_the_front_door_cannot_record_casework(workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)

    offered = set(_offered(workflow_engine, contact, FRONT_DOOR_WORKER.role))

    assert not offered & set(CASEWORK)
