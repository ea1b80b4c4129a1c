"""Chase an open information request (the event is the log of the chase)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.engine.action import Action, Fired, Narration, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.mash.guards import REQUEST_NAMED, REQUEST_OPEN, named_request
from workflow.roles import FRONT_DOOR
from workflow.stages import Stage


@dataclass(frozen=True)
class Chase(Payload):
    request_id: int | None = ask("Request", Kind.ID)


def _chase(fired: Fired[Chase]) -> None:
    request = named_request(fired.ctx)
    assert request is not None  # REQUEST_NAMED passed
    fired.contact.put(request.chased(fired.ctx.now))


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    agency = n.request_agency(int(p.get("request_id") or 0))
    return Told("Request", f"Request to {agency} chased", n.reason)


ACTION: Action[Chase] = Action(
    name="chase_request", order=20, label="Chase an overdue information request", payload=Chase,
    offered_in=("requests",),
    rows=(row((Stage.INFORMATION_GATHERING,), None, FRONT_DOOR,
              guards=(REQUEST_NAMED, REQUEST_OPEN)),),
    narrate=_told,
    effect=_chase,
)
