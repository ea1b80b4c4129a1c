"""While a partner agency's answer is outstanding, a page does not offer the ways out of
information gathering: the rule that refuses them reads only the contact's open requests,
so nothing the worker could type would let them through (deny by default)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.builders import FRONT_DOOR_WORKER, contact_at
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import GuardFailed
from workflow.stages import Stage

WAYS_OUT = {"complete_information_gathering", "pass_to_allocated_worker"}
QUESTION = {"agency": "police", "question": "Any call-outs to the address?",
            "lawful_basis": "public_task", "authorised_by": "Team manager"}


def _offered(engine: Engine, contact: Contact, now: datetime) -> set[str]:
    return {a.name for a in engine.offered(contact, FRONT_DOOR_WORKER, now)}


def test_the_ways_out_are_offered_once_no_request_is_open(
        workflow_engine: Engine, now: datetime) -> None:
    gathering = contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)

    assert _offered(workflow_engine, gathering, now) >= WAYS_OUT


def test_an_open_request_hides_the_ways_out_and_still_refuses_them(
        workflow_engine: Engine, now: datetime) -> None:
    gathering = contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)
    workflow_engine.fire(gathering, "request_information", FRONT_DOOR_WORKER, QUESTION, now)

    offered = _offered(workflow_engine, gathering, now)

    assert not WAYS_OUT & offered
    assert "request_information" in offered  # asking another agency is still offered
    with pytest.raises(GuardFailed) as refused:
        workflow_engine.fire(gathering, "complete_information_gathering", FRONT_DOOR_WORKER,
                             {}, now)
    assert refused.value.field == "requests"
