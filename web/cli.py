"""The ``frontdoor`` command: set up the database, load demo data, inspect contacts.

Every command builds what it needs when it runs (nothing at import time), prints errors
as one plain sentence on stderr and exits non-zero, so cron and scripts can rely on it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import click

from reporting import ReadSession
from reporting.contact_page import contact_page
from reporting.queries import QueueFilter, breached_clocks, work_queue
from thresholds.policy import catalogue_policy
from web.cli_exports import export
from web.cli_feed import feed
from web.cli_integrations import register as register_integrations
from web.cli_jobs import jobs, worker
from web.cli_ops import register as register_ops
from web.words import plural
from workflow.config_errors import ConfigError
from workflow.contact import reference_for
from workflow.errors import FrontDoorError
from workflow.persistence.db import database_url
from workflow.persistence.store import Store, open_store
from workflow.ports import UnitOfWork
from workflow.rules import DEFAULT_CONFIG, Rules, load_rules


class Context:
    """Rules and database for one command run, built lazily."""

    def __init__(self, config_dir: Path, url: str | None) -> None:
        self.config_dir = config_dir
        self.url = url or database_url(config_dir)
        self._rules: Rules | None = None
        self._store: Store | None = None

    @property
    def rules(self) -> Rules:
        if self._rules is None:
            self._rules = load_rules(self.config_dir, catalogue_policy(self.config_dir))
        return self._rules

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.url)
        return self._store

    def sessions(self) -> ReadSession:
        """A read-only session (exports and listings never take the write lock)."""
        return self.store.read()

    def uow(self) -> UnitOfWork:
        return self.store.uow()


def _fails_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain and config errors into one line on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (FrontDoorError, ConfigError) as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)

    return wrapper


@click.group()
@click.option("--config", "config_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_CONFIG, show_default=True, help="Folder of configuration files.")
@click.option("--database-url", envvar=["FRONTDOOR_DATABASE_URL", "DATABASE_URL"],
              default=None, help="SQLAlchemy URL (default: FRONTDOOR_DATABASE_URL, "
              "DATABASE_URL or settings.toml).")
@click.pass_context
def main(ctx: click.Context, config_dir: Path, database_url: str | None) -> None:
    """Front Door: the workflow engine of a children's services front door."""
    ctx.obj = Context(config_dir, database_url)


@main.group()
def db() -> None:
    """Create or upgrade the database schema."""


@db.command("upgrade")
@click.pass_obj
@_fails_cleanly
def db_upgrade(obj: Context) -> None:
    """Apply every Alembic migration (creates the database if needed)."""
    obj.store.upgrade()
    click.echo("Database is at the latest schema.")


