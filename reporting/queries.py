"""Read-side queries: the work queue, a contact's page, breached clocks.

SQL over indexed columns (``contact.stage``, ``clock (rule, stopped_at, due_at)``), never
a Python loop over every contact: these run on every page load and on a million rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, false, func, or_, select
from sqlalchemy.orm import Session

from reporting.scope import scoped
from workflow.contact import reference_for
from workflow.persistence.tables import ClockRow, ContactRow, UserRow
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
    #: A child's name, or part of one (first or last name, any case).
    child: str | None = None
    #: Which column orders the list (a key of ``SORTS``), and which way.
    sort: str = "due"
    descending: bool = False
    #: (username, team): that worker's own contacts first, then their team's, then the rest.
    first_for: tuple[str, str | None] | None = None


#: The columns a list can be ordered by, each a stable order with the id as tie-breaker.
SORTS = ("due", "received", "child", "stage", "reference", "worker")


CLOSED_STAGES = ("closed", "passed_to_allocated_worker")
#: Listed rather than "not closed" so the stage index finds open contacts without reading
#: years of closed ones.
OPEN_STAGES = tuple(s.value for s in Stage if s.value not in CLOSED_STAGES)


def _next_due() -> Any:
    """Per contact: the soonest due instant of its open clocks."""
    return (select(ClockRow.contact_id, func.min(ClockRow.due_at).label("next_due"))
            .where(ClockRow.stopped_at.is_(None)).group_by(ClockRow.contact_id).subquery())


def _soonest_rule() -> Any:
    """Per contact row: the rule of its soonest-due open clock (what is due next)."""
    return (select(ClockRow.rule).where(ClockRow.contact_id == ContactRow.id,
                                        ClockRow.stopped_at.is_(None))
            .order_by(ClockRow.due_at, ClockRow.id).limit(1).correlate(ContactRow)
            .scalar_subquery())


def _child_matches(text: str) -> Any:
    pattern = f"%{text.strip().lower()}%"
    return or_(func.lower(PersonRow.first_name).like(pattern),
               func.lower(PersonRow.last_name).like(pattern),
               func.lower(PersonRow.first_name + " " + PersonRow.last_name).like(pattern))


def _filtered(stmt: Select, f: QueueFilter) -> Select:
    conditions = [
        (f.child and f.child.strip(), lambda: _child_matches(f.child or "")),
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


def _needs_child(f: QueueFilter) -> bool:
    """Whether the list's filter or order reads the child's name (else the names are
    looked up for the page alone, after it is cut)."""
    return f.sort == "child" or bool(f.child and f.child.strip())


def _listed(columns: tuple[Any, ...], f: QueueFilter, now: datetime) -> tuple[Any, Any]:
    """The list's statement (filtered, joined to the soonest clock, and to the child only
    when the filter or order needs the name: joined before the page is cut, every open
    contact looked up its child, and PostgreSQL hash-joined all of ``person``)."""
    due = _next_due()
    # The worker's name: staff are few, so this join costs nothing at any size of history.
    stmt: Any = select(*columns).join(UserRow, UserRow.username == ContactRow.worker,
                                      isouter=True)
    if _needs_child(f):
        stmt = stmt.join(PersonRow, PersonRow.id == ContactRow.child_id, isouter=True)
    stmt = stmt.join(due, due.c.contact_id == ContactRow.id, isouter=True)
    stmt = _filtered(stmt, f)
    if f.overdue_only:
        stmt = stmt.where(due.c.next_due < now)
    return stmt, due


def _ordering(f: QueueFilter, due: Any) -> list[Any]:
    """ORDER BY for the chosen column; "nothing due" and "no child" always sort last."""
    keys: dict[str, list[Any]] = {
        "due": [due.c.next_due.is_(None), due.c.next_due],
        "received": [ContactRow.received_at], "stage": [ContactRow.stage],
        "child": [PersonRow.last_name.is_(None), PersonRow.last_name, PersonRow.first_name],
        "reference": [ContactRow.id], "worker": [ContactRow.worker.is_(None),
                                                 ContactRow.worker]}
    chosen = keys.get(f.sort, keys["due"])
    if f.descending:  # the "is null" flags stay ascending so blanks stay at the end
        chosen = [k if i == 0 and len(chosen) > 1 else k.desc() for i, k in enumerate(chosen)]
    first: list[Any] = []
    if f.first_for:
        username, team = f.first_for
        first = [case((ContactRow.worker == username, 0),
                      (ContactRow.team == team, 1) if team else (false(), 1), else_=2)]
    return [*first, *chosen, ContactRow.id.desc() if f.descending else ContactRow.id]


_CHILD = (PersonRow.first_name, PersonRow.last_name, PersonRow.date_of_birth)


def work_queue(session: Session, f: QueueFilter, now: datetime) -> list[dict[str, Any]]:
    """One page of contacts in the chosen order, with the child's name, RAG, what is due
    next and whether anything is overdue: filtered, ordered and paged in SQL."""
    contact = (ContactRow.id, ContactRow.child_id, ContactRow.stage, ContactRow.rag,
               ContactRow.worker, ContactRow.team, ContactRow.received_at, ContactRow.version,
               UserRow.display_name)
    with_child = _needs_child(f)
    stmt, due = _listed(contact + _CHILD if with_child else contact, f, now)
    stmt = stmt.add_columns(due.c.next_due, _soonest_rule().label("next_rule"))
    rows = session.execute(stmt.order_by(*_ordering(f, due))
                           .limit(f.limit).offset(f.offset)).all()
    if with_child:
        return [_queue_row(dict(r._mapping), now) for r in rows]
    names = _children(session, {r.child_id for r in rows if r.child_id is not None})
    return [_queue_row({**r._mapping, **names.get(r.child_id, {})}, now) for r in rows]


def _children(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    """The names and dates of birth of one page's children, by person id."""
    if not ids:
        return {}
    found = session.execute(select(PersonRow.id, *_CHILD).where(PersonRow.id.in_(ids)))
    return {r.id: {"first_name": r.first_name, "last_name": r.last_name,
                   "date_of_birth": r.date_of_birth} for r in found}


def queue_total(session: Session, f: QueueFilter, now: datetime) -> int:
    """How many contacts the list holds across all its pages (for "1 to 50 of 256")."""
    stmt, _due = _listed((func.count(ContactRow.id),), f, now)
    return int(session.scalar(stmt) or 0)


def _queue_row(r: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    first, last, due = r.get("first_name"), r.get("last_name"), r["next_due"]
    return {"id": r["id"], "reference": reference_for(r["id"]), "child_id": r["child_id"],
            "stage": r["stage"], "rag": r["rag"], "worker": r["worker"], "team": r["team"],
            "received_at": r["received_at"], "version": r["version"],
            "child": f"{first or ''} {last or ''}".strip(),
            "date_of_birth": r.get("date_of_birth"), "next_rule": r["next_rule"],
            "worker_name": r.get("display_name") or r["worker"],
            "next_due": due, "overdue": bool(due and due < now)}


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
