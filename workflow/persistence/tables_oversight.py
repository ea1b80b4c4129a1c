"""Tables of manager oversight: recorded breaches and the notification outbox.

Both are keyed so that the breach sweep can run every few minutes from cron and never
record or send anything twice: a breach is unique per clock, a notification per
(clock, kind) — the database refuses the duplicate, not a Python check that can race.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class ClockBreachRow(Base):
    """The moment the sweep first saw a clock past its due instant."""

    __tablename__ = "clock_breach"
    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clock.id"), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(index=True)


class NotificationRow(Base):
    """One message to one person, queued by the sweep and sent by the outbox worker: a
    notice about a clock to a member of staff, or feedback to a referrer (no clock; the
    recipient is their email address; the words are the feedback as recorded)."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # warning | breach | escalation | feedback
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    clock_id: Mapped[int | None] = mapped_column(ForeignKey("clock.id"))
    # The words at queueing time, kept for the record; what is shown and sent is composed
    # from the clock by workflow.oversight.messages.
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    attempted_at: Mapped[datetime | None]  # a send began (see workflow.oversight.outbox)
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_notification_unsent", "sent_at"),)
