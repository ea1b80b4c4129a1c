"""A page offers only what would not be refused whatever was typed (deny by default): a
rule that reads only the contact's records (open requests, where the assessment is, what
the strategy discussion decided) hides the action while it fails. Fired anyway (an old
page, the API), the action is still refused with the rule's own words."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.builders import FRONT_DOOR_WORKER, SOCIAL_WORKER, TEAM_MANAGER, contact_at, payload
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import GuardFailed
from workflow.roles import Actor
from workflow.stages import Stage

WAYS_OUT = {"complete_information_gathering", "pass_to_allocated_worker"}
QUESTION = {"agency": "police", "question": "Any call-outs to the address?",
            "lawful_basis": "public_task", "authorised_by": "Team manager"}
AUTHORISING = {"complete_assessment", "return_assessment"}
AFTER_DISCUSSION = {"start_section_47", "continue_under_s17", "strategy_no_further_action"}


def _offered(engine: Engine, contact: Contact, who: Actor, now: datetime) -> set[str]:
    return {a.name for a in engine.offered(contact, who, now)}


# -- information gathering -----------------------------------------------------------
def test_the_ways_out_are_offered_once_no_request_is_open(
        workflow_engine: Engine, now: datetime) -> None:
    gathering = contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)

    assert _offered(workflow_engine, gathering, FRONT_DOOR_WORKER, now) >= WAYS_OUT


def test_an_open_request_hides_the_ways_out_and_still_refuses_them(
        workflow_engine: Engine, now: datetime) -> None:
    gathering = contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)
    workflow_engine.fire(gathering, "request_information", FRONT_DOOR_WORKER, QUESTION, now)

    offered = _offered(workflow_engine, gathering, FRONT_DOOR_WORKER, now)

    assert not WAYS_OUT & offered
    assert "request_information" in offered  # asking another agency is still offered
    with pytest.raises(GuardFailed) as refused:
        workflow_engine.fire(gathering, "complete_information_gathering", FRONT_DOOR_WORKER,
                             {}, now)
    assert refused.value.field == "requests"


# -- the assessment --------------------------------------------------------------------
def test_a_manager_is_offered_authorising_only_once_the_assessment_is_submitted(
        workflow_engine: Engine, now: datetime) -> None:
    assessing = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    before = _offered(workflow_engine, assessing, TEAM_MANAGER, now)
    workflow_engine.fire(assessing, "submit_assessment", SOCIAL_WORKER,
                         payload("submit_assessment", now), now)

    after = _offered(workflow_engine, assessing, TEAM_MANAGER, now)

    assert not AUTHORISING & before and "submit_assessment" in before
    assert after >= AUTHORISING and "submit_assessment" not in after


def test_authorising_an_unsubmitted_assessment_is_still_refused_in_words(
        workflow_engine: Engine, now: datetime) -> None:
    assessing = contact_at(workflow_engine, Stage.ASSESSMENT, now)

    with pytest.raises(GuardFailed) as refused:
        workflow_engine.fire(assessing, "complete_assessment", TEAM_MANAGER,
                             payload("complete_assessment", now, "no_further_action"), now)
    assert "has not been submitted" in refused.value.message


# -- the strategy discussion -----------------------------------------------------------
def test_what_follows_a_strategy_discussion_is_offered_once_it_decided_that(
        workflow_engine: Engine, now: datetime) -> None:
    discussing = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)
    before = _offered(workflow_engine, discussing, TEAM_MANAGER, now)
    workflow_engine.fire(discussing, "hold_strategy_discussion", SOCIAL_WORKER,
                         payload("hold_strategy_discussion", now), now)  # decided: s47

    after = _offered(workflow_engine, discussing, TEAM_MANAGER, now)

    assert not AFTER_DISCUSSION & before and "hold_strategy_discussion" in before
    assert AFTER_DISCUSSION & after == {"start_section_47"}
