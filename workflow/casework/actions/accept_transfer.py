"""The Family Help service accepts the family handed over to it: the named lead
practitioner now holds the case (time to acceptance is a Family Help quality measure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from workflow.casework.family_help import FOR_THE_SERVICE, TRANSFER_WAITING, TransferStatus
from workflow.engine.action import Action, Fired, Narration, Told, row
from workflow.engine.payload import Payload
from workflow.roles import FAMILY_HELP
from workflow.stages import Stage


def _accept(fired: Fired[Payload]) -> None:
    handover, ctx = fired.contact.step_down, fired.ctx
    assert handover is not None  # TRANSFER_WAITING held
    fired.contact.put(replace(handover, status=TransferStatus.ACCEPTED,
                              answered_by=ctx.actor.username, answered_at=ctx.now))


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    return Told("Decision", "The Family Help service accepted the family", n.reason)


ACTION: Action[Payload] = Action(
    name="accept_transfer", order=142, label="Accept the family into Family Help",
    payload=Payload,
    rows=(row((Stage.EARLY_HELP,), None, FAMILY_HELP,
              guards=(TRANSFER_WAITING, FOR_THE_SERVICE)),),
    effect=_accept, narrate=_told,
)
