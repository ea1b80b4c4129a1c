"""``frontdoor backup`` and ``frontdoor restore``: what was recorded comes back, on both
databases.

A contact is recorded through the service layer in a migrated database, backed up with the
CLI, restored into a fresh database, and found there. PostgreSQL uses two databases made
for this test (never the shared ``test`` database) with the real pg_dump and pg_restore.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from tests.integration.conftest import _postgres_url, _unreachable
from web.cli import main
from workflow.intake.commands import NewContact, RecordContact
from workflow.people.records import PersonDetails
from workflow.persistence.db import make_engine
from workflow.persistence.store import Store
from workflow.persistence.tables_people import PersonRow
from workflow.roles import Actor, Role
from workflow.rules import Rules
from workflow.services import handle

WORKER = Actor("fd.worker", Role.FRONT_DOOR_WORKER)


def cli(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--database-url", url, *args])


@pytest.fixture
def _postgres_databases() -> Iterator[tuple[str, str]]:
    """Two empty databases of this test's own, dropped afterwards."""
    base = make_url(_postgres_url())
    names = [f"frontdoor_backup_{uuid.uuid4().hex[:10]}_{n}" for n in ("live", "restored")]
    admin = make_engine(base.render_as_string(hide_password=False),
                        connect_args={"connect_timeout": 3}, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # unreachable server: skip, or fail under CI
        admin.dispose()
        _unreachable(base.render_as_string(hide_password=True), error)
    try:
        yield tuple(base.set(database=n).render_as_string(hide_password=False)  # type: ignore[misc]
                    for n in names)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(live, restored): the database backed up and an empty one to restore into."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
    live, restored = request.getfixturevalue("_postgres_databases")
    return live, restored


def _record(url: str, rules: Rules, first: str, last: str) -> None:
    store = Store(url)
    now = datetime.now(UTC)
    intake = NewContact(now - timedelta(minutes=5), "6", [PersonDetails(first, last)],
                        referrer="PC Synthetic", concerns="Synthetic concern for tests")
    handle(store.uow(), rules, RecordContact(intake, WORKER, now))
    store.close()


def _children(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(PersonRow.first_name, PersonRow.last_name)).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def test_a_contact_backed_up_is_found_after_restoring_into_a_fresh_database(
        databases: tuple[str, str], rules: Rules, tmp_path: Path) -> None:
    live, restored = databases
    assert cli(live, "db", "upgrade").exit_code == 0
    _record(live, rules, "Ottoline", "Backupford")
    target = tmp_path / "frontdoor.backup"

    made = cli(live, "backup", str(target))
    back = cli(restored, "restore", str(target))

    assert made.exit_code == 0, made.output
    assert target.stat().st_mode & 0o777 == 0o600  # the file holds personal data
    assert back.exit_code == 0, back.output
    assert _children(restored) == [("Ottoline", "Backupford")]
    assert cli(restored, "db", "upgrade").exit_code == 0  # already at head: nothing to do


def test_a_restore_never_overwrites_a_database_unless_told_to(
        databases: tuple[str, str], rules: Rules, tmp_path: Path) -> None:
    live, restored = databases
    assert cli(live, "db", "upgrade").exit_code == 0
    _record(live, rules, "Ottoline", "Backupford")
    target = tmp_path / "frontdoor.backup"
    assert cli(live, "backup", str(target)).exit_code == 0
    assert cli(restored, "db", "upgrade").exit_code == 0
    _record(restored, rules, "Newer", "Record")

    refused = cli(restored, "restore", str(target))
    assert refused.exit_code == 1
    assert "already has tables" in refused.output
    assert _children(restored) == [("Newer", "Record")]

    replaced = cli(restored, "restore", "--replace", str(target))
    assert replaced.exit_code == 0, replaced.output
    assert _children(restored) == [("Ottoline", "Backupford")]


def test_a_backup_is_never_written_over_an_existing_file(
        databases: tuple[str, str], tmp_path: Path) -> None:
    live, _restored = databases
    assert cli(live, "db", "upgrade").exit_code == 0
    target = tmp_path / "earlier.backup"
    target.write_bytes(b"an earlier backup")

    result = cli(live, "backup", str(target))

    assert result.exit_code == 1 and "already exists" in result.output
    assert target.read_bytes() == b"an earlier backup"


def test_a_file_that_is_not_a_backup_of_this_kind_of_database_is_refused(
        databases: tuple[str, str], tmp_path: Path) -> None:
    _live, restored = databases
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a backup")

    result = cli(restored, "restore", str(wrong))

    assert result.exit_code == 1 and "is not a" in result.output
