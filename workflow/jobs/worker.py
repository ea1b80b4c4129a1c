"""The worker loop: schedule due periodic slots, claim one job, run it, record the outcome.

Why one job at a time per worker: jobs are short (a sweep, one message, one feed run) and
a council runs a handful of workers, so concurrency comes from processes, each with its own
connection, and a SIGTERM only ever has to wait for one job. The error a failed try leaves
on the row is its exception's class and first line, cut short: exceptions here name ids
and HTTP codes (the adapters are written so), never a child.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from workflow.jobs.kinds import JobFailed, Registry, slot_key
from workflow.jobs.ports import Job, Queue

log = logging.getLogger("frontdoor.jobs")
ERROR_LIMIT = 300
REAP_EVERY = timedelta(seconds=30)


#: Exceptions whose text may quote a row's values (SQL parameters, a key's value).
_QUOTES_VALUES = ("sqlalchemy", "psycopg", "sqlite3")


def summary(error: BaseException) -> str:
    """A readable one-line summary of a failure for the admin page: the class and the first
    line, or the class alone for database errors, whose text can quote personal data."""
    if type(error).__module__.split(".")[0] in _QUOTES_VALUES:
        return f"{type(error).__name__} (a database error; its detail is not kept)"
    first = (str(error).strip().splitlines() or [""])[0]
    text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return text[:ERROR_LIMIT]


def schedule_due(queue: Queue, registry: Registry, now: datetime,
                 done: dict[str, datetime] | None = None) -> int:
    """Enqueue the current slot of every periodic kind (a no-op if any worker already did).
    ``done`` remembers the slots this worker already scheduled, so it asks once a slot."""
    made, done = 0, {} if done is None else done
    for kind in registry.periodic():
        assert kind.schedule is not None
        slot = kind.schedule.slot(now)
        if done.get(kind.name) == slot:
            continue
        made += queue.enqueue(kind.name, {"slot": slot.isoformat()}, now,
                              max_attempts=kind.max_attempts, unique_key=slot_key(kind, slot),
                              run_after=slot)
        done[kind.name] = slot
    return made


@dataclass
class Worker:
    """One worker: its name (on the rows it holds), its queue, kinds and context."""

    name: str
    queue: Queue
    registry: Registry
    context: Any
    clock: Callable[[], datetime]
    _scheduled: dict[str, datetime] = field(default_factory=dict, repr=False)
    _reaped: datetime | None = field(default=None, repr=False)

    def run_once(self) -> bool:
        """Schedule, reap expired leases, then run one job if any is due; whether one ran.
        Scheduling and reaping are asked once a slot and every 30 s, not before every job:
        on SQLite each is a write that would queue behind the others."""
        now = self.clock()
        schedule_due(self.queue, self.registry, now, self._scheduled)
        if self._reaped is None or now - self._reaped >= REAP_EVERY or now < self._reaped:
            self.queue.reap(now)
            self._reaped = now
        leases = {k.name: k.lease for k in self.registry}
        job = self.queue.claim(self.name, now, leases)
        if job is None:
            return False
        self._run(job)
        return True

    def _run(self, job: Job) -> None:
        kind = self.registry.get(job.kind)
        try:
            if kind is None:
                raise JobFailed(f"no job kind {job.kind!r} is registered")
            kind.run(self.context, job.payload)
        except Exception as error:  # every failure is recorded, none lost
            self._failed(job, error, permanent=kind is None or isinstance(error, JobFailed))
            return
        self.queue.complete(job, self.name, self.clock())
        log.info("job done", extra={"job_id": job.id, "kind": job.kind})

    def _failed(self, job: Job, error: Exception, permanent: bool) -> None:
        now = self.clock()
        kind = self.registry.get(job.kind)
        retry_at = None if permanent or kind is None or job.attempts >= job.max_attempts \
            else now + kind.delay_before(job.attempts)
        self.queue.fail(job, self.name, now, summary(error), retry_at)
        log.warning("job failed", extra={"job_id": job.id, "kind": job.kind,
                                         "attempt": job.attempts, "dead": retry_at is None})

    def run_until(self, stop: threading.Event, idle_seconds: float = 5.0) -> None:
        """Loop until ``stop`` is set (SIGTERM sets it); the job in hand always finishes."""
        while not stop.is_set():
            try:
                ran = self.run_once()
            except Exception as error:  # the database went away: wait, try again, never exit
                # The class only: a database error's text can carry the row's values.
                log.error("worker loop failed (%s); retrying", type(error).__name__)
                ran = False
            if not ran:
                stop.wait(idle_seconds)
