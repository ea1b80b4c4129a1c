"""The breach sweep: record newly breached clocks and queue who must hear about them.

Safe to run from cron every few minutes: every insert is ``INSERT … SELECT … WHERE NOT
EXISTS`` against a unique key (one breach per clock, one notification per clock, kind
and recipient), inside one transaction, so running it twice queues nothing twice and two
overlapping runs cannot both insert. Breaches and escalations are set-based SQL over the
partial index of running clocks; only warnings, whose threshold is a share of each clock's
own span, are computed in Python over running clocks not yet warned. Feedback a worker
recorded as emailed to the referrer is queued here too (``workflow.oversight.referrer``),
one note per feedback event, with ``ON CONFLICT DO NOTHING`` on its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, exists, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workflow.oversight import referrer
from workflow.oversight.escalation import EscalationPolicy
from workflow.oversight.messages import KIND_LABELS
from workflow.persistence.tables import ClockRow, ContactRow, EventRow, UserRow
from workflow.persistence.tables_oversight import ClockBreachRow, NotificationRow
from workflow.roles import Role

LATE_RESULTS = ("late", "not_met")
#: How far back the sweep looks for feedback to send. It runs every five minutes, so a
#: week covers any outage of the scheduler; older feedback is never sent late by surprise.
FEEDBACK_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class SweepResult:
    """What one run recorded and queued."""

    breaches: int
    warnings: int
    breach_notices: int
    escalations: int
    referrer_messages: int = 0


def _count(session: Session, stmt: Any) -> int:
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def _record_breaches(session: Session, now: datetime) -> int:
    """Every clock past due (running, or stopped late in the last week) gets one breach row."""
    late = and_(ClockRow.stopped_at.is_not(None), ClockRow.result.in_(LATE_RESULTS),
                ClockRow.stopped_at > now - timedelta(days=7))
    running = and_(ClockRow.stopped_at.is_(None), ClockRow.due_at < now)
    unseen = ~exists().where(ClockBreachRow.clock_id == ClockRow.id)
    source = select(ClockRow.id, ClockRow.contact_id, ClockRow.rule, ClockRow.due_at,
                    literal(now, ClockRow.due_at.type)).where(running | late, unseen)
    return _count(session, insert(ClockBreachRow).from_select(
        ["clock_id", "contact_id", "rule", "due_at", "recorded_at"], source))


def _key(kind: str, recipient: Any) -> Any:
    return cast(ClockRow.id, String) + literal(f":{kind}:") + recipient


def _queue(session: Session, kind: str, recipient: Any, where: Any, joins: Any,
           now: datetime) -> int:
    """Queue one notification per matching (clock, recipient) not queued before."""
    key = _key(kind, recipient)
    # No rule id and no child here: the words people read are composed from the clock.
    subject = literal(f"{KIND_LABELS[kind]}: a timescale on contact ") + cast(
        ContactRow.id, String)
    body = literal("Sign in to Front Door to see the contact.")
    source = joins(select(key, literal(kind), recipient, ClockRow.contact_id, ClockRow.id,
                          subject, body, literal(now, ClockRow.due_at.type))
                   .select_from(ClockRow).join(ContactRow, ContactRow.id == ClockRow.contact_id))
    source = source.where(where, ~exists().where(NotificationRow.dedupe_key == key))
    return _count(session, insert(NotificationRow).from_select(
        ["dedupe_key", "kind", "recipient", "contact_id", "clock_id", "subject", "body",
         "created_at"], source))


def _breach_notices(session: Session, now: datetime, policy: EscalationPolicy) -> int:
    """Team managers of the contact's team (the front-door team when none) hear at breach."""
    team = func.coalesce(ContactRow.team, policy.front_door_team)

    def managers(query: Any) -> Any:
        return query.join(UserRow, and_(UserRow.role == Role.TEAM_MANAGER.value,
                                        UserRow.team == team, UserRow.active))

    where = and_(ClockRow.stopped_at.is_(None), ClockRow.due_at < now)
    return _queue(session, "breach", UserRow.username, where, managers, now)


def _escalations(session: Session, now: datetime, policy: EscalationPolicy) -> int:
    """Service managers hear of clocks still breached after the escalation interval."""
    total = 0
    cutoff = now - policy.escalate_after
    where = and_(ClockRow.stopped_at.is_(None), ClockRow.due_at < cutoff)
    for manager in policy.service_managers:
        total += _queue(session, "escalation", literal(manager), where, lambda q: q, now)
    return total


def _warnings(session: Session, now: datetime, policy: EscalationPolicy) -> int:
    """The allocated worker hears when a running clock has used its warning share."""
    warned = exists().where(NotificationRow.clock_id == ClockRow.id,
                            NotificationRow.kind == "warning")
    rows = session.execute(
        select(ClockRow.id, ClockRow.started_at, ClockRow.due_at).join(
            ContactRow, ContactRow.id == ClockRow.contact_id)
        .where(ClockRow.stopped_at.is_(None), ClockRow.due_at >= now,
               ContactRow.worker.is_not(None), ~warned)).all()
    due = [r.id for r in rows
           if now >= r.started_at + (r.due_at - r.started_at) * policy.warn_at_share]
    if not due:
        return 0
    return _queue(session, "warning", ContactRow.worker, ClockRow.id.in_(due), lambda q: q, now)


def _referrer_messages(session: Session, now: datetime) -> int:
    """Feedback recorded as emailed to the referrer, with their address, becomes one note
    each (its dedupe key the event's). Which events send is decided in Python from the
    payload, over the recent feedback events that have no note yet."""
    key = literal(f"{referrer.KIND}:") + cast(EventRow.id, String)
    events = session.execute(select(EventRow.id, EventRow.contact_id, EventRow.payload).where(
        EventRow.trigger == referrer.ACTION, EventRow.at > now - FEEDBACK_WINDOW,
        ~exists().where(NotificationRow.dedupe_key == key))).all()
    rows = [{"dedupe_key": referrer.dedupe_key(event_id), "kind": referrer.KIND,
             "recipient": message.address, "contact_id": contact_id, "clock_id": None,
             "subject": message.subject, "body": message.body, "created_at": now}
            for event_id, contact_id, payload in events
            if (message := referrer.outgoing(contact_id, payload or {})) is not None]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(NotificationRow)
    return _count(session, statement.values(rows).on_conflict_do_nothing(
        index_elements=["dedupe_key"]))


def sweep(session: Session, now: datetime, policy: EscalationPolicy) -> SweepResult:
    """One idempotent run, in the caller's transaction (the caller commits)."""
    return SweepResult(breaches=_record_breaches(session, now),
                       warnings=_warnings(session, now, policy),
                       breach_notices=_breach_notices(session, now, policy),
                       escalations=_escalations(session, now, policy),
                       referrer_messages=_referrer_messages(session, now))
