"""Effects several casework actions share: carrying out a discussion's outcome, and the
record of a step down to early help."""

from __future__ import annotations

from typing import Any

from workflow.casework.records import StepDown
from workflow.engine.action import Fired


def carry_out(fired: Fired[Any]) -> None:
    """The latest strategy discussion's outcome has been acted on."""
    discussion = fired.contact.discussion
    if discussion is not None and not discussion.carried_out:
        fired.contact.put(discussion.carried())


def record_step_down(fired: Fired[Any]) -> None:
    """Step down: the family's agreement, the receiving team and the hand-over date."""
    p = fired.payload
    fired.contact.put(StepDown(
        event_seq=fired.event.seq, consent=str(p.consent), team=p.early_help_team,
        handover_on=p.handover_on, by=fired.ctx.actor.username, at=fired.ctx.now,
        from_stage=str(fired.event.from_stage)))
