"""The table of casework the practice standards time, beside visits and plan meetings.

Why one table: a plan written or updated, a child in need review, a supervision and a
hand-over meeting are each a dated thing someone did on a case, with who recorded it and
a note; the compliance and performance pages count them by kind and month, one indexed
query over ``(kind, happened_at)``. The practice-standard clocks themselves live in the
clock table with the timescales. Rows are appended, never changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class CaseActivityRow(Base):
    """One plan written, review, supervision or hand-over on a case."""

    __tablename__ = "case_activity"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    happened_at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_case_activity_kind_at", "kind", "happened_at"),)
