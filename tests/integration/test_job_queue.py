"""The job queue on SQLite and PostgreSQL: many workers, each job run once; retries with
backoff; a crashed worker's lease running out; dead letters; one job per periodic slot."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from workflow.jobs.kinds import Every, JobKind, Registry
from workflow.jobs.worker import Worker, schedule_due
from workflow.persistence.queue import LEASE_RAN_OUT
from workflow.persistence.store import Store, open_store
from workflow.persistence.tables_jobs import JobRow

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand (the worker and the queue read it)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def store(engine: Engine, database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def _row(engine: Engine, job_id: int) -> JobRow:
    with Session(engine) as session:
        row = session.get(JobRow, job_id)
        assert row is not None
        return row


def _only_job(engine: Engine) -> JobRow:
    with Session(engine) as session:
        [row] = session.scalars(select(JobRow)).all()
        return row


def _worker(store: Store, kinds: Registry, clock: Any, name: str = "w1") -> Worker:
    return Worker(name, store.queue, kinds, None, clock)


def test_four_workers_on_their_own_connections_run_each_of_200_jobs_exactly_once(
        engine: Engine, database_url: str, store: Store) -> None:
    ran: list[int] = []
    lock = threading.Lock()

    def record(_: Any, payload: dict[str, Any]) -> None:
        with lock:
            ran.append(payload["n"])

    kinds = Registry()
    kinds.add(JobKind("count", "Count", record))
    for n in range(200):
        store.queue.enqueue("count", {"n": n}, T0, max_attempts=3)
    stores = [open_store(database_url) for _ in range(4)]
    start = threading.Barrier(4)

    def drain(mine: Store, name: str) -> None:
        worker = Worker(name, mine.queue, kinds, None, lambda: T0)
        start.wait()
        while worker.run_once():
            pass

    threads = [threading.Thread(target=drain, args=(s, f"w{i}")) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for mine in stores:
        mine.close()

    assert sorted(ran) == list(range(200))  # every job, none twice
    with Session(engine) as session:
        states = Counter(session.scalars(select(JobRow.state)))
        by_worker = Counter(session.scalars(select(JobRow.locked_by)))
    assert states == {"done": 200}
    assert len(by_worker) > 1  # the work really was shared


def test_a_job_failing_twice_is_retried_after_a_growing_wait_and_then_succeeds(
        engine: Engine, store: Store) -> None:
    tries: list[datetime] = []
    clock = Clock(T0)

    def flaky(_: Any, payload: dict[str, Any]) -> None:
        tries.append(clock.now)
        if len(tries) <= 2:
            raise ConnectionError("mail server 10.0.0.5 refused the connection")

    kinds = Registry()
    kinds.add(JobKind("flaky", "Flaky", flaky, max_attempts=5, backoff=timedelta(seconds=30)))
    store.queue.enqueue("flaky", {}, T0, max_attempts=5)
    worker = _worker(store, kinds, clock)

    assert worker.run_once()  # first try fails: next in 30 s
    clock.advance(seconds=29)
    assert not worker.run_once()
    clock.advance(seconds=1)
    assert worker.run_once()  # second try fails: next in 60 s
    assert _only_job(engine).last_error == \
        "ConnectionError: mail server 10.0.0.5 refused the connection"
    clock.advance(seconds=59)
    assert not worker.run_once()
    clock.advance(seconds=1)
    assert worker.run_once()

    job = _only_job(engine)
    assert (job.state, job.attempts) == ("done", 3)
    assert tries == [T0, T0 + timedelta(seconds=30), T0 + timedelta(seconds=90)]


def test_a_crashed_workers_job_is_retried_by_another_once_its_lease_runs_out(
        engine: Engine, store: Store) -> None:
    ran: list[str] = []
    clock = Clock(T0)
    kinds = Registry()
    kinds.add(JobKind("slow", "Slow", lambda ctx, p: ran.append("ran"),
                      lease=timedelta(minutes=10)))
    store.queue.enqueue("slow", {}, T0, max_attempts=3)
    crashed = store.queue.claim("crashed", T0, {"slow": timedelta(minutes=10)})
    assert crashed is not None  # ... and the process dies holding it
    survivor = _worker(store, kinds, clock, "survivor")

    clock.advance(minutes=9)
    assert not survivor.run_once()  # the lease still holds: nobody else may take it
    clock.advance(minutes=1, seconds=1)
    assert survivor.run_once()

    job = _only_job(engine)
    assert ran == ["ran"]
    assert (job.state, job.attempts, job.locked_by) == ("done", 2, "survivor")
    # The crashed worker coming back late cannot overwrite the outcome.
    assert not store.queue.complete(crashed, "crashed", clock.now)
    assert not store.queue.fail(crashed, "crashed", clock.now, "late", None)
    assert _only_job(engine).state == "done"


def test_a_job_out_of_tries_is_dead_with_its_error_and_an_administrator_can_retry_it(
        engine: Engine, store: Store) -> None:
    clock = Clock(T0)
    kinds = Registry()

    def broken(_: Any, payload: dict[str, Any]) -> None:
        raise TimeoutError("Notify did not answer")

    kinds.add(JobKind("broken", "Broken", broken, max_attempts=2))
    store.queue.enqueue("broken", {}, T0, max_attempts=2)
    worker = _worker(store, kinds, clock)
    worker.run_once()
    clock.advance(minutes=5)
    worker.run_once()
    clock.advance(hours=5)
    assert not worker.run_once()  # dead: never tried again by itself

    job = _only_job(engine)
    assert (job.state, job.attempts, job.last_error) == (
        "dead", 2, "TimeoutError: Notify did not answer")
    assert store.queue.retry_dead(job.id, clock.now)
    assert not store.queue.retry_dead(job.id, clock.now)  # only a dead job
    assert (_row(engine, job.id).state, _row(engine, job.id).attempts) == ("queued", 0)


def test_a_lease_that_runs_out_on_the_last_try_makes_the_job_dead(
        engine: Engine, store: Store) -> None:
    store.queue.enqueue("slow", {}, T0, max_attempts=1)
    assert store.queue.claim("crashed", T0, {"slow": timedelta(minutes=1)}) is not None

    store.queue.reap(T0 + timedelta(minutes=2))

    job = _only_job(engine)
    assert (job.state, job.last_error) == ("dead", LEASE_RAN_OUT)


def test_workers_scheduling_one_periodic_slot_make_one_job_and_the_next_slot_another(
        engine: Engine, database_url: str, store: Store) -> None:
    kinds = Registry()
    kinds.add(JobKind("sweep", "Sweep", lambda ctx, p: None, schedule=Every(5)))
    other = open_store(database_url)
    try:
        made = [schedule_due(q, kinds, T0 + timedelta(minutes=m))
                for m in (1, 2) for q in (store.queue, other.queue)]
        made.append(schedule_due(store.queue, kinds, T0 + timedelta(minutes=5)))
    finally:
        other.close()

    assert made == [1, 0, 0, 0, 1]
    with Session(engine) as session:
        keys = list(session.scalars(select(JobRow.unique_key).order_by(JobRow.id)))
    assert keys == ["sweep@2026-12-01T09:00", "sweep@2026-12-01T09:05"]


def test_a_job_of_an_unknown_kind_is_dead_at_once(engine: Engine, store: Store) -> None:
    store.queue.enqueue("retired_kind", {}, T0, max_attempts=5)

    _worker(store, Registry(), lambda: T0).run_once()

    job = _only_job(engine)
    assert (job.state, job.attempts) == ("dead", 1)
    assert "retired_kind" in job.last_error


def test_done_jobs_older_than_the_cut_off_are_forgotten_and_dead_ones_kept(
        engine: Engine, store: Store) -> None:
    kinds = Registry()
    kinds.add(JobKind("ok", "OK", lambda ctx, p: None))
    for n in range(2):
        store.queue.enqueue("ok", {"n": n}, T0, max_attempts=1)
    store.queue.enqueue("gone", {}, T0, max_attempts=1)
    worker = _worker(store, kinds, lambda: T0)
    while worker.run_once():
        pass

    forgotten = store.queue.prune(T0 + timedelta(seconds=1))

    with Session(engine) as session:
        left = list(session.scalars(select(JobRow.kind)))
    assert (forgotten, left) == (2, ["gone"])
