"""A partner answers an information request addressed to their own agency, and no other.

The only action a partner is granted. The partner knows the request, not the contact, so
the action finds its contact from the request; an answer from another agency is refused
without saying anything about the case, and so is one after the enquiry has finished.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.engine.action import Action, Fired, Narration, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import needs_text
from workflow.mash.guards import OWN_AGENCY, REQUEST_NAMED, REQUEST_OPEN, named_request
from workflow.roles import Role
from workflow.stages import Stage


@dataclass(frozen=True)
class Answer(Payload):
    request_id: int | None = ask("Request", Kind.ID)
    answer: str = ask("Your agency's answer", max_length=10000)


def _answer(fired: Fired[Answer]) -> None:
    request = named_request(fired.ctx)
    assert request is not None  # REQUEST_NAMED passed
    fired.contact.put(request.answered(fired.payload.answer, fired.ctx.actor.username,
                                       fired.ctx.now))


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    return Told("Agency response", f"{n.request_agency(int(p.get('request_id') or 0))} answered",
                str(p.get("answer", "")))


ACTION: Action[Answer] = Action(
    name="answer_request", order=50, label="Answer an information request", payload=Answer,
    offered_in=("inbox",), locate="request_id",
    wrong_stage="This request can no longer be answered: the enquiry it belongs to has "
                "finished. Nothing was saved.",
    rows=(row((Stage.INFORMATION_GATHERING,), None, {Role.PARTNER}, guards=(
        REQUEST_NAMED, OWN_AGENCY, REQUEST_OPEN,
        needs_text("answer", "write the agency's answer"))),),
    effect=_answer, narrate=_told,
)
