"""The table of pre-proceedings and family group decision making on a contact.

Why a row of its own: the CIN census reports each pre-proceedings as one block of dates
and flags (module 5, from 2026-27), and a council watches how many letters offered a
family group decision-making meeting; both are indexed queries over these rows. A row is
written in the transaction of the event that changed it and carries the event that
started it (``event_seq``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class PreProceedingsRow(Base):
    """One pre-proceedings: started, the letter and its FGDM offer, meetings, outcome."""

    __tablename__ = "pre_proceedings"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    started_on: Mapped[date] = mapped_column(Date, index=True)
    started_by: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    letter_sent_on: Mapped[date | None] = mapped_column(Date)
    fgdm_offered: Mapped[bool | None]
    fgdm_not_offered_reason: Mapped[str] = mapped_column(Text, default="")
    fgdm_facilitated: Mapped[bool | None]
    fgdm_held_on: Mapped[date | None] = mapped_column(Date)
    fgdm_not_held_reason: Mapped[str] = mapped_column(Text, default="")
    initial_meeting_on: Mapped[date | None] = mapped_column(Date)
    review_meetings: Mapped[int] = mapped_column(default=0)
    decided_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(2))
    court_application_on: Mapped[date | None] = mapped_column(Date)
    letter_initiating_on: Mapped[date | None] = mapped_column(Date)
