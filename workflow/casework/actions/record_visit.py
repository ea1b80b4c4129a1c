"""Record a visit to the child: when, whether the child was seen, and seen alone.

A visit with the child seen stops the child-seen clock (24 hours on a child protection
enquiry, a few working days on a child in need assessment: local values). On a plan it
meets the visiting practice standard and starts the next interval from the visit's own
date (config/practice_standards.toml). A child seen but not alone needs the reason (too
young, would not be parted from a parent …): the standard asks for the child to be seen
alone where age and understanding allow, so "not alone" without a reason is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflow.casework.records import Visit
from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import dated, payload_is, text
from workflow.roles import CASEWORK
from workflow.stages import ASSESSING, Stage


@dataclass(frozen=True)
class VisitDetails(Payload):
    visited_at: datetime | None = ask("Date and time of visit", Kind.DATETIME)
    child_seen: bool | None = ask("Was the child seen?", Kind.YES_NO)
    seen_alone: bool | None = ask("Was the child seen alone?", Kind.YES_NO)
    not_alone_reason: str = ask("If the child was seen but not alone, why")


def _alone_or_why(ctx: Ctx[Any]) -> Failure:
    p = ctx.payload
    if p.child_seen is True and p.seen_alone is False and not text(ctx, "not_alone_reason"):
        return "not_alone_reason", "say why the child was not seen alone"
    return None


def _record(fired: Fired[VisitDetails]) -> None:
    p = fired.payload
    not_alone = p.child_seen is True and p.seen_alone is False
    fired.contact.put(Visit(event_seq=fired.event.seq, visited_at=p.visited_at or fired.ctx.now,
                            child_seen=bool(p.child_seen), seen_alone=p.seen_alone,
                            by=fired.ctx.actor.username,
                            not_alone_reason=p.not_alone_reason.strip() if not_alone else ""))


_GUARDS = (dated("visited_at", "of the visit", guard="visit_date_given"),
           Guard("seen_alone_or_why", _alone_or_why,
                 ("child_seen", "seen_alone", "not_alone_reason")))
_SEEN, _NOT_SEEN = payload_is("child_seen", True), payload_is("child_seen", False)
#: On a plan a visit with the child seen also meets that plan's visiting standard.
_ON_PLAN = {Stage.CIN_PLAN: "cin_child_seen", Stage.CP_PLAN: "cp_child_seen"}
ACTION: Action[VisitDetails] = Action(
    name="record_visit", order=50, label="Record a visit to the child", payload=VisitDetails,
    rows=(
        row((Stage.CP_PLAN,), None, CASEWORK, when=(_SEEN,), guards=_GUARDS,
            emits=("child_seen", _ON_PLAN[Stage.CP_PLAN])),
        row((Stage.CIN_PLAN,), None, CASEWORK, when=(_SEEN,), guards=_GUARDS,
            emits=(_ON_PLAN[Stage.CIN_PLAN],)),
        row(ASSESSING, None, CASEWORK, when=(_SEEN,), guards=_GUARDS, emits=("child_seen",)),
        row((*ASSESSING, Stage.CIN_PLAN), None, CASEWORK, when=(_NOT_SEEN,), guards=_GUARDS),
    ),
    offered_in=("contact", "assessment"),
    effect=_record, help=("child_seen", "say whether the child was seen (yes or no)"),
)
