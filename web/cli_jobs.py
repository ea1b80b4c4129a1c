"""``frontdoor worker`` runs background jobs; ``frontdoor jobs`` adds and retries them.

Run as many workers as the load needs (compose.yaml runs one; a council may run more):
each claims jobs from the shared table, and a periodic slot or a notice runs once however
many there are. SIGTERM (``docker compose stop``) and Ctrl-C let the job in hand finish,
then the worker exits 0.

``web.cli`` attaches these; ``ctx.obj`` (its Context) gives the database and config.
"""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime
from typing import Any

import click

from web.jobs import make_worker, registry
from web.words import plural

_DAY = click.DateTime(["%Y-%m-%d"])


@click.command("worker")
@click.option("--idle", default=5.0, show_default=True, type=click.FloatRange(0.1, 300),
              help="Seconds to wait when no job is due.")
@click.option("--once", is_flag=True, help="Run due jobs until none is left, then exit.")
@click.pass_obj
def worker(obj: Any, idle: float, once: bool) -> None:
    """Run background jobs: the breach sweep, notifications, the DfE feed, exports."""
    runner = make_worker(obj.store, obj.config_dir, os.environ, lambda: obj.rules)
    if once:
        ran = 0
        while runner.run_once():
            ran += 1
        click.echo(f"Ran {plural(ran, 'job')}.")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"Worker {runner.name} started.", err=True)
    runner.run_until(stop, idle)
    click.echo(f"Worker {runner.name} stopped.", err=True)


@click.group("jobs")
def jobs() -> None:
    """The background job queue."""


@jobs.command("add")
@click.argument("kind", type=click.Choice(["annex-a", "sweep", "feed"]))
@click.option("--from", "start", type=_DAY, help="Annex A: first day (YYYY-MM-DD).")
@click.option("--to", "end", type=_DAY, help="Annex A: last day, included.")
@click.pass_obj
def add(obj: Any, kind: str, start: datetime | None, end: datetime | None) -> None:
    """Queue a job now (a worker runs it): an Annex A export, a sweep, or a feed send."""
    name = {"annex-a": "annex_a_export", "sweep": "breach_sweep", "feed": "dfe_feed"}[kind]
    payload: dict[str, Any] = {}
    if kind == "annex-a":
        if start is None or end is None:
            raise click.UsageError("annex-a needs --from and --to")
        payload = {"from": start.date().isoformat(), "to": end.date().isoformat()}
    found = registry(os.environ).get(name)
    assert found is not None
    obj.store.queue.enqueue(name, payload, datetime.now(UTC), max_attempts=found.max_attempts)
    click.echo(f"Queued: {found.label}.")


@jobs.command("retry")
@click.argument("job_id", type=click.IntRange(1, 2**31 - 1))
@click.pass_obj
def retry(obj: Any, job_id: int) -> None:
    """Send a dead job back to the queue with a fresh set of tries."""
    if not obj.store.queue.retry_dead(job_id, datetime.now(UTC)):
        raise click.ClickException(f"Job {job_id} is not a dead job.")
    click.echo(f"Job {job_id} queued again.")
