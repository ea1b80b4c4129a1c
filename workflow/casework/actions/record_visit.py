"""Record a visit to the child: when, whether the child was seen, and seen alone.

A visit with the child seen stops the child-seen clock (24 hours on a child protection
enquiry, a few working days on a child in need assessment: local values).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.casework.records import Visit
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import dated, payload_is
from workflow.roles import CASEWORK
from workflow.stages import ASSESSING


@dataclass(frozen=True)
class VisitDetails(Payload):
    visited_at: datetime | None = ask("Date and time of visit", Kind.DATETIME)
    child_seen: bool | None = ask("Was the child seen?", Kind.YES_NO)
    seen_alone: bool | None = ask("Was the child seen alone?", Kind.YES_NO)


def _record(fired: Fired[VisitDetails]) -> None:
    p = fired.payload
    fired.contact.put(Visit(event_seq=fired.event.seq, visited_at=p.visited_at or fired.ctx.now,
                            child_seen=bool(p.child_seen), seen_alone=p.seen_alone,
                            by=fired.ctx.actor.username))


_DATE = dated("visited_at", "of the visit", guard="visit_date_given")
ACTION: Action[VisitDetails] = Action(
    name="record_visit", order=50, label="Record a visit to the child", payload=VisitDetails,
    rows=(
        row(ASSESSING, None, CASEWORK, when=(payload_is("child_seen", True),),
            guards=(_DATE,), emits=("child_seen",)),
        row(ASSESSING, None, CASEWORK, when=(payload_is("child_seen", False),), guards=(_DATE,)),
    ),
    offered_in=("contact", "assessment"),
    effect=_record, help=("child_seen", "say whether the child was seen (yes or no)"),
)
