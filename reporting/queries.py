"""Read-side queries: the work queue, a contact's page, breached clocks.

SQL over indexed columns (``contact.stage``, ``clock (rule, stopped_at, due_at)``), never
a Python loop over every contact: these run on every page load and on a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from reporting.scope import scoped
from workflow.contact import reference_for
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.persistence.tables_people import PersonRow
from workflow.scope import RecordScope
from workflow.stages import Stage


@dataclass(frozen=True)
class QueueFilter:
    """The work-queue filters a worker can set."""

    stage: str | None = None
    rag: str | None = None
    worker: str | None = None
    team: str | None = None
    overdue_only: bool = False
    unallocated_only: bool = False
    include_closed: bool = False
    limit: int = 200
    offset: int = 0
    #: Whose lists: only the contacts this scope may open (None: the whole service).
    scope: RecordScope | None = None


CLOSED_STAGES = ("closed", "passed_to_allocated_worker")
#: Listed rather than "not closed" so the stage index finds open contacts without reading
#: years of closed ones.
OPEN_STAGES = tuple(s.value for s in Stage if s.value not in CLOSED_STAGES)


def _next_due() -> Any:
    """Per contact: the soonest due instant of its open clocks."""
    return (select(ClockRow.contact_id, func.min(ClockRow.due_at).label("next_due"))
            .where(ClockRow.stopped_at.is_(None)).group_by(ClockRow.contact_id).subquery())


def _filtered(stmt: Select, f: QueueFilter) -> Select:
    conditions = [
        (f.stage, lambda: ContactRow.stage == f.stage),
        (f.rag, lambda: ContactRow.rag == f.rag),
        (f.worker, lambda: ContactRow.worker == f.worker),
        (f.team, lambda: ContactRow.team == f.team),
        (f.unallocated_only, lambda: ContactRow.worker.is_(None)),
        (not f.include_closed and not f.stage, lambda: ContactRow.stage.in_(OPEN_STAGES)),
    ]
    for wanted, condition in conditions:
        if wanted:
            stmt = stmt.where(condition())
    return scoped(stmt, f.scope)


def _queue_page(f: QueueFilter, now: datetime) -> Any:
    """One page of the queue's contacts with their next due instant, soonest first."""
    due = _next_due()
    stmt: Any = (select(ContactRow.id, ContactRow.child_id, ContactRow.stage, ContactRow.rag,
                        ContactRow.worker, ContactRow.team, ContactRow.received_at,
                        ContactRow.version, due.c.next_due)
                 .join(due, due.c.contact_id == ContactRow.id, isouter=True))
    stmt = _filtered(stmt, f)
    if f.overdue_only:
        stmt = stmt.where(due.c.next_due < now)
    stmt = stmt.order_by(due.c.next_due.is_(None), due.c.next_due, ContactRow.id)
    return stmt.limit(f.limit).offset(f.offset).subquery()


def work_queue(session: Session, f: QueueFilter, now: datetime) -> list[dict[str, Any]]:
    """Contacts soonest due first, with child name, RAG and whether anything is overdue.

    The children's names are joined to the page only, after it is cut: joined before,
    every open contact looked up its child (PostgreSQL hash-joined all of ``person``)."""
    page = _queue_page(f, now)
    stmt = (select(page, PersonRow.first_name, PersonRow.last_name)
            .join(PersonRow, PersonRow.id == page.c.child_id, isouter=True)
            .order_by(page.c.next_due.is_(None), page.c.next_due, page.c.id))
    return [_queue_row(r, now) for r in session.execute(stmt).all()]


def _queue_row(r: Any, now: datetime) -> dict[str, Any]:
    return {"id": r.id, "reference": reference_for(r.id), "child_id": r.child_id,
            "stage": r.stage, "rag": r.rag,
            "worker": r.worker, "team": r.team, "received_at": r.received_at,
            "version": r.version, "child": f"{r.first_name or ''} {r.last_name or ''}".strip(),
            "next_due": r.next_due, "overdue": bool(r.next_due and r.next_due < now)}


def stage_counts(session: Session, f: QueueFilter) -> dict[str, int]:
    """How many contacts sit in each stage (for the queue's summary)."""
    counted = select(ContactRow.stage, func.count()).group_by(ContactRow.stage)
    stmt = _filtered(counted,
                     QueueFilter(rag=f.rag, worker=f.worker, team=f.team,
                                 include_closed=f.include_closed, scope=f.scope))
    return {stage: count for stage, count in session.execute(stmt).all()}


def breached_clocks(session: Session, now: datetime, limit: int = 500) -> list[dict[str, Any]]:
    """Open clocks past their due instant, most overdue first."""
    stmt = (select(ClockRow.contact_id, ClockRow.rule, ClockRow.due_at, ContactRow.stage,
                   ContactRow.team, ContactRow.worker)
            .join(ContactRow, ContactRow.id == ClockRow.contact_id)
            .where(ClockRow.stopped_at.is_(None), ClockRow.due_at < now)
            .order_by(ClockRow.due_at).limit(limit))
    return [dict(r._mapping) for r in session.execute(stmt).all()]


def contacts_at_stage(session: Session, stage: str, limit: int = 500) -> list[int]:
    """Contact ids at one stage, most recently received first."""
    return list(session.scalars(select(ContactRow.id).where(ContactRow.stage == stage)
                                .order_by(ContactRow.received_at.desc()).limit(limit)))
