"""A manager's comment on agreeing or returning work, as the payload takes it.

Returning needs one (the worker must know what to change: "Say what needs to change");
signing off and authorising take one if the manager has something to say. Either way
the comment is what the event records, and input no database can store, or too much of
it, is a field message with nothing recorded.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.builders import (
    OTHER_TEAM_MANAGER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    contact_at,
    payload,
    snapshot,
)
from workflow.contact import Contact
from workflow.decision.records import DecisionStatus
from workflow.engine.engine import Engine
from workflow.errors import GuardFailed, InvalidInput
from workflow.stages import Stage


def _awaiting_signoff(engine: Engine, now: datetime) -> Contact:
    contact = contact_at(engine, Stage.AWAITING_SIGNOFF, now)
    assert contact.stage is Stage.AWAITING_SIGNOFF
    return contact


@pytest.mark.parametrize("said", ["", "   \n "])
def test_returning_a_decision_without_saying_what_to_change_is_refused_at_the_comment(
        workflow_engine: Engine, now: datetime, said: str) -> None:
    contact = _awaiting_signoff(workflow_engine, now)
    before = snapshot(contact)

    with pytest.raises(GuardFailed) as refused:
        workflow_engine.fire(contact, "return_decision", OTHER_TEAM_MANAGER,
                             {"reason": said}, now)

    assert refused.value.errors == {"reason": "Say what needs to change."}
    assert snapshot(contact) == before


def test_returning_an_assessment_without_saying_what_to_change_is_refused(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, now)
    workflow_engine.fire(contact, "submit_assessment", SOCIAL_WORKER,
                         payload("submit_assessment", now), now)

    with pytest.raises(GuardFailed) as refused:
        workflow_engine.fire(contact, "return_assessment", TEAM_MANAGER, {}, now)

    assert refused.value.field == "reason"
    assert refused.value.message == "Say what needs to change."


def test_the_returns_comment_is_recorded_on_the_event_and_the_decision(
        workflow_engine: Engine, now: datetime) -> None:
    contact = _awaiting_signoff(workflow_engine, now)

    fired = workflow_engine.fire(contact, "return_decision", OTHER_TEAM_MANAGER,
                                 {"reason": "  Weigh the school's attendance report  "}, now)

    assert fired.event.payload == {"reason": "Weigh the school's attendance report"}
    returned = contact.decision
    assert contact.stage is Stage.THRESHOLD_DECISION
    assert returned is not None and returned.status is DecisionStatus.RETURNED
    assert (returned.returned_by, returned.return_reason) == (
        OTHER_TEAM_MANAGER.username, "Weigh the school's attendance report")


def test_a_sign_off_comment_is_optional_and_recorded_when_given(
        workflow_engine: Engine, now: datetime) -> None:
    quiet, said = (_awaiting_signoff(workflow_engine, now) for _ in range(2))

    silent = workflow_engine.fire(quiet, "sign_off", OTHER_TEAM_MANAGER, {}, now)
    commented = workflow_engine.fire(said, "sign_off", OTHER_TEAM_MANAGER,
                                     {"comment": "Agreed: universal services will do"}, now)

    assert "comment" not in silent.event.payload
    assert commented.event.payload["comment"] == "Agreed: universal services will do"


@pytest.mark.parametrize(("action", "field", "value", "message"), [
    ("sign_off", "comment", "Agreed\x00", "Remove the NUL character: it cannot be stored"),
    ("sign_off", "comment", "x" * 5001, "Write no more than 5,000 characters"),
    ("sign_off", "comment", 42, "Not a valid string."),
    ("return_decision", "reason", "Look again\x00", "Remove the NUL character"),
    ("return_decision", "reason", "x" * 5001, "Write no more than 5,000 characters"),
    ("return_decision", "reason", ["a", "list"], "Not a valid string."),
])
def test_a_comment_that_cannot_be_stored_is_a_field_message_and_nothing_is_recorded(
        workflow_engine: Engine, now: datetime, action: str, field: str, value: object,
        message: str) -> None:
    contact = _awaiting_signoff(workflow_engine, now)
    before = snapshot(contact)

    with pytest.raises(InvalidInput) as refused:
        workflow_engine.fire(contact, action, OTHER_TEAM_MANAGER, {field: value}, now)

    assert list(refused.value.errors) == [field]
    assert refused.value.errors[field].startswith(message)
    assert snapshot(contact) == before
