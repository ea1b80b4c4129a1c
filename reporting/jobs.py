"""The job queue as the administrators' page shows it: counts, recent failures, last runs.

Plain data out of table ``job``; the kinds' labels and schedules are the registry's
(``web.jobs``), so this module only counts and lists. Nothing here is personal data: kinds,
ids, times and the short error summaries the worker keeps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.persistence.tables_jobs import JobRow

STATES = ("queued", "running", "done", "dead")


def counts(session: Session) -> dict[str, dict[str, int]]:
    """Jobs by kind, then by state (every state present, zero where none)."""
    found: dict[str, dict[str, int]] = {}
    rows = session.execute(select(JobRow.kind, JobRow.state, func.count())
                           .group_by(JobRow.kind, JobRow.state)).all()
    for kind, state, number in rows:
        found.setdefault(kind, dict.fromkeys(STATES, 0))[state] = int(number)
    return found


def failures(session: Session, limit: int = 20) -> list[dict[str, Any]]:
    """The latest jobs that failed a try (dead, or queued again), newest first."""
    rows = session.scalars(select(JobRow).where(JobRow.last_error != "",
                                                JobRow.state.in_(("dead", "queued")))
                           .order_by(JobRow.run_after.desc(), JobRow.id.desc()).limit(limit))
    return [{"id": r.id, "kind": r.kind, "state": r.state, "attempts": r.attempts,
             "max_attempts": r.max_attempts, "error": r.last_error,
             "at": r.finished_at or r.run_after} for r in rows]


def last_runs(session: Session) -> dict[str, datetime]:
    """When each kind last finished a job successfully."""
    rows = session.execute(select(JobRow.kind, func.max(JobRow.finished_at))
                           .where(JobRow.state == "done").group_by(JobRow.kind)).all()
    return {kind: at for kind, at in rows if at is not None}
