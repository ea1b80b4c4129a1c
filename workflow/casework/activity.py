"""What the casework actions timed by the practice standards share: recording a plan
written, a child in need review, a supervision or a hand-over meeting as one dated
``CaseActivity`` with a note.

Each action names its own payload (its labels are its own); each keeps the date in a
field called ``held_at`` so the engine stops the standard's clock at the date given, not
at the moment it was typed (a supervision written up the next morning still counts on its
own day).
"""

from __future__ import annotations

from typing import Any

from workflow.casework.records import ActivityKind, CaseActivity
from workflow.engine.action import Fired, Guard
from workflow.engine.rules import dated, needs_text


def record(fired: Fired[Any], kind: ActivityKind) -> None:
    """Append the activity, dated as given (or now), with its note."""
    p = fired.payload
    fired.contact.put(CaseActivity(kind=kind, happened_at=p.held_at or fired.ctx.now,
                                   by=fired.ctx.actor.username, event_seq=fired.event.seq,
                                   note=p.note.strip()))


def guards(what: str, note_needed: str) -> tuple[Guard[Any], ...]:
    """A date given, not in the future nor before the referral, and the note written."""
    return (dated("held_at", what), needs_text("note", note_needed))
