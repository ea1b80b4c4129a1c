"""Every kind of background job, registered here, and what each one runs.

| kind | when | what |
|---|---|---|
| breach_sweep | every 5 minutes | breaches, notices, a delivery job per notice; old drafts purged |
| notification | per notice | deliver one notice once (``web.notify.deliver``) |
| dfe_feed | daily 02:00 London, when FRONTDOOR_DFE_* is set | send the DfE's delta feed |
| annex_a_export | on request (``frontdoor jobs add annex-a``) | write Annex A to instance/exports |
| webhooks | every minute | queue new events for subscribers and send the due, signed deliveries |

Why the registry is built here, at the composition point, rather than by each area at
import time: nothing happens at import time (ARCHITECTURE.md habit 2), and the kinds need
the web layer's sinks and the feed's HTTP client. Adding a kind is one ``JobKind`` in
:func:`registry`; the worker, the scheduler and the admin page take it from there.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

from reporting.annex_a import Period, build_annex_a, write_xlsx
from reporting.annex_a_spec import load_annex_config
from reporting.cin_census import load_la_number
from web.notify import Sink, Wording, deliver, sink_from_config
from web.settings import PROJECT_ROOT, load_feed_settings
from workflow.feed.ports import FeedError
from workflow.jobs.kinds import Daily, Every, JobFailed, JobKind, Registry
from workflow.jobs.ports import Queue
from workflow.jobs.worker import Worker
from workflow.oversight.escalation import load_policy
from workflow.rules import Rules

LOCAL_SIGN_IN = "http://127.0.0.1:5000"
NOTE_ATTEMPTS = 8
KEEP_DONE = timedelta(days=30)


class Store(Protocol):
    """What jobs take from ``workflow.persistence.store.Store`` (opened by the CLI)."""

    queue: Any  # SqlQueue: the Queue port and ``unqueued_notifications``
    outbox: Any
    feed_log: Any
    drafts: Any  # SqlDrafts: the drafts port (workflow.drafts)

    def sweep(self, now: datetime, policy: Any) -> Any: ...
    def deliver_webhooks(self, now: datetime, http_post: Any) -> Any: ...
    def read(self) -> Any: ...


@dataclass
class JobContext:
    """What a job may use: the database, the configuration, the environment and a clock."""

    store: Store
    config_dir: Path
    environ: Mapping[str, str]
    rules_source: Callable[[], Rules]  # the command's own rules, loaded when first asked
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    _sink: Sink | None = field(default=None, repr=False)

    @property
    def rules(self) -> Rules:
        return self.rules_source()

    @property
    def sink(self) -> Sink:
        if self._sink is None:
            self._sink = sink_from_config(self.config_dir, self.environ)
        return self._sink

    def sessions(self) -> Any:
        return self.store.read()

    def wording(self) -> Wording:
        return Wording(self.rules.timescales.titles(),
                       self.environ.get("FRONTDOOR_BASE_URL") or LOCAL_SIGN_IN)


def enqueue_notes(ctx: JobContext) -> int:
    """One delivery job per unsent note that has none yet (keyed by the note's id)."""
    return sum(ctx.store.queue.enqueue("notification", {"note_id": note_id}, ctx.clock(),
                                       max_attempts=NOTE_ATTEMPTS, unique_key=f"note:{note_id}")
               for note_id in ctx.store.queue.unqueued_notifications())


def run_sweep(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The breach sweep, then a delivery job for each notice it queued; done jobs older
    than ``KEEP_DONE`` are forgotten (288 sweeps a day would otherwise pile up), and so are
    drafts past their keeping time (``workflow.drafts.KEEP_FOR``)."""
    now = ctx.clock()
    ctx.store.sweep(now, load_policy(ctx.config_dir))
    enqueue_notes(ctx)
    ctx.store.queue.prune(now - KEEP_DONE)
    ctx.store.drafts.purge(now)


def run_notification(ctx: JobContext, payload: dict[str, Any]) -> None:
    note_id = payload.get("note_id")
    if not isinstance(note_id, int):
        raise JobFailed("the job names no notification")
    deliver(ctx.store.outbox, ctx.sink, ctx.wording(), note_id, ctx.clock)


def run_feed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The nightly delta; a partial send raises so the job is tried again later."""
    from web.cli_feed import OK, build_now, send_built

    result = send_built(ctx, build_now(ctx, full=False), load_feed_settings(ctx.environ),
                        load_la_number(ctx.config_dir))
    if result.status not in OK:
        raise FeedError(f"feed run {result.run_id} ended {result.status}")


def run_annex_a(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Annex A for a period, written to instance/exports/ (the file is the council's own)."""
    try:
        period = Period(date.fromisoformat(payload["from"]), date.fromisoformat(payload["to"]))
    except (KeyError, TypeError, ValueError) as error:
        raise JobFailed(f"the period is not valid ({type(error).__name__})") from None
    config = load_annex_config(ctx.config_dir, period.end)
    with ctx.sessions() as session:
        lists = build_annex_a(session, period, config)
    folder = PROJECT_ROOT / "instance" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    write_xlsx(lists, folder / f"annex-a-{period.start}-{period.end}.xlsx")


def run_webhooks(ctx: JobContext, payload: dict[str, Any]) -> None:
    """One webhook run. A delivery that fails is retried by its own backoff (kept on the
    delivery row), so this job succeeds whether or not each receiver answered."""
    from web.webhook_client import urllib_post

    ctx.store.deliver_webhooks(ctx.clock(), urllib_post)


def registry(environ: Mapping[str, str]) -> Registry:
    """Every job kind; the DfE feed is scheduled only where the DfE's settings are given."""
    kinds = Registry()
    kinds.add(JobKind("breach_sweep", "Breach sweep", run_sweep, max_attempts=3,
                      lease=timedelta(minutes=5), schedule=Every(5)))
    kinds.add(JobKind("notification", "Notification delivery", run_notification,
                      max_attempts=NOTE_ATTEMPTS, backoff=timedelta(minutes=1),
                      lease=timedelta(minutes=2)))
    feed_on = bool(environ.get("FRONTDOOR_DFE_API_URL"))
    kinds.add(JobKind("dfe_feed", "DfE daily feed", run_feed, max_attempts=4,
                      backoff=timedelta(minutes=15), lease=timedelta(hours=1),
                      schedule=Daily(time(2, 0)) if feed_on else None))
    kinds.add(JobKind("annex_a_export", "Annex A export", run_annex_a, max_attempts=2,
                      lease=timedelta(minutes=30)))
    kinds.add(JobKind("webhooks", "Webhook deliveries", run_webhooks, max_attempts=3,
                      lease=timedelta(minutes=5), schedule=Every(1)))
    return kinds


def worker_name() -> str:
    """Host and process id: which worker holds a job, as the admin page shows it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def make_worker(store: Store, config_dir: Path, environ: Mapping[str, str],
                rules: Callable[[], Rules], name: str | None = None) -> Worker:
    """A worker for the ``frontdoor worker`` command (its store, config and rules)."""
    ctx = JobContext(store, config_dir, environ, rules)
    queue: Queue = store.queue
    return Worker(name or worker_name(), queue, registry(environ), ctx, ctx.clock)
