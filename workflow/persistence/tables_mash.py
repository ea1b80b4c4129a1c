"""Tables of the MASH: information requests to partner agencies and the daily meeting.

Why requests are rows, not clocks on the contact: a contact may have several requests
open at once, to several agencies, each with its own due instant; a partner's inbox and
the agency performance table read them by agency, status and due instant, which the
index ``ix_info_request_agency_status_due`` serves. "Overdue" is never stored: it is
``status = 'open' AND due_at < now``, computed in SQL when read.

``requested_month`` is the Europe/London month the request was sent in ("2026-03"),
written once at insert, so the monthly agency report groups on a plain indexed column
on every database instead of on dialect-specific date functions in UTC (which would put
a request sent at 00:30 BST on 1 April into March).

An answer says whether the agency shared (``sharing``: shared, shared_in_part,
not_shared; null for a request answered before this was recorded), the basis it shared on,
and, when it kept anything back, the reason and who decided (name and role, which need not
be the practitioner who typed it). A child's information-sharing ledger reads these columns.

A meeting is one per date (unique ``held_on``); an agenda item is one per contact per
meeting, and carries the agencies' views and the joint decision once recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class InfoRequestRow(Base):
    """One question to one partner agency about one contact."""

    __tablename__ = "info_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    agency: Mapped[str] = mapped_column(String(40))
    question: Mapped[str] = mapped_column(Text)
    lawful_basis: Mapped[str] = mapped_column(String(40))
    lawful_basis_detail: Mapped[str] = mapped_column(Text, default="")
    authorised_by: Mapped[str] = mapped_column(String(120))
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime]
    requested_month: Mapped[str] = mapped_column(String(7))
    rag: Mapped[str] = mapped_column(String(5))
    rule_version: Mapped[str] = mapped_column(String(60))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="open")
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(80))
    answer: Mapped[str] = mapped_column(Text, default="")
    sharing: Mapped[str | None] = mapped_column(String(16))
    answer_basis: Mapped[str | None] = mapped_column(String(40))
    answer_basis_detail: Mapped[str] = mapped_column(Text, default="")
    not_shared_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_name: Mapped[str] = mapped_column(String(120), default="")
    decided_by_role: Mapped[str] = mapped_column(String(120), default="")
    more_detrimental: Mapped[bool | None]
    chase_count: Mapped[int] = mapped_column(Integer, default=0)
    last_chased_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(80))
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        Index("ix_info_request_agency_status_due", "agency", "status", "due_at"),
        Index("ix_info_request_agency_month", "agency", "requested_month"),
    )


class MeetingRow(Base):
    """The daily MASH meeting: one per date, opened by its chair."""

    __tablename__ = "mash_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, unique=True)
    chair: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime]


class AttendeeRow(Base):
    """Who attended for which agency (attendees must be able to decide for it)."""

    __tablename__ = "mash_attendee"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("mash_meeting.id"), index=True)
    agency: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(120), default="")
    __table_args__ = (UniqueConstraint("meeting_id", "agency", "name",
                                       name="uq_attendee_meeting_agency_name"),)


class AgendaItemRow(Base):
    """A contact discussed at a meeting: the agencies' views and the joint decision."""

    __tablename__ = "mash_agenda_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("mash_meeting.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime]
    views: Mapped[dict[str, Any] | None]
    outcome: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[int | None]
    rationale: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("meeting_id", "contact_id",
                                       name="uq_agenda_meeting_contact"),)
