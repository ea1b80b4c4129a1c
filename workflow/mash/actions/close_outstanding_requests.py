"""A manager closes every open request of a contact, with a reason, so the decision is not
held up by an agency that will not answer (the agency's record shows it)."""

from __future__ import annotations

from typing import Any

from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.rules import REASON_GIVEN, Reason
from workflow.roles import MANAGERS
from workflow.stages import Stage


def _some_open(ctx: Ctx[Any]) -> Failure:
    if ctx.contact.open_requests:
        return None
    return "requests", "there are no outstanding information requests to close"


def _close_all(fired: Fired[Reason]) -> None:
    for request in fired.contact.open_requests:
        fired.contact.put(request.withdrawn(fired.ctx.actor.username, fired.ctx.now,
                                            fired.payload.reason))


ACTION: Action[Reason] = Action(
    name="close_outstanding_requests", order=40, label="Close the outstanding information requests",
    payload=Reason, offered_in=("requests",),
    rows=(row((Stage.INFORMATION_GATHERING,), None, MANAGERS,
              guards=(Guard("outstanding_requests", _some_open, before_input=True),
                      REASON_GIVEN)),),
    effect=_close_all,
)
