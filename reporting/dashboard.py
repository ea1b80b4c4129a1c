"""The breach dashboard: breached and at-risk clocks by rule, team, worker and RAG.

Every number is a GROUP BY over running clocks through the partial index of open clocks
(``ix_clock_running``), so its cost follows the live caseload rather than years of
history, and every number links to the list behind it (``clock_list`` with the same
filters). Historic breaches come with the reason recorded when the clock stopped late.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from reporting.scope import scoped, visible
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.persistence.tables_oversight import NotificationRow
from workflow.persistence.tables_people import PersonRow
from workflow.scope import RecordScope

DIMENSIONS = {"rule": ClockRow.rule, "team": ContactRow.team, "worker": ContactRow.worker,
              "rag": ContactRow.rag}


@dataclass(frozen=True)
class Scope:
    """Whose clocks: a team manager sees all, a worker their own (``worker`` set)."""

    worker: str | None = None
    team: str | None = None
    rule: str | None = None
    rag: str | None = None
    #: Only the contacts this person may open (None: the whole service).
    record: RecordScope | None = None


def _scoped(stmt: Select, scope: Scope, rule: Any = ClockRow.rule) -> Select:
    """``stmt`` limited to the scope; ``rule`` is the clock's rule as ``stmt`` reads it."""
    for name, column in (DIMENSIONS | {"rule": rule}).items():
        value = getattr(scope, name)
        if value == "none":
            stmt = stmt.where(column.is_(None))
        elif value:
            stmt = stmt.where(column == value)
    return scoped(stmt, scope.record)


def _running(now: datetime, horizon: timedelta) -> Any:
    return and_(ClockRow.stopped_at.is_(None), ClockRow.due_at < now + horizon)


def summary(session: Session, now: datetime, horizon: timedelta, scope: Scope,
            by: str) -> list[dict[str, Any]]:
    """Breached and at-risk counts grouped by one dimension (rule, team, worker or rag)."""
    if _whole_service(scope):
        return _counted(session, _running_keys(now, horizon, by), now)
    clocks = _clocks_first(_running(now, horizon))
    column = clocks.c.rule if by == "rule" else DIMENSIONS[by]
    # The running condition again on the picked clocks: PostgreSQL then expects the few
    # clocks they are and looks each contact up by key, instead of hashing every contact
    # the worker ever held (a CTE's row estimate ignores the condition inside it).
    stmt = (select(column.label("key"), clocks.c.due_at)
            .join(ContactRow, ContactRow.id == clocks.c.contact_id)
            .where(clocks.c.stopped_at.is_(None), clocks.c.due_at < now + horizon))
    return _counted(session, _scoped(stmt, scope, clocks.c.rule), now)


def _clocks_first(*where: Any) -> Any:
    """The clocks ``where`` picks, read from the clock's own indexes (the open-clock index,
    or the stopped instant) before their contacts are looked up by key. MATERIALIZED:
    with a condition on the contact (one worker, a team, a person's record scope) the
    planners otherwise start from the contact's worker or team index, every contact that
    worker or team ever held, so a worker's dashboard would cost their whole history."""
    return (select(ClockRow.id, ClockRow.contact_id, ClockRow.rule, ClockRow.started_at,
                   ClockRow.due_at, ClockRow.stopped_at, ClockRow.result, ClockRow.note)
            .where(*where).cte("picked_clock").prefix_with("MATERIALIZED"))


def _whole_service(scope: Scope) -> bool:
    """No condition on the contact: nothing but the running clocks need be read."""
    return not any(getattr(scope, name) for name in DIMENSIONS) and visible(scope.record) is None


def _running_keys(now: datetime, horizon: timedelta, by: str) -> Select:
    """Each running clock's due instant and its key, read from the open-clock index; a
    contact's team, worker or RAG is looked up by its primary key per clock. Joined
    instead, PostgreSQL hashed the running clocks against a scan of every contact ever
    received (the join's cost followed the history, this the live caseload)."""
    key = ClockRow.rule if by == "rule" else (
        select(DIMENSIONS[by]).where(ContactRow.id == ClockRow.contact_id)
        .scalar_subquery())
    return select(key.label("key"), ClockRow.due_at).where(_running(now, horizon))


def _counted(session: Session, running: Select, now: datetime) -> list[dict[str, Any]]:
    clocks = running.subquery()
    breached = func.sum(case((clocks.c.due_at < now, 1), else_=0))
    at_risk = func.sum(case((clocks.c.due_at >= now, 1), else_=0))
    stmt = (select(clocks.c.key, breached.label("breached"), at_risk.label("at_risk"))
            .group_by(clocks.c.key).order_by(breached.desc()))
    return [{"key": r.key, "breached": int(r.breached or 0), "at_risk": int(r.at_risk or 0)}
            for r in session.execute(stmt).all()]


