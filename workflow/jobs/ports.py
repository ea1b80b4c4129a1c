"""What the worker needs of a queue: claim, finish, fail, and schedule a periodic slot.

A claimed job is leased to one worker until ``locked_until``: a worker that dies mid-job
leaves its lease to run out, and the next claim after that tries the job again (counted as
an attempt), so work survives a crash but is never run by two workers at once while the
lease holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol


@dataclass(frozen=True)
class Job:
    """One claimed job, as its worker sees it."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int  # including this one
    max_attempts: int


class Queue(Protocol):
    def enqueue(self, kind: str, payload: dict[str, Any], now: datetime, *, max_attempts: int,
                unique_key: str | None = None, run_after: datetime | None = None) -> bool: ...
    def reap(self, now: datetime) -> int: ...
    def claim(self, worker: str, now: datetime, leases: dict[str, timedelta]) -> Job | None: ...
    def complete(self, job: Job, worker: str, now: datetime) -> bool: ...
    def fail(self, job: Job, worker: str, now: datetime, error: str,
             retry_at: datetime | None) -> bool: ...
    def retry_dead(self, job_id: int, now: datetime) -> bool: ...
