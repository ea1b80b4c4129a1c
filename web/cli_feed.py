"""``frontdoor feed``: send the DfE's daily children's social care feed, and read its log.

Why a command run by cron, not the notification outbox: the outbox holds messages the sweep
queued minutes before, each complete when queued. The feed is computed at the moment it is
sent from the records as they are then (a queued payload would be stale by the morning and
would store personal data a second time), once a day, and its "queue" is the difference
between our records and what the DfE holds, which the ledger keeps. So ``feed send`` is its
own idempotent run: a second delta straight after a successful one finds nothing to send.

``web.cli`` attaches the group; ``ctx.obj`` (its Context) gives the database and config.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import click

from reporting.cin_census import load_la_number
from reporting.dfe_feed import build_feed
from reporting.dfe_feed_log import recent_runs
from reporting.dfe_feed_schema import batch_problems
from web.feed_client import HttpTransport
from web.settings import FeedSettings, SettingsError, load_feed_settings
from web.words import plural
from workflow.config_errors import ConfigError
from workflow.feed.ports import FeedError
from workflow.feed.records import Feed, FeedKind
from workflow.feed.sender import RetryPolicy, RunResult, send_feed

OK = ("sent", "nothing_to_send")


@click.group("feed")
def feed() -> None:
    """The DfE's daily children's social care data feed."""


def _report(built: Feed) -> None:
    for refusal in built.refusals:  # LA id and schema path: never a name or a date
        click.echo(f"refused: {refusal}", err=True)
    if built.note:
        click.echo(f"Note: {built.note}.")
    click.echo(f"{built.kind.value.capitalize()} feed as at {built.as_at:%Y-%m-%d %H:%M} UTC "
               f"(window from {built.window_start:%d/%m/%Y}): "
               f"{plural(len(built.records), 'record')}, "
               f"{plural(built.purges, 'child purge')}, "
               f"{plural(len(built.refusals), 'problem')} refused.")


@feed.command("send")
@click.option("--full", is_flag=True, help="Send every child in the cohort, not only changes.")
@click.option("--dry-run", is_flag=True, help="Build and check the feed; send and log nothing.")
@click.pass_obj
def send(obj: Any, full: bool, dry_run: bool) -> None:
    """Build the feed, check it against the DfE's schema and send it (run daily from cron)."""
    try:
        settings = None if dry_run else load_feed_settings()
        la_code = load_la_number(obj.config_dir)
    except (SettingsError, ConfigError) as error:
        raise click.ClickException(str(error)) from None
    built = build_now(obj, full)
    _report(built)
    if settings is None:
        click.echo("Dry run: nothing sent, nothing logged.")
        return
    try:
        result = send_built(obj, built, settings, la_code)
    except FeedError as error:
        raise click.ClickException(f"{error} Nothing more was sent; see `frontdoor feed log`."
                                   ) from None
    click.echo(f"Run {result.run_id}: {result.status} ({result.sent} batch(es) accepted, "
               f"{result.failed} failed){'; ' + result.note if result.note else ''}.")
    if result.status not in OK:
        raise click.ClickException("Not everything was sent: the next run sends the rest.")


def build_now(obj: Any, full: bool) -> Feed:
    """The feed from the records as they are now (full, or the changes since the ledger)."""
    with obj.sessions() as session:
        return build_feed(session, FeedKind.FULL if full else FeedKind.DELTA,
                          datetime.now(UTC), obj.rules.people)


def send_built(obj: Any, built: Feed, settings: FeedSettings, la_code: str) -> RunResult:
    """Send a built feed and log it (the command and the nightly job both come here)."""
    return send_feed(built, HttpTransport(settings, la_code), obj.store.feed_log,
                     lambda: datetime.now(UTC), time.sleep,
                     RetryPolicy(attempts=settings.attempts), batch_problems)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


@feed.command("log")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.pass_obj
def log(obj: Any, limit: int) -> None:
    """The last runs: when, full or delta, children, each batch's id, status and HTTP code."""
    with obj.sessions() as session:
        runs = recent_runs(session, limit)
    if not runs:
        click.echo("No feed has been sent yet.")
    for run in runs:
        click.echo(f"{_when(run.started_at)} UTC  {run.kind:<5} {run.status:<15} "
                   f"{plural(run.children, 'record')}, {plural(run.purges, 'purge')}, "
                   f"{run.refused} refused"
                   f"{'  ' + run.note if run.note else ''}")
        for b in run.batches:
            click.echo(f"    batch {b.seq} {b.batch_id}  {b.children} child(ren)  "
                       f"{b.status:<7} HTTP {b.response_code or '-'}  {b.attempts} try(ies)  "
                       f"{_when(b.finished_at)}")
        for la_child_id, path, rule in run.refusals:
            click.echo(f"    refused {la_child_id}: {path or '(the record)'} fails {rule}")
