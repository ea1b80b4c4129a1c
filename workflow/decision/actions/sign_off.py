"""A manager signs off an override: a decision below the recommended level is in force only
once a manager other than its author agrees, because stepping a child down is where harm
is missed (levels of need, DOMAIN.md §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow.decision.outcomes import EARLY_HELP, NO_FURTHER_ACTION
from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, Selector, row
from workflow.engine.payload import Payload, ask
from workflow.roles import MANAGERS
from workflow.stages import Stage


@dataclass(frozen=True)
class SignOff(Payload):
    comment: str = ask("Comment (optional)", hint="Shown on the timeline with the sign-off.")


def pending_outcome_in(*outcomes: str) -> Selector[Any]:
    def test(ctx: Ctx[SignOff]) -> bool:
        decision = ctx.contact.decision
        return decision is not None and decision.awaiting_signoff and decision.outcome in outcomes

    return Selector(f"pending_outcome_is_{outcomes[0]}", test)


def _not_author(ctx: Ctx[SignOff]) -> Failure:
    decision = ctx.contact.decision
    if decision is not None and decision.decided_by == ctx.actor.username:
        return "actor", "the override must be signed off by a different manager from its author"
    return None


NOT_AUTHOR: Guard[Any] = Guard("signer_is_not_decider", _not_author, before_input=True)


def _sign_off(fired: Fired[SignOff]) -> None:
    decision = fired.contact.decision
    assert decision is not None  # a selector found it awaiting sign-off
    fired.contact.put(decision.signed_off(fired.ctx.actor.username, fired.ctx.now,
                                          fired.payload.comment))


_FROM = (Stage.AWAITING_SIGNOFF,)
ACTION: Action[SignOff] = Action(
    name="sign_off", order=20, label="Sign off the override", payload=SignOff,
    rows=(
        row(_FROM, Stage.CLOSED, MANAGERS, when=(pending_outcome_in(*NO_FURTHER_ACTION),),
            guards=(NOT_AUTHOR,), emits=("decision_made", "contact_closed")),
        row(_FROM, Stage.EARLY_HELP, MANAGERS, when=(pending_outcome_in(*EARLY_HELP),),
            guards=(NOT_AUTHOR,), emits=("decision_made", "stepped_down")),
    ),
    chronology_kind="Decision",
    effect=_sign_off,
    help=("outcome", "the pending decision has no outcome that can be signed off"),
)
