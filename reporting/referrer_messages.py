"""Where each feedback message to a contact's referrer has got to: sent, waiting, or
given up on, read from the notification outbox and the note's delivery job.

Keyed by the feedback event's place in the contact's history (its ``seq``), so the
timeline can say beside each feedback entry what became of the email it asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, literal, select
from sqlalchemy.orm import Session

from workflow.oversight import referrer
from workflow.persistence.tables import EventRow
from workflow.persistence.tables_jobs import JobRow
from workflow.persistence.tables_oversight import NotificationRow


@dataclass(frozen=True)
class Delivery:
    """One feedback note: to whom, when it was sent (None: not yet), and whether its job
    has given up (``dead``) and why (the job's error, which never holds an address)."""

    address: str
    sent_at: datetime | None
    gave_up: bool
    error: str


def referrer_messages(session: Session, contact_id: int) -> dict[int, Delivery]:
    """The feedback notes of one contact, by the seq of the event each was queued for."""
    event_key = literal(f"{referrer.KIND}:") + cast(EventRow.id, String)
    job_key = literal("note:") + cast(NotificationRow.id, String)
    rows = session.execute(
        select(EventRow.seq, NotificationRow.recipient, NotificationRow.sent_at,
               JobRow.state, JobRow.last_error)
        .join(NotificationRow, NotificationRow.dedupe_key == event_key)
        .outerjoin(JobRow, and_(JobRow.unique_key == job_key))
        .where(EventRow.contact_id == contact_id, EventRow.trigger == referrer.ACTION)).all()
    return {seq: Delivery(address, sent_at, state == "dead", error or "")
            for seq, address, sent_at, state, error in rows}
