"""Operations commands: ``frontdoor backup``, ``restore``, ``users add``, ``directory import``
and ``settings``.

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

from web.words import plural
from workflow.errors import FrontDoorError, InvalidInput
from workflow.roles import Role


def _policy(obj: Any) -> Any:
    """The password policy of config/passwords.toml (NCSC: length and a deny-list)."""
    from web.auth.passwords import load_policy

    return load_policy(obj.config_dir)


def register(main: click.Group) -> None:
    """Add the operations commands to the ``frontdoor`` group."""
    main.add_command(backup_command)
    main.add_command(restore_command)
    main.add_command(settings_command)
    main.add_command(directory)
    users = main.commands.get("users")
    if isinstance(users, click.Group):
        users.add_command(users_add)
        users.add_command(users_password)


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


@click.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (for scripts); else it is asked.")
@click.pass_obj
def users_password(obj: Any, username: str, password_stdin: bool) -> None:
    """Set a user's password (an imported user's first one, or a reset); their sessions
    are ended, so a password someone else knew stops working at once."""
    from datetime import UTC, datetime

    from web.auth import hash_password

    accounts = obj.store.accounts
    found = accounts.account(username.strip().lower())
    if found is None:
        _refuse(FrontDoorError(f"There is no user '{username}'."))
    password = sys.stdin.readline().rstrip("\n") if password_stdin else click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    problem = _policy(obj).problem(password, found.username)
    if problem:
        _refuse(FrontDoorError(problem))
    accounts.set_password(found.id, hash_password(password), must_change=False)
    accounts.revoke_sessions(found.id, datetime.now(UTC))
    click.echo(f"Password set for {found.username}.")


def _add_user(obj: Any, username: str, display: str, role: Role, team: str | None,
              agency: str | None, password: str) -> None:
    from web.auth import hash_password

    problem = _policy(obj).problem(password, username)
    if problem:
        raise FrontDoorError(problem)
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


@click.group()
def directory() -> None:
    """Teams and staff: the lists allocation chooses from."""


#: Stored for an imported person until they set a password or sign in by single sign-on:
#: not a hash any password matches, so nobody can sign in as them meanwhile.
NO_PASSWORD_YET = "!imported: no password yet"  # noqa: S105 - a marker, not a password


@directory.command("import")
@click.option("--teams", "teams_file", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path),
              help="CSV: code, name, kind, capacity.")
@click.option("--users", "users_file", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path),
              help="CSV: username, display_name, role, teams, manages, agency, swe_number.")
@click.option("--dry-run", is_flag=True, help="Check the files and say what would change.")
@click.pass_obj
def directory_import(obj: Any, teams_file: Path | None, users_file: Path | None,
                     dry_run: bool) -> None:
    """Import teams and users from CSV files (checked whole first: one bad row, nothing
    written). Run again after a restructure: existing teams and people are updated, nobody
    is deleted, and passwords already set are kept."""
    from workflow.directory_import import read_directory

    if teams_file is None and users_file is None:
        _refuse(click.UsageError("give --teams FILE, --users FILE or both"))
    accounts = obj.store.accounts
    try:
        found = read_directory(_text(teams_file), _text(users_file),
                               (t.code for t in accounts.teams()),
                               (a.id for a in obj.rules.mash.agencies.all()))
    except InvalidInput as error:
        for where, problem in sorted(error.errors.items(), key=_by_line):
            click.echo(f"problem: {where}: {problem}", err=True)
        click.echo(f"{plural(len(error.errors), 'problem')}; nothing imported.", err=True)
        sys.exit(1)
    new = [u.username for u in found.users if accounts.account(u.username) is None]
    if not dry_run:
        _write_directory(accounts, found)
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {plural(len(found.teams), 'team')} and "
               f"{plural(len(found.users), 'user')}, "
               f"{len(new)} of them new.")
    if new and not dry_run:
        click.echo("New users cannot sign in until they have a password (frontdoor users "
                   "password USERNAME) or single sign-on is set up.")


def _text(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _refuse(click.FileError(str(path), "save the file as CSV UTF-8"))


def _by_line(item: tuple[str, str]) -> tuple[str, int, str]:
    where = item[0]
    name, _, rest = where.partition(":")
    line, _, column = rest.partition(" ")
    return name, int(line) if line.isdigit() else 0, column


def _write_directory(accounts: Any, found: Any) -> None:
    """Teams first, then each person with their memberships (home team joined last, since
    joining a team makes it the person's home team)."""
    for team in found.teams:
        accounts.save_team(team.code, team.name, team.kind, team.capacity)
    for user in found.users:
        existing = accounts.account(user.username)
        password = existing.password_hash if existing is not None else NO_PASSWORD_YET
        accounts.save_account(user.username, user.display_name, user.role, user.home_team,
                              user.agency, password, user.swe_number)
        for code in reversed(user.teams):
            accounts.join_team(code, user.username, code in user.manages)
