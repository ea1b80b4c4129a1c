"""The table of meetings booked ahead on a contact (``workflow.bookings``).

Why a row of its own: the team's list of upcoming meetings is one indexed query over
the booked rows by start time, and the contact page reads a contact's current booking of
each kind by one indexed lookup. A rebook updates the row (the reason is the latest one;
each change is also the contact's event), so the row is the booking's one home.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base
from workflow.persistence.types import JSONDoc


class MeetingBookingRow(Base):
    """One booked meeting: when, where or how, who is invited, and how it ended."""

    __tablename__ = "meeting_booking"
    __table_args__ = (
        Index("ix_meeting_booking_contact_kind", "contact_id", "kind"),
        Index("ix_meeting_booking_status_starts", "status", "starts_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    event_seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    starts_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(200))
    invitees: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    status: Mapped[str] = mapped_column(String(20))
    booked_by: Mapped[str] = mapped_column(String(80))
    booked_at: Mapped[datetime]
    late_reason: Mapped[str] = mapped_column(Text, default="")
    change_reason: Mapped[str] = mapped_column(Text, default="")
    times_rebooked: Mapped[int] = mapped_column(default=0)
