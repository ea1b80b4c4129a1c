"""A manager returns an override to its author, saying what needs to change; the worker
decides again and the returned decision stays in the history."""

from __future__ import annotations

from workflow.engine.action import Action, Fired, row
from workflow.engine.rules import CHANGE_SAID, Returned
from workflow.roles import MANAGERS
from workflow.stages import Stage


def _return(fired: Fired[Returned]) -> None:
    decision = fired.contact.decision
    if decision is not None and decision.awaiting_signoff:
        fired.contact.put(decision.returned(fired.ctx.actor.username, fired.ctx.now,
                                            fired.payload.reason))


ACTION: Action[Returned] = Action(
    name="return_decision", order=30, label="Return the decision to the worker", payload=Returned,
    rows=(row((Stage.AWAITING_SIGNOFF,), Stage.THRESHOLD_DECISION, MANAGERS,
              guards=(CHANGE_SAID,)),),
    effect=_return,
)