@main.command()
@click.option("--contacts", default=300, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Do nothing if the database has contacts.")
@click.pass_obj
@_fails_cleanly
def demo(obj: Context, contacts: int, seed: int, if_empty: bool) -> None:
    """Load synthetic demo contacts walked through the real workflow."""
    from web.demo import DemoSpec, load_demo
    from web.users import load_demo_directory

    now = datetime.now(UTC)
    existing = obj.store.contact_count()
    if if_empty and existing:
        click.echo(f"The database already has {existing} contacts; no demo data added.")
        return
    load_demo_directory(obj.store.accounts)  # the teams and workers cases are allocated to
    spec = DemoSpec(contacts=contacts, seed=seed)
    batch = obj.store.batch()  # the command path, committed a few hundred commands at a time

    def reads() -> ReadSession:
        batch.commit()  # what the batch wrote, before another session reads it
        return obj.sessions()

    with click.progressbar(length=contacts, label="Synthetic contacts") as bar:
        done = 0
        for made in load_demo(batch, obj.rules, spec, now, reads):
            bar.update(made - done)
            done = made
    batch.commit()
    click.echo(f"Loaded {done} synthetic contacts (seed {seed}).")


@main.group()
def contacts() -> None:
    """List and show contacts."""


@contacts.command("list")
@click.option("--stage", default=None)
@click.option("--overdue", is_flag=True, help="Only contacts with an overdue clock.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.pass_obj
@_fails_cleanly
def contacts_list(obj: Context, stage: str | None, overdue: bool, limit: int) -> None:
    """Contacts soonest due first, with stage, due time and overdue flag."""
    now = datetime.now(UTC)
    with obj.sessions() as session:
        rows = work_queue(session, QueueFilter(stage=stage, overdue_only=overdue, limit=limit),
                          now)
    click.echo(f"{'REF':<10} {'STAGE':<28} {'RAG':<6} {'NEXT DUE (UTC)':<17} OVERDUE")
    for r in rows:
        due = r["next_due"].strftime("%Y-%m-%d %H:%M") if r["next_due"] else "-"
        click.echo(f"{r['reference']:<10} {r['stage']:<28} {r['rag'] or '-':<6} {due:<17} "
                   f"{'OVERDUE' if r['overdue'] else ''}")


@contacts.command("show")
@click.argument("contact_id", type=int)
@click.pass_obj
@_fails_cleanly
def contacts_show(obj: Context, contact_id: int) -> None:
    """One contact's clocks and timeline."""
    with obj.sessions() as session:
        page = contact_page(session, contact_id, datetime.now(UTC))
    if page is None:
        raise FrontDoorError(f"There is no contact {reference_for(contact_id)}.")
    row = page.contact
    click.echo(f"{row.reference}  stage={row.stage}  version={row.version}  rag={row.rag}")
    click.echo("Clocks:")
    for c in page.clocks:
        state = c.result or "running"
        click.echo(f"  {c.rule:<24} due {c.due_at:%Y-%m-%d %H:%M} UTC  {state}")
    click.echo("Timeline:")
    for e in page.events:
        click.echo(f"  {e.seq:>3} {e.at:%Y-%m-%d %H:%M} {e.trigger:<30} {e.from_stage or '-'}"
                   f" -> {e.to_stage}  by {e.actor} ({e.role}) {e.reason}")


@main.command()
@click.pass_obj
@_fails_cleanly
def breaches(obj: Context) -> None:
    """Open clocks past their due time, most overdue first."""
    now = datetime.now(UTC)
    with obj.sessions() as session:
        rows = breached_clocks(session, now)
    for r in rows:
        click.echo(f"{reference_for(r['contact_id'])} {r['rule']:<24} "
                   f"due {r['due_at']:%Y-%m-%d %H:%M} UTC  stage={r['stage']} "
                   f"team={r['team'] or '-'}")
    click.echo(f"{plural(len(rows), 'breached clock')}.")


@main.command()
@click.argument("rule")
@click.argument("start", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]))
@click.pass_obj
@_fails_cleanly
def timescale(obj: Context, rule: str, start: datetime) -> None:
    """When RULE falls due for a clock started at START (Europe/London local time)."""
    rules = obj.rules
    local = start.replace(tzinfo=rules.calendar.timezone)
    try:
        found = rules.timescales.rule(rule, start.date())
    except KeyError:
        raise FrontDoorError(f"There is no timescale rule '{rule}'. Known: "
                             f"{', '.join(rules.timescales.names())}.") from None
    due = found.due(local, rules.calendar)
    click.echo(f"{found.title}: started {local:%a %d %b %Y %H:%M}, due "
               f"{due.astimezone(rules.calendar.timezone):%a %d %b %Y %H:%M} (Europe/London)")
    click.echo(f"Counting: {found.describe_counting()}")
    click.echo(f"Source: {found.source} (rule version {found.version})")


@main.command()
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--current", default=None, help="Stage to highlight.")
def diagram(output: Path | None, current: str | None) -> None:
    """Write the workflow diagram (Mermaid) drawn from the transition table."""
    from workflow.engine.definition import mermaid

    text = mermaid(current)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}")
    else:
        click.echo(text, nl=False)


