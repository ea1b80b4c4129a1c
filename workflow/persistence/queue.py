"""The job queue in table ``job``, safe with any number of workers.

PostgreSQL: a claim selects the oldest due job ``FOR UPDATE SKIP LOCKED`` and leases it in
the same transaction, so two workers never take one row and neither waits for the other.
SQLite: every writing transaction starts ``BEGIN IMMEDIATE`` (``db.py``), so claims are
serialised by the one write lock and the same statements are just as exact, only one at a
time. Every change of a running job is conditional on the worker still holding it (state
and ``locked_by``), so a worker whose lease ran out and whose job was taken over cannot
overwrite the new holder's outcome.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, delete, exists, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from workflow.jobs.ports import Job
from workflow.persistence.tables_jobs import JobRow
from workflow.persistence.tables_oversight import NotificationRow

LEASE_RAN_OUT = "The worker stopped before finishing (its lease ran out)."
DEFAULT_LEASE = timedelta(minutes=10)


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


class SqlQueue:
    """Jobs in table ``job``; one short transaction per call."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def enqueue(self, kind: str, payload: dict[str, Any], now: datetime, *, max_attempts: int,
                unique_key: str | None = None, run_after: datetime | None = None) -> bool:
        """Add a job; with a ``unique_key`` already present, add nothing (returns False)."""
        with self.sessions() as db:
            added = db.execute(_insert(db).values(
                kind=kind, payload=payload, unique_key=unique_key, state="queued", attempts=0,
                max_attempts=max_attempts, run_after=run_after or now, created_at=now,
                last_error="").on_conflict_do_nothing(index_elements=["unique_key"])
                .returning(JobRow.id)).first()
            db.commit()
            return added is not None

    def reap(self, now: datetime) -> int:
        """Jobs whose worker's lease ran out go back to the queue, or die if out of tries."""
        spent = JobRow.attempts >= JobRow.max_attempts
        with self.sessions() as db:
            count = _rowcount(db.execute(update(JobRow).where(
                JobRow.state == "running", JobRow.locked_until < now).values(
                state=case((spent, "dead"), else_="queued"),
                finished_at=case((spent, now), else_=None), run_after=now,
                locked_by=None, locked_until=None, last_error=LEASE_RAN_OUT)))
            db.commit()
            return count

    def claim(self, worker: str, now: datetime, leases: dict[str, timedelta]) -> Job | None:
        """Lease the oldest due job to ``worker``, counting the try; None if none is due."""
        with self.sessions() as db:
            row = db.scalars(select(JobRow).where(
                JobRow.state == "queued", JobRow.run_after <= now)
                .order_by(JobRow.run_after, JobRow.id).limit(1)
                .with_for_update(skip_locked=True)).first()
            if row is None:
                db.rollback()
                return None
            row.state, row.locked_by = "running", worker
            row.locked_until = now + leases.get(row.kind, DEFAULT_LEASE)
            row.attempts += 1
            job = Job(row.id, row.kind, dict(row.payload), row.attempts, row.max_attempts)
            db.commit()
            return job

    def _held(self, job: Job, worker: str, **values: Any) -> bool:
        with self.sessions() as db:
            done = _rowcount(db.execute(update(JobRow).where(
                JobRow.id == job.id, JobRow.state == "running", JobRow.locked_by == worker)
                .values(locked_until=None, **values)))
            db.commit()
            return done == 1

    def complete(self, job: Job, worker: str, now: datetime) -> bool:
        """Mark done; False if the lease was lost (another worker holds the job now)."""
        return self._held(job, worker, state="done", finished_at=now)

    def fail(self, job: Job, worker: str, now: datetime, error: str,
             retry_at: datetime | None) -> bool:
        """Queue the next try at ``retry_at``, or mark dead when there is none."""
        if retry_at is None:
            return self._held(job, worker, state="dead", finished_at=now, last_error=error)
        return self._held(job, worker, state="queued", run_after=retry_at, locked_by=None,
                          last_error=error)

    def retry_dead(self, job_id: int, now: datetime) -> bool:
        """An administrator sends a dead job back with a fresh set of tries."""
        with self.sessions() as db:
            done = _rowcount(db.execute(update(JobRow).where(
                JobRow.id == job_id, JobRow.state == "dead").values(
                state="queued", attempts=0, run_after=now, finished_at=None)))
            db.commit()
            return done == 1

    def prune(self, finished_before: datetime) -> int:
        """Forget done jobs finished before the cut-off (dead ones stay until retried).
        Safe for keys: a past slot is never scheduled again and a sent note never queued."""
        with self.sessions() as db:
            count = _rowcount(db.execute(delete(JobRow).where(
                JobRow.state == "done", JobRow.finished_at < finished_before)))
            db.commit()
            return count

    def unqueued_notifications(self, limit: int = 1000) -> list[int]:
        """Ids of unsent notifications that have no delivery job yet."""
        key = literal("note:") + cast(NotificationRow.id, String)
        with self.sessions() as db:
            return list(db.scalars(select(NotificationRow.id).where(
                NotificationRow.sent_at.is_(None), ~exists().where(JobRow.unique_key == key))
                .order_by(NotificationRow.id).limit(limit)))


def _insert(db: Session) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the dialect of the session's database."""
    return (pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert)(JobRow)
