"""The Family Help service returns a transfer it cannot take, saying why: the case goes
back to the person who sent it (and the team it came from), who may send it to another
service, step it up or end it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from workflow.casework.family_help import FOR_THE_SERVICE, TRANSFER_WAITING, TransferStatus
from workflow.engine.action import Action, Fired, Narration, Told, row
from workflow.engine.rules import REASON_GIVEN, Reason
from workflow.roles import FAMILY_HELP
from workflow.stages import Stage


def _return(fired: Fired[Reason]) -> None:
    contact, ctx = fired.contact, fired.ctx
    handover = contact.step_down
    assert handover is not None  # TRANSFER_WAITING held
    contact.put(replace(handover, status=TransferStatus.RETURNED, answered_by=ctx.actor.username,
                        answered_at=ctx.now, return_reason=fired.payload.reason.strip()))
    contact.team, contact.worker = handover.from_team, handover.by


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    return Told("Decision", "The Family Help service returned the transfer to its sender",
                n.reason)


ACTION: Action[Reason] = Action(
    name="return_transfer", order=143, label="Return the transfer to its sender",
    payload=Reason,
    rows=(row((Stage.EARLY_HELP,), None, FAMILY_HELP,
              guards=(TRANSFER_WAITING, FOR_THE_SERVICE, REASON_GIVEN)),),
    effect=_return, narrate=_told,
)
