"""The webhook outbox: events read from the contact history into delivery rows, and the
deliveries sent, signed, and retried (``workflow.integrations.webhooks`` says why each).

Why events are read from the history rather than queued by each command: the history is
already written in the command's own transaction and is append-only, so an event can never
be lost or queued for a change that rolled back, and no command needs to know who listens.
Each subscription keeps how far it has read (``last_event_id``); the unique
``(subscription_id, event_id)`` means reading the same events twice queues nothing twice.

``deliver_due_webhooks`` is one plain call (a job queue or ``frontdoor webhooks deliver``
runs it): it claims the due rows for a short lease and commits before sending, so no
database lock is held while a receiver is slow, and two workers never send the same row
at the same moment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from workflow.contact import reference_for
from workflow.decision.outcomes import OUTCOMES
from workflow.integrations.webhooks import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMEOUT_SECONDS,
    TRIGGERS,
    EventKind,
    HttpPost,
    Subscription,
    next_attempt,
    signature,
)
from workflow.persistence.tables import EventRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_integrations import (
    ApiClientRow,
    WebhookDeliveryRow,
    WebhookSubscriptionRow,
)
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.stages import Stage

#: How long a claimed delivery is kept from other workers while it is being sent.
LEASE = timedelta(minutes=2)
_BATCH = 500


@dataclass(frozen=True)
class DeliveryRun:
    """What one run did: queued from the history, delivered, to retry, given up."""

    queued: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def sender_agency(session: Session, contact_id: int) -> str | None:
    """The agency of the API client that recorded the contact (None: a person did)."""
    return session.scalar(
        select(ApiClientRow.agency).join(EventRow, EventRow.actor == literal("api:")
                                         + ApiClientRow.name)
        .where(EventRow.contact_id == contact_id, EventRow.trigger == "receive").limit(1))


def subscribe(session: Session, client_id: int, event: EventKind, url: str, secret: str,
              now: datetime) -> Subscription:
    """Subscribe from now on: only events after this moment are delivered (no backfill of
    the whole history to a new receiver)."""
    newest = session.scalar(select(func.max(EventRow.id))) or 0
    row = WebhookSubscriptionRow(client_id=client_id, event=event.value, url=url,
                                 secret=secret, created_at=now, last_event_id=newest)
    session.add(row)
    session.flush()
    return _subscription(row)


def _subscription(row: WebhookSubscriptionRow) -> Subscription:
    return Subscription(row.id, row.client_id, EventKind(row.event), row.url, row.created_at,
                        row.active)


def subscriptions(session: Session) -> list[Subscription]:
    return [_subscription(r) for r in session.scalars(
        select(WebhookSubscriptionRow).order_by(WebhookSubscriptionRow.id))]


def end_subscription(session: Session, subscription_id: int) -> bool:
    row = session.get(WebhookSubscriptionRow, subscription_id)
    if row is None:
        return False
    row.active = False
    return True


def deliveries(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """The latest deliveries for the administrator's page (references only)."""
    rows = session.scalars(select(WebhookDeliveryRow).order_by(WebhookDeliveryRow.id.desc())
                           .limit(limit))
    return [{"id": r.id, "subscription_id": r.subscription_id, "event": r.event,
             "event_id": r.event_id, "status": r.status, "attempts": r.attempts,
             "last_status": r.last_status, "next_attempt_at": r.next_attempt_at,
             "delivered_at": r.delivered_at, "created_at": r.created_at} for r in rows]


# -- reading events into the outbox ---------------------------------------------------
def queue_webhook_events(session: Session, now: datetime) -> int:
    """Queue a delivery for every new event each active subscription may see (flushed,
    not committed: the caller's transaction decides)."""
    queued = 0
    subs = session.scalars(select(WebhookSubscriptionRow).where(
        WebhookSubscriptionRow.active.is_(True)).order_by(WebhookSubscriptionRow.id)
        .with_for_update(skip_locked=True)).all()
    for sub in subs:
        queued += _queue_for(session, sub, now)
    session.flush()
    return queued


def _queue_for(session: Session, sub: WebhookSubscriptionRow, now: datetime) -> int:
    kind = EventKind(sub.event)
    triggers = sorted(t for t, k in TRIGGERS.items() if k is kind)
    agency = session.scalar(select(ApiClientRow.agency).where(ApiClientRow.id == sub.client_id))
    events = session.scalars(select(EventRow).where(
        EventRow.id > sub.last_event_id, EventRow.trigger.in_(triggers))
        .order_by(EventRow.id).limit(_BATCH)).all()
    queued = 0
    for event in events:
        data = _data(session, kind, event, str(agency))
        if data is not None:
            session.add(WebhookDeliveryRow(
                subscription_id=sub.id, event_id=f"evt_{event.id}", event=kind.value,
                payload={"id": f"evt_{event.id}", "type": kind.value,
                         "occurred_at": event.at.isoformat(), "data": data},
                created_at=now, next_attempt_at=now))
            queued += 1
        sub.last_event_id = event.id
    return queued


