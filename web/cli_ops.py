"""Operations commands: ``frontdoor backup``, ``restore``, ``users add`` and ``settings``.

What an IT team runs around a deployment (docs/deploy.md): take and restore backups, create
the first administrator (there is no sign-up page, by design), and check the environment
before starting the service. ``register`` attaches them to ``frontdoor``; like
web.cli_exports this module imports nothing from web.cli (``ctx.obj`` carries the config
folder and the database URL), so there is no import cycle. Errors are one sentence on
stderr and exit code 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from workflow.errors import FrontDoorError
from workflow.roles import Role

MIN_PASSWORD = 12


def register(main: click.Group) -> None:
    """Add the operations commands to the ``frontdoor`` group."""
    main.add_command(backup_command)
    main.add_command(restore_command)
    main.add_command(settings_command)
    users = main.commands.get("users")
    if isinstance(users, click.Group):
        users.add_command(users_add)


def _refuse(error: Exception) -> NoReturn:
    click.echo(f"Error: {error}", err=True)
    sys.exit(1)


@click.command("backup")
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def backup_command(obj: Any, target: Path) -> None:
    """Write a backup of the whole database to TARGET (mode 600, never overwritten).

    PostgreSQL: pg_dump's custom format. SQLite: the online backup API (safe while the app
    runs). The file holds personal data: keep it where the live database's rules apply.
    """
    try:
        kind = obj.store.backup(target)
    except FrontDoorError as error:
        _refuse(error)
    click.echo(f"Backed up the {kind} database to {target} ({target.stat().st_size} bytes).")


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--replace", is_flag=True,
              help="Overwrite a database that already has tables (what is there is lost).")
@click.pass_obj
def restore_command(obj: Any, source: Path, replace: bool) -> None:
    """Restore a backup made by ``frontdoor backup`` into the configured database.

    Stop the app and the worker first. Then run ``frontdoor db upgrade``: a backup from an
    older release is brought to this release's schema.
    """
    try:
        obj.store.restore(source, replace=replace)
    except FrontDoorError as error:
        _refuse(error)
    click.echo(f"Restored {source}. Next: `frontdoor db upgrade`, then start the app.")


@click.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The name the pages show.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="administrator",
              show_default=True)
@click.option("--team", default=None, help="Team id (workers, managers, social workers).")
@click.option("--agency", default=None, help="Agency id (partner practitioners).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (for scripts); else it is asked.")
@click.pass_obj
def users_add(obj: Any, username: str, display_name: str, role: str, team: str | None,
              agency: str | None, password_stdin: bool) -> None:
    """Create one user, e.g. the first administrator; refuses a username already taken.

    The password is never an argument (arguments show in ``ps`` and shell history).
    """
    password = sys.stdin.readline().rstrip("\n") if password_stdin else click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        _add_user(obj, username.strip().lower(), display_name, Role(role), team, agency,
                  password)
    except (FrontDoorError, ValueError) as error:
        _refuse(error)
    click.echo(f"Created {username} ({Role(role).label}).")


def _add_user(obj: Any, username: str, display: str, role: Role, team: str | None,
              agency: str | None, password: str) -> None:
    from web.auth import hash_password

    if len(password) < MIN_PASSWORD:
        raise FrontDoorError(f"Use a password of at least {MIN_PASSWORD} characters.")
    accounts = obj.store.accounts
    if accounts.account(username) is not None:
        raise FrontDoorError(f"There is already a user '{username}'.")
    accounts.save_account(username, display, role, team, agency, hash_password(password))


@click.command("settings")
def settings_command() -> None:
    """Check the FRONTDOOR_* environment as the app will read it, and show it (no secrets).

    Exit code 1 with the variable named when a setting is wrong: run it before a start.
    """
    from web.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as error:
        _refuse(error)
    click.echo(json.dumps(settings.describe(), indent=2))
