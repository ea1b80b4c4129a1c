"""Strategy discussions in the engine: the agency grid, reasons, outcomes and what follows.

Who must take part is configuration ([strategy] in settings.toml), so some tests build an
engine with a council's own list; the rest use the real config (LA social worker, police
and health required, education expected).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from tests.builders import (
    FRONT_DOOR_WORKER,
    MASH_CHAIR,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    contact_at,
    open_rules,
    payload,
    snapshot,
)
from workflow.casework.config import CaseworkConfig, GridAgency
from workflow.casework.records import AssessmentStatus, Participation, StrategyDiscussion
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput, NotPermitted
from workflow.roles import Actor
from workflow.rules import Rules
from workflow.stages import Stage

GRID = {"la_social_worker": "attended", "police": "attended", "health": "written",
        "education": "written"}


def _hold(engine: Engine, contact: Contact, now: datetime, variant: str | None = None,
          who: Actor = SOCIAL_WORKER, **overrides: object) -> None:
    engine.fire(contact, "hold_strategy_discussion", who,
                payload("hold_strategy_discussion", now, variant, **overrides), now)


def _discussion(contact: Contact) -> StrategyDiscussion:
    found = contact.discussion
    assert found is not None, "no strategy discussion is recorded"
    return found


def _held(contact: Contact) -> list[int]:
    """The event numbers of every strategy discussion recorded on the contact."""
    return [e.seq for e in contact.new_events if e.trigger == "hold_strategy_discussion"]


def _refusal(engine: Engine, contact: Contact, trigger: str, who: Actor,
             data: dict[str, object], now: datetime) -> FrontDoorError:
    before = snapshot(contact)
    with pytest.raises(FrontDoorError) as caught:
        engine.fire(contact, trigger, who, data, now)
    assert snapshot(contact) == before, "a refusal must change nothing"
    return caught.value


def _hold_refused(engine: Engine, contact: Contact, now: datetime,
                  **overrides: object) -> GuardFailed:
    data = payload("hold_strategy_discussion", now, **overrides)
    refusal = _refusal(engine, contact, "hold_strategy_discussion", SOCIAL_WORKER, data, now)
    assert isinstance(refusal, GuardFailed)
    return refusal


@pytest.fixture
def discussing(workflow_engine: Engine, now: datetime) -> Contact:
    return contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)


# -- the agency grid -----------------------------------------------------------------------

def test_a_discussion_with_every_required_agency_contributing_is_recorded_in_stage(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    _hold(workflow_engine, discussing, now, participation=GRID)

    assert discussing.stage == Stage.STRATEGY_DISCUSSION
    [event] = [e for e in discussing.new_events if e.trigger == "hold_strategy_discussion"]
    assert event.payload["participation"] == GRID
    assert event.payload["chair"] == "team.manager"
    discussion = _discussion(discussing)
    assert (discussion.event_seq, discussion.chair, discussion.held_at) == (
        event.seq, "team.manager", now)
    assert (discussion.outcome, discussion.pending_outcome) == ("section_47", "section_47")
    assert discussion.participation == (
        Participation("la_social_worker", "attended"), Participation("police", "attended"),
        Participation("health", "written"), Participation("education", "written"))
    assert discussion.recorded_by == SOCIAL_WORKER.username


def test_the_local_authority_and_education_must_be_stated_even_when_police_and_health_are(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    refusal = _hold_refused(workflow_engine, discussing, now,
                            participation={"police": "attended", "health": "attended"})

    assert refusal.field == "participation"
    assert refusal.message.startswith("Record whether Local authority children's social care")
    assert "Education" in refusal.message


def test_health_not_contributing_needs_a_reason_and_its_own_reason_is_enough(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    grid = GRID | {"health": "invited_no_contribution"}
    refusal = _hold_refused(workflow_engine, discussing, now, participation=grid)
    assert (refusal.guard, refusal.field) == ("police_and_health_or_reason", "absence_reason")
    assert refusal.message.startswith("Health services")

    _hold(workflow_engine, discussing, now, participation=grid,
          participation_reasons={"health": "GP surgery closed; asked for a written report"})

    assert len(_held(discussing)) == 1
    assert Participation("health", "invited_no_contribution",
                         "GP surgery closed; asked for a written report") in _discussion(
        discussing).participation


def test_police_absent_with_only_a_general_absence_reason_is_accepted(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    _hold(workflow_engine, discussing, now, participation=GRID | {"police": "not_invited"},
          absence_reason="Police not on call; the officer in the case was briefed after")

    assert len(_held(discussing)) == 1
    assert _discussion(discussing).absence_reason == ("Police not on call; the officer in the "
                                                      "case was briefed after")


def test_an_expected_agency_not_invited_needs_its_own_reason(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    refusal = _hold_refused(workflow_engine, discussing, now,
                            participation=GRID | {"education": "not_invited"},
                            absence_reason="Reasons given for the required agencies")

    assert refusal.field == "participation_reason_education"
    assert refusal.message == "Education (schools, colleges, early years) was not invited: " \
                              "record why."


def test_an_optional_agency_invited_that_did_not_contribute_needs_its_reason(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    refusal = _hold_refused(workflow_engine, discussing, now,
                            participation=GRID | {"housing": "invited_no_contribution"})

    assert refusal.field == "participation_reason_housing"


def test_an_unknown_agency_is_refused(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    refusal = _hold_refused(workflow_engine, discussing, now,
                            participation=GRID | {"social_club": "attended"})

    assert refusal.field == "participation"
    assert "'social_club' is not an agency" in refusal.message


def test_a_status_that_is_not_on_the_grid_is_refused_at_the_grid(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    data = payload("hold_strategy_discussion", now, participation=GRID | {"police": "invited"})

    refusal = _refusal(workflow_engine, discussing, "hold_strategy_discussion", SOCIAL_WORKER,
                       data, now)

    assert isinstance(refusal, InvalidInput) and refusal.errors.keys() == {"participation"}
    assert refusal.errors["participation"].startswith("Police: ")
    assert "Choose one of: attended, written, invited_no_contribution, not_invited" in (
        refusal.errors["participation"])


def test_who_chaired_it_is_recorded(workflow_engine: Engine, discussing: Contact,
                                    now: datetime) -> None:
    refusal = _hold_refused(workflow_engine, discussing, now, chair="  ")

    assert (refusal.guard, refusal.field) == ("chair_given", "chair")


def test_the_required_agencies_come_from_configuration(
        rules: Rules, now: datetime) -> None:
    """A council that requires police only: health may be absent without any reason."""
    config = CaseworkConfig(agencies=(GridAgency("police", "Police"),
                                      GridAgency("health", "Health")),
                            required=("police",), expected=())
    engine = Engine(replace(rules.engine.config, casework=config))
    contact = contact_at(engine, Stage.STRATEGY_DISCUSSION, now)

    _hold(engine, contact, now, participation={"police": "attended"})
    refusal = _refusal(engine, contact, "hold_strategy_discussion", SOCIAL_WORKER,
                       payload("hold_strategy_discussion", now,
                               participation={"police": "not_invited"}), now)

    assert len(_held(contact)) == 1
    assert _discussion(contact).participation == (Participation("police", "attended"),)
    assert isinstance(refusal, GuardFailed) and refusal.message.startswith("Police did not")


# -- the outcome ---------------------------------------------------------------------------

def test_deciding_section_47_without_a_reasonable_cause_is_refused(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    refusal = _hold_refused(workflow_engine, discussing, now, reasonable_cause="")

    assert refusal.field == "reasonable_cause"
    assert "Haringey" in refusal.message


def test_a_discussion_must_say_what_it_decided(workflow_engine: Engine, discussing: Contact,
                                               now: datetime) -> None:
    unknown = _refusal(workflow_engine, discussing, "hold_strategy_discussion", SOCIAL_WORKER,
                       payload("hold_strategy_discussion", now, outcome="wait_and_see"), now)
    missing = _hold_refused(workflow_engine, discussing, now, outcome=None)

    assert isinstance(unknown, InvalidInput) and unknown.errors.keys() == {"outcome"}
    assert (missing.guard, missing.field) == ("strategy_outcome_given", "outcome")
    assert missing.message.startswith("Choose the outcome: section 47 enquiry initiated")


def test_starting_section_47_must_follow_a_discussion_that_decided_it(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    _hold(workflow_engine, discussing, now, "s17")

    refusal = _refusal(workflow_engine, discussing, "start_section_47", SOCIAL_WORKER,
                       payload("start_section_47", now), now)

    assert isinstance(refusal, GuardFailed)
    assert refusal.guard == "discussion_decided_section_47"
    assert "continue the assessment under section 17" in refusal.message


def test_continuing_under_section_17_starts_the_child_seen_clock(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    _hold(workflow_engine, discussing, now, "s17")

    workflow_engine.fire(discussing, "continue_under_s17", SOCIAL_WORKER,
                         payload("continue_under_s17", now), now)

    assert discussing.stage == Stage.ASSESSMENT
    assert {"assessment", "assessment_dfe", "child_seen_s17"} <= open_rules(discussing)
    discussion = _discussion(discussing)
    assert discussion.carried_out and discussion.pending_outcome is None


def test_no_further_action_after_the_discussion_closes_the_referral_as_nfa(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    _hold(workflow_engine, discussing, now, "no_further_action")

    workflow_engine.fire(discussing, "strategy_no_further_action", TEAM_MANAGER,
                         payload("strategy_no_further_action", now), now)

    assessment = discussing.assessment
    assert discussing.stage == Stage.CLOSED
    assert discussing.referral_nfa is True
    assert discussing.closure_reason == "RC7"
    assert assessment is not None and assessment.status is AssessmentStatus.CLOSED
    assert _discussion(discussing).carried_out
    assert not open_rules(discussing) & {"assessment", "assessment_dfe"}


@pytest.mark.parametrize("who", [SOCIAL_WORKER, FRONT_DOOR_WORKER], ids=lambda a: a.username)
def test_only_a_manager_or_the_mash_chair_closes_a_strategy_referral_with_nfa(
        workflow_engine: Engine, discussing: Contact, now: datetime, who: Actor) -> None:
    _hold(workflow_engine, discussing, now, "no_further_action")

    refusal = _refusal(workflow_engine, discussing, "strategy_no_further_action", who,
                       payload("strategy_no_further_action", now), now)

    assert isinstance(refusal, NotPermitted)
    workflow_engine.fire(discussing, "strategy_no_further_action", MASH_CHAIR,
                         payload("strategy_no_further_action", now), now)


def test_nfa_must_follow_a_discussion_that_decided_it(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    _hold(workflow_engine, discussing, now)  # decided section 47

    refusal = _refusal(workflow_engine, discussing, "strategy_no_further_action",
                       TEAM_MANAGER, payload("strategy_no_further_action", now), now)

    assert isinstance(refusal, GuardFailed)
    assert refusal.guard == "discussion_decided_no_further_action"


# -- several discussions, one initiating -------------------------------------------------

def test_a_later_discussion_replaces_the_outcome_waiting_to_be_carried_out(
        workflow_engine: Engine, discussing: Contact, now: datetime) -> None:
    _hold(workflow_engine, discussing, now - timedelta(minutes=30), "s17")
    _hold(workflow_engine, discussing, now)

    workflow_engine.fire(discussing, "start_section_47", SOCIAL_WORKER,
                         payload("start_section_47", now), now)

    enquiry, assessment, discussion = (discussing.enquiry, discussing.assessment,
                                       _discussion(discussing))
    assert discussing.stage == Stage.SECTION_47
    assert len(_held(discussing)) == 2 and discussion.event_seq == _held(discussing)[-1]
    assert discussion.initiating and discussion.carried_out
    assert enquiry is not None and enquiry.is_open and enquiry.started_at == now
    assert assessment is not None and assessment.kind == "s47"


def test_a_discussion_during_an_assessment_can_start_section_47_through_it(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    _hold(workflow_engine, contact, now)

    workflow_engine.fire(contact, "start_section_47", SOCIAL_WORKER,
                         payload("start_section_47", now), now)

    assert contact.stage == Stage.SECTION_47
    assert {"assessment", "icpc", "child_seen_s47"} <= open_rules(contact)


def test_a_discussion_reconvened_during_the_enquiry_can_only_continue_it(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, now)

    refusal = _hold_refused(workflow_engine, contact, now, outcome="no_further_action")
    _hold(workflow_engine, contact, now, reasonable_cause="")  # no new basis needed

    discussion = _discussion(contact)
    assert refusal.field == "outcome"
    assert len(_held(contact)) == 2
    assert discussion.stage == Stage.SECTION_47.value
    assert discussion.carried_out and discussion.pending_outcome is None
    assert not discussion.initiating