def _data(session: Session, kind: EventKind, event: EventRow, agency: str
          ) -> dict[str, Any] | None:
    """The event's payload for a client of ``agency``, or None when it is not theirs."""
    if kind in (EventKind.CONTACT_CREATED, EventKind.CONTACT_DECIDED):
        if sender_agency(session, event.contact_id) != agency:
            return None
        return _contact_data(session, kind, event)
    return _request_data(session, kind, event, agency)


def _contact_data(session: Session, kind: EventKind, event: EventRow) -> dict[str, Any] | None:
    contact = {"id": event.contact_id, "reference": reference_for(event.contact_id),
               "stage": event.to_stage}
    if kind is EventKind.CONTACT_CREATED:
        return {"contact": contact}
    if event.to_stage == Stage.AWAITING_SIGNOFF:
        return None  # an override is not in force until a manager signs it off
    decision = session.scalar(select(ThresholdDecisionRow).where(
        ThresholdDecisionRow.contact_id == event.contact_id)
        .order_by(ThresholdDecisionRow.id.desc()).limit(1))
    if decision is None:
        return None
    return {"contact": contact, "decision": {
        "outcome": decision.outcome, "outcome_label": OUTCOMES.get(decision.outcome),
        "level": decision.level, "decided_at": decision.decided_at.isoformat()}}


def _request_data(session: Session, kind: EventKind, event: EventRow, agency: str
                  ) -> dict[str, Any] | None:
    """A request is named by its own id only, never the contact it belongs to (as the
    API answers a partner)."""
    stmt = select(InfoRequestRow).where(InfoRequestRow.agency == agency,
                                        InfoRequestRow.contact_id == event.contact_id)
    if kind is EventKind.REQUEST_ANSWERED:
        stmt = stmt.where(InfoRequestRow.id == int(event.payload.get("request_id") or 0))
    elif event.payload.get("agency") != agency:
        return None
    else:  # the request row the event made: same contact, agency and instant
        stmt = stmt.where(InfoRequestRow.requested_at == event.at).order_by(InfoRequestRow.id)
    found = session.scalar(stmt.limit(1))
    if found is None:
        return None
    request: dict[str, Any] = {"id": found.id, "due_at": found.due_at.isoformat(),
                               "rag": found.rag}
    if kind is EventKind.REQUEST_ANSWERED:
        request |= {"status": "answered", "sharing": found.sharing,
                    "answered_at": found.answered_at.isoformat() if found.answered_at else None}
    return {"request": request}


# -- delivering ------------------------------------------------------------------------
def deliver_due_webhooks(session: Session, now: datetime, http_post: HttpPost,
                         limit: int = 100) -> DeliveryRun:
    """Queue new events, then send every delivery that is due, signed; record each
    answer and schedule a retry (exponential backoff) for each failure. Commits."""
    queued = queue_webhook_events(session, now)
    claimed = _claim(session, now, limit)
    session.commit()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for delivery_id, url, secret, body, event_id, event in claimed:
        headers = {"Content-Type": "application/json", EVENT_ID_HEADER: event_id,
                   "Front-Door-Event": event, "User-Agent": "FrontDoor-Webhooks/1",
                   SIGNATURE_HEADER: signature(secret, int(now.timestamp()), body)}
        status = http_post(url, body, headers, TIMEOUT_SECONDS).status
        counts[_record(session, delivery_id, status, now)] += 1
        session.commit()
    return DeliveryRun(queued, **counts)


def _claim(session: Session, now: datetime, limit: int
           ) -> list[tuple[int, str, str, bytes, str, str]]:
    rows = session.execute(
        select(WebhookDeliveryRow, WebhookSubscriptionRow)
        .join(WebhookSubscriptionRow,
              WebhookSubscriptionRow.id == WebhookDeliveryRow.subscription_id)
        .where(WebhookDeliveryRow.status == "pending",
               WebhookDeliveryRow.next_attempt_at <= now)
        .order_by(WebhookDeliveryRow.id).limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDeliveryRow)).all()
    claimed = []
    for delivery, sub in rows:
        delivery.next_attempt_at = now + LEASE
        body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
        claimed.append((delivery.id, sub.url, sub.secret, body, delivery.event_id,
                        delivery.event))
    return claimed


def _record(session: Session, delivery_id: int, status: int | None, now: datetime) -> str:
    row = session.get(WebhookDeliveryRow, delivery_id)
    assert row is not None  # claimed above, never deleted
    row.attempts += 1
    row.last_status = status
    if status is not None and 200 <= status < 300:
        row.status, row.delivered_at, row.next_attempt_at = "delivered", now, None
        return "delivered"
    row.next_attempt_at = next_attempt(row.attempts, now)
    if row.next_attempt_at is None:
        row.status = "failed"
        return "failed"
    return "retrying"