@main.command("sweep")
@click.option("--deliver/--no-deliver", default=True, show_default=True,
              help="Also send queued notifications through the configured sink.")
@click.pass_obj
@_fails_cleanly
def sweep_command(obj: Context, deliver: bool) -> None:
    """Record newly breached clocks and queue notifications (idempotent; run from cron)."""
    import os

    from web.jobs import JobContext
    from web.notify import deliver_pending
    from workflow.oversight.escalation import load_policy

    now = datetime.now(UTC)
    result = obj.store.sweep(now, load_policy(obj.config_dir))
    jobs = JobContext(obj.store, obj.config_dir, os.environ, lambda: obj.rules)
    try:
        sent = deliver_pending(obj.store.outbox, jobs.sink, jobs.wording(), jobs.clock) \
            if deliver else 0
    except ValueError as error:  # a sink's setting missing (e.g. FRONTDOOR_NOTIFY_API_KEY)
        raise FrontDoorError(str(error)) from None
    click.echo(f"Breaches recorded: {result.breaches}; warnings queued: {result.warnings}; "
               f"breach notices queued: {result.breach_notices}; escalations queued: "
               f"{result.escalations}; notifications sent: {sent}.")


@main.group()
def users() -> None:
    """Demo users and sign-in sessions."""


@users.command("demo")
@click.pass_obj
@_fails_cleanly
def users_demo(obj: Context) -> None:
    """Create (or reset) one demo user per role and print their new passwords."""
    from web.users import load_demo_users

    made = load_demo_users(obj.store.accounts)
    click.echo("Demo users (synthetic; passwords are new on every run):")
    for username, role, password in made:
        click.echo(f"  {username:<20} {role:<44} password: {password}")


@users.command("revoke")
@click.argument("username")
@click.pass_obj
@_fails_cleanly
def users_revoke(obj: Context, username: str) -> None:
    """End every sign-in session of USERNAME at once."""
    user = obj.store.accounts.account(username)
    if user is None:
        raise FrontDoorError(f"There is no user '{username}'.")
    ended = obj.store.accounts.revoke_sessions(user.id, datetime.now(UTC))
    click.echo(f"Ended {plural(ended, 'session')} of {username}.")


@main.group()
def thresholds() -> None:
    """The levels-of-need catalogue."""


@thresholds.command("show")
@click.pass_obj
@_fails_cleanly
def thresholds_show(obj: Context) -> None:
    """Print the catalogue in force today."""
    from thresholds import catalogue_as_text, load_registry

    registry = load_registry(obj.config_dir / "levels_of_need")
    click.echo(catalogue_as_text(registry.active_on(datetime.now(UTC).date())))


@thresholds.command("check")
@click.argument("path", type=click.Path(path_type=Path))
def thresholds_check(path: Path) -> None:
    """Validate a draft catalogue file (or folder) before it is published."""
    from thresholds import check_file

    problems = check_file(path)
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{path}: no problems found.")


@main.command("check-spec")
@click.pass_obj
@_fails_cleanly
def check_spec(obj: Context) -> None:
    """Validate the process definition against the timescale rules."""
    from workflow.engine.definition import validate_spec

    problems = validate_spec(obj.rules.timescales)
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("The process definition is sound.")


main.add_command(export)  # `frontdoor export annex-a | cin-census` (web/cli_exports.py)
main.add_command(feed)  # `frontdoor feed send | log`: the DfE's daily feed (web/cli_feed.py)
main.add_command(worker)  # `frontdoor worker`: runs background jobs (web/cli_jobs.py)
main.add_command(jobs)  # `frontdoor jobs add | retry`
register_ops(main)  # backup, restore, users add, settings (web/cli_ops.py)
register_integrations(main)  # clients and webhooks (web/cli_integrations.py)

if __name__ == "__main__":  # pragma: no cover - `python -m web.cli`
    main()
