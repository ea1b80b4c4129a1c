"""The background job queue: one row per piece of work a worker runs.

Why a table of our own and not a broker: the database is already the one thing every
worker shares, so a job is enqueued in the same transaction as the change that asks for
it, and PostgreSQL's ``FOR UPDATE SKIP LOCKED`` lets many workers claim rows without
blocking each other (SQLite, a single writer, claims under ``BEGIN IMMEDIATE``).
``unique_key`` is what stops N workers scheduling one periodic slot N times, and what
makes "deliver notification 42" a job that exists once. No row holds personal data:
kinds, ids, counts and short error summaries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class JobRow(Base):
    """One job: queued, running (leased to one worker until ``locked_until``), done or dead."""

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    unique_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(10))  # queued | running | done | dead
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int]
    run_after: Mapped[datetime]
    created_at: Mapped[datetime]
    locked_by: Mapped[str | None] = mapped_column(String(80))
    locked_until: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_job_claim", "state", "run_after"),
                      Index("ix_job_kind_state", "kind", "state"))
