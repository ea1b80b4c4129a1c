"""Effects several casework actions share: carrying out a discussion's outcome, and the
record of a step down to early help."""

from __future__ import annotations

from typing import Any

from workflow.casework.family_help import TransferStatus
from workflow.casework.records import StepDown
from workflow.engine.action import Fired


def carry_out(fired: Fired[Any]) -> None:
    """The latest strategy discussion's outcome has been acted on."""
    discussion = fired.contact.discussion
    if discussion is not None and not discussion.carried_out:
        fired.contact.put(discussion.carried())


def record_step_down(fired: Fired[Any]) -> None:
    """Step down: the family's agreement, the service and lead practitioner receiving the
    family, the hand-over date. The case goes to the service's team and the practitioner
    while the service decides (who sent it, and from which team, is kept for a return)."""
    p, contact, config = fired.payload, fired.contact, fired.ctx.config.family_help
    service = config.get(p.service) if config else None
    contact.put(StepDown(
        event_seq=fired.event.seq, consent=str(p.consent),
        team=service.name if service else str(p.service), handover_on=p.handover_on,
        by=fired.ctx.actor.username, at=fired.ctx.now, from_stage=str(fired.event.from_stage),
        service=p.service, practitioner=p.practitioner, from_team=contact.team,
        status=TransferStatus.OFFERED))
    contact.team = service.team if service else contact.team
    contact.worker = p.practitioner