def clock_list(session: Session, now: datetime, horizon: timedelta, scope: Scope, state: str,
               limit: int = 500) -> list[dict[str, Any]]:
    """The clocks behind a number: ``state`` is "breached" or "at_risk"."""
    when = ClockRow.due_at < now if state == "breached" else ClockRow.due_at >= now
    picked = ClockRow.__table__ if _whole_service(scope) else \
        _clocks_first(_running(now, horizon), when)
    c = picked.c
    stmt = (select(c.contact_id, c.rule, c.started_at, c.due_at,
                   ContactRow.stage, ContactRow.team, ContactRow.worker, ContactRow.rag,
                   ContactRow.child_id, PersonRow.first_name, PersonRow.last_name)
            .select_from(picked).join(ContactRow, ContactRow.id == c.contact_id)
            .join(PersonRow, PersonRow.id == ContactRow.child_id, isouter=True)
            .where(c.stopped_at.is_(None), c.due_at < now + horizon,
                   c.due_at < now if state == "breached" else c.due_at >= now)
            .order_by(c.due_at).limit(limit))
    return [dict(r._mapping) for r in session.execute(_scoped(stmt, scope, c.rule)).all()]


def historic_breaches(session: Session, since: datetime, until: datetime, scope: Scope,
                      limit: int = 500) -> list[dict[str, Any]]:
    """Clocks that stopped late or unmet in a period, with the reason recorded."""
    window = (ClockRow.stopped_at >= since, ClockRow.stopped_at < until,
              ClockRow.result.in_(("late", "not_met")))
    picked = ClockRow.__table__ if _whole_service(scope) else _clocks_first(*window)
    c = picked.c
    stmt = (select(c.contact_id, c.rule, c.due_at, c.stopped_at, c.result, c.note,
                   ContactRow.team, ContactRow.worker)
            .select_from(picked).join(ContactRow, ContactRow.id == c.contact_id)
            .where(c.stopped_at >= since, c.stopped_at < until,
                   c.result.in_(("late", "not_met")))
            .order_by(c.stopped_at.desc()).limit(limit))
    return [dict(r._mapping) for r in session.execute(_scoped(stmt, replace(scope), c.rule))
            .all()]


def _open_requests(now: datetime, horizon: timedelta) -> Any:
    return and_(InfoRequestRow.status == "open", InfoRequestRow.due_at < now + horizon)


def request_summary(session: Session, now: datetime, horizon: timedelta
                    ) -> list[dict[str, Any]]:
    """Information requests to partner agencies, breached and at risk, per agency: the
    agency clocks are rows of their own (a contact may wait on several agencies)."""
    breached = func.sum(case((InfoRequestRow.due_at < now, 1), else_=0))
    at_risk = func.sum(case((InfoRequestRow.due_at >= now, 1), else_=0))
    stmt = (select(InfoRequestRow.agency.label("key"), breached.label("breached"),
                   at_risk.label("at_risk"))
            .where(_open_requests(now, horizon)).group_by(InfoRequestRow.agency)
            .order_by(breached.desc()))
    return [{"key": r.key, "breached": int(r.breached or 0), "at_risk": int(r.at_risk or 0)}
            for r in session.execute(stmt).all()]


def request_list(session: Session, now: datetime, horizon: timedelta, agency: str | None,
                 state: str, limit: int = 500) -> list[dict[str, Any]]:
    """The requests behind an agency's number, soonest due first."""
    when = InfoRequestRow.due_at < now if state == "breached" else InfoRequestRow.due_at >= now
    stmt = (select(InfoRequestRow.contact_id, InfoRequestRow.agency, InfoRequestRow.rag,
                   InfoRequestRow.requested_at, InfoRequestRow.due_at,
                   InfoRequestRow.chase_count)
            .where(_open_requests(now, horizon), when)
            .order_by(InfoRequestRow.due_at).limit(limit))
    if agency:
        stmt = stmt.where(InfoRequestRow.agency == agency)
    return [dict(r._mapping) for r in session.execute(stmt).all()]


def notifications_for(session: Session, username: str, limit: int = 200) -> list[dict[str, Any]]:
    """One person's notifications, newest first, with the clock each is about (its rule and
    due instant), from which the page composes the words."""
    rows = session.execute(
        select(NotificationRow, ClockRow.rule, ClockRow.due_at)
        .join(ClockRow, ClockRow.id == NotificationRow.clock_id)
        .where(NotificationRow.recipient == username)
        .order_by(NotificationRow.id.desc()).limit(limit)).all()
    return [{"id": r.id, "kind": r.kind, "contact_id": r.contact_id, "rule": rule,
             "due_at": due_at, "created_at": r.created_at, "sent_at": r.sent_at,
             "read_at": r.read_at} for r, rule, due_at in rows]
