"""Record scope on the read side: lists show only the contacts a person may open, and a
page can ask what it needs to check one contact or one child.

The same rule as ``workflow.scope.RecordScope.sees``, as SQL, so a list is filtered by
the database (its indexes on stage, team and worker) rather than in Python after reading
everyone's cases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from workflow.persistence.tables import ContactRow
from workflow.scope import FRONT_DOOR_STAGES, RecordScope
from workflow.stages import Stage


def visible(scope: RecordScope | None) -> Any:
    """A condition on ``ContactRow`` (None: no restriction, the whole service)."""
    if scope is None or scope.whole_service:
        return None
    audited = [ContactRow.child_id.in_(sorted({c for c, _ in scope.audited}))] \
        if scope.audited else []
    if scope.no_cases:  # nothing of their own: at most the children they audit
        return or_(*audited) if audited else false()
    within = [ContactRow.worker == scope.username, *audited]
    if scope.teams:
        within.append(ContactRow.team.in_(sorted(scope.teams)))
    if scope.granted_children:
        within.append(ContactRow.child_id.in_(sorted(scope.granted_children)))
    if scope.front_door:
        stages = {s.value for s in FRONT_DOOR_STAGES} | {Stage.PASSED_TO_ALLOCATED_WORKER.value}
        within += [ContactRow.stage.in_(sorted(stages)), ContactRow.team.is_(None)]
    return or_(*within)


def scoped(stmt: Any, scope: RecordScope | None) -> Any:
    """``stmt`` (which reads ``ContactRow``) limited to the scope."""
    condition = visible(scope)
    return stmt if condition is None else stmt.where(condition)


def contact_allocation(session: Session, contact_id: int
                       ) -> tuple[str, str | None, str | None, int | None] | None:
    """(stage, team, worker, child id) of one contact, or None when there is none."""
    row = session.execute(select(ContactRow.stage, ContactRow.team, ContactRow.worker,
                                 ContactRow.child_id).where(ContactRow.id == contact_id)).first()
    return None if row is None else (row.stage, row.team, row.worker, row.child_id)


def child_allocations(session: Session, child_id: int
                      ) -> list[tuple[str, str | None, str | None]]:
    """(stage, team, worker) of every contact about the child."""
    rows = session.execute(select(ContactRow.stage, ContactRow.team, ContactRow.worker)
                           .where(ContactRow.child_id == child_id))
    return [(r.stage, r.team, r.worker) for r in rows]
