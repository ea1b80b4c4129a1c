"""Withdraw one open information request, with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.engine.action import Action, Fired, Narration, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import REASON_GIVEN
from workflow.mash.guards import REQUEST_NAMED, REQUEST_OPEN, named_request
from workflow.roles import FRONT_DOOR
from workflow.stages import Stage


@dataclass(frozen=True)
class Withdrawal(Payload):
    request_id: int | None = ask("Request", Kind.ID)
    reason: str = ask("Reason")


def _withdraw(fired: Fired[Withdrawal]) -> None:
    request = named_request(fired.ctx)
    assert request is not None  # REQUEST_NAMED passed
    fired.contact.put(request.withdrawn(fired.ctx.actor.username, fired.ctx.now,
                                        fired.payload.reason))


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    agency = n.request_agency(int(p.get("request_id") or 0))
    return Told("Request", f"Request to {agency} withdrawn", n.reason)


ACTION: Action[Withdrawal] = Action(
    name="withdraw_request", order=30, label="Withdraw an information request", payload=Withdrawal,
    offered_in=("requests",),
    rows=(row((Stage.INFORMATION_GATHERING,), None, FRONT_DOOR,
              guards=(REQUEST_NAMED, REQUEST_OPEN, REASON_GIVEN)),),
    narrate=_told,
    effect=_withdraw,
)
