"""The threshold decision's table: one row per decision, the home of every decision value.

Why a table and not the event's payload: the consistency report (per worker, team and
month: decisions, matching share, overrides and who signed them off) and the contact page
read decisions by date and by contact, on indexed columns; the event keeps what was sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base
from workflow.persistence.types import JSONDoc


class ThresholdDecisionRow(Base):
    """One threshold decision (an override awaits sign-off; a returned one is history)."""

    __tablename__ = "threshold_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    level: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    reasonable_cause: Mapped[str] = mapped_column(Text, default="")
    primary_need: Mapped[str | None] = mapped_column(String(2))
    catalogue_id: Mapped[str] = mapped_column(String(60))
    catalogue_version: Mapped[int]
    recommended_level: Mapped[int]
    is_override: Mapped[bool]
    matches_recommendation: Mapped[bool]
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    signed_off_by: Mapped[str | None] = mapped_column(String(80))
    signed_off_at: Mapped[datetime | None]
    sign_off_comment: Mapped[str] = mapped_column(Text, default="")
    returned_by: Mapped[str | None] = mapped_column(String(80))
    returned_at: Mapped[datetime | None]
    return_reason: Mapped[str] = mapped_column(Text, default="")
    # The consistency KPI counts a year of decisions and those that matched: from the index.
    __table_args__ = (Index("ix_threshold_decision_decided_match", "decided_at",
                            "matches_recommendation"),)
