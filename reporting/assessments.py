"""Assessments on the read side: the managers' authorisation queue, one assessment's
page (its submission, factors, visits and clocks), and the assessments authorised with the
child not seen, with the managers' reasons, for oversight.

Why a queue of its own: an assessment waits for a team manager's authorisation after its
author submits it, and every day it waits counts against the 45 working days. The queue
is one indexed query (``assessment (status, submitted_at)``) joined to the contact, the
child and the running assessment clock, so managers see the soonest due first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.contact import reference_for
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.persistence.tables_people import PersonRow
from workflow.persistence.tables_strategy import AssessmentRow, VisitRow


@dataclass(frozen=True)
class Waiting:
    """One submitted assessment awaiting authorisation."""

    contact_id: int
    child_id: int | None
    child: str
    kind: str
    author: str
    submitted_at: datetime
    due_at: datetime | None
    team: str | None
    factors: tuple[str, ...]

    @property
    def reference(self) -> str:
        return reference_for(self.contact_id)

    def late(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at < now


def _running_assessment_clock() -> Any:
    return (select(ClockRow.contact_id, ClockRow.due_at)
            .where(ClockRow.rule == "assessment", ClockRow.stopped_at.is_(None)).subquery())


def awaiting_authorisation(session: Session, limit: int = 200) -> list[Waiting]:
    """Submitted assessments, soonest due first (then longest waiting)."""
    clock = _running_assessment_clock()
    rows = session.execute(
        select(AssessmentRow, ContactRow.child_id, PersonRow.first_name, PersonRow.last_name,
               ContactRow.team, clock.c.due_at)
        .join(ContactRow, ContactRow.id == AssessmentRow.contact_id)
        .join(PersonRow, PersonRow.id == ContactRow.child_id, isouter=True)
        .join(clock, clock.c.contact_id == AssessmentRow.contact_id, isouter=True)
        .where(AssessmentRow.status == "submitted")
        .order_by(clock.c.due_at.is_(None), clock.c.due_at, AssessmentRow.submitted_at)
        .limit(limit)).all()
    return [Waiting(a.contact_id, child_id, f"{first or ''} {last or ''}".strip(), a.kind,
                    a.author or "", a.submitted_at, due, team, tuple(a.factors or ()))
            for a, child_id, first, last, team, due in rows if a.submitted_at is not None]


def assessments_for_contact(session: Session, contact_id: int) -> list[AssessmentRow]:
    """Every assessment of the contact, the current one last."""
    return list(session.scalars(select(AssessmentRow).where(
        AssessmentRow.contact_id == contact_id).order_by(AssessmentRow.id)))


@dataclass(frozen=True)
class Visit:
    at: datetime
    child_seen: bool
    seen_alone: bool | None
    by: str


def visits(session: Session, contact_id: int) -> list[Visit]:
    """The visits recorded on the contact, in the order they were recorded."""
    rows = session.scalars(select(VisitRow).where(VisitRow.contact_id == contact_id)
                           .order_by(VisitRow.id))
    return [Visit(v.visited_at, v.child_seen, v.seen_alone, v.by) for v in rows]


@dataclass(frozen=True)
class NotSeen:
    """One assessment a manager authorised with the child not seen, and why."""

    contact_id: int
    kind: str
    authorised_at: datetime
    authorised_by: str
    reason: str
    team: str | None
    worker: str | None

    @property
    def reference(self) -> str:
        return reference_for(self.contact_id)


def authorised_not_seen(session: Session, since: datetime, until: datetime,
                        limit: int = 200) -> list[NotSeen]:
    """Assessments authorised in [since, until) with the child not seen, newest first (the
    index on ``authorised_at``). Names no child: the reference leads to the contact."""
    rows = session.execute(
        select(AssessmentRow.contact_id, AssessmentRow.kind, AssessmentRow.authorised_at,
               AssessmentRow.authorised_by, AssessmentRow.not_seen_reason, ContactRow.team,
               ContactRow.worker)
        .join(ContactRow, ContactRow.id == AssessmentRow.contact_id)
        .where(AssessmentRow.authorised_at >= since, AssessmentRow.authorised_at < until,
               AssessmentRow.authorised_not_seen.is_(True))
        .order_by(AssessmentRow.authorised_at.desc()).limit(limit)).all()
    return [NotSeen(cid, kind, at, by or "", reason or "", team, worker)
            for cid, kind, at, by, reason, team, worker in rows if at is not None]
