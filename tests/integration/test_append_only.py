"""The audit trail is append-only in the database itself, on both databases: the event
history, the access log and a person's change history refuse UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE) from any connection, whatever the application does; the one way
round works for one transaction only. The migration installs the same protection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from tests.builders import FRONT_DOOR_WORKER, intake
from workflow.intake.commands import RecordContact
from workflow.persistence.append_only import APPEND_ONLY, rewriting
from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.tables import AccessLogRow, EventRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.services import handle

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _history(engine: Engine) -> list[tuple[int, str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(  # type: ignore[misc]
            select(EventRow.contact_id, EventRow.trigger, EventRow.actor))]


@pytest.fixture
def recorded(uow_factory: Callable[[], SqlUnitOfWork], rules: Rules, engine: Engine) -> int:
    """One contact through the service layer (its receive event), and one access line."""
    [made] = handle(uow_factory(), rules, RecordContact(intake(NOW), FRONT_DOOR_WORKER, NOW))
    with engine.begin() as conn:
        conn.execute(AccessLogRow.__table__.insert().values(
            username="fd.worker", at=NOW, child_id=None, contact_id=made["id"],
            route="/contacts/<int:contact_id>", outcome="viewed", reason=""))
    return int(made["id"])


@pytest.mark.parametrize("statement", [
    lambda: update(EventRow).values(actor="someone.else"),
    lambda: delete(EventRow),
    lambda: update(AccessLogRow).values(username="someone.else"),
    lambda: delete(AccessLogRow),
], ids=["rewrite an event", "delete the history", "rewrite who looked", "delete the log"])
def test_the_history_and_the_access_log_refuse_to_be_rewritten(
        statement: Callable[[], object], engine: Engine, recorded: int) -> None:
    before = _history(engine)

    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(statement())  # type: ignore[call-overload]

    assert _history(engine) == before
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AccessLogRow)) == 1


def test_truncate_is_refused_on_postgresql(engine: Engine, recorded: int) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("TRUNCATE contact_event CASCADE"))
    assert len(_history(engine)) == 1


def test_the_deliberate_way_round_lasts_one_transaction(engine: Engine, recorded: int) -> None:
    with engine.begin() as conn, rewriting(conn, "tests: a retention purge"):
        conn.execute(update(EventRow).values(actor="purged"))

    assert [actor for _, _, actor in _history(engine)] == ["purged"]
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(update(EventRow).values(actor="again"))


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


def _triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return set(conn.scalars(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        return set(conn.scalars(text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
            "(SELECT oid FROM pg_class WHERE relnamespace = "
            "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()))")))


def test_the_migration_installs_the_protection_and_its_downgrade_removes_it(
        empty_database_url: str) -> None:
    command.upgrade(_alembic(empty_database_url), "heads")
    engine = make_engine(empty_database_url)
    try:
        installed = _triggers(engine)
        assert all(any(t.startswith(table) for t in installed) for table in APPEND_ONLY)
        with engine.begin() as conn:  # a row to delete: an empty table fires no row trigger
            conn.execute(text("INSERT INTO access_log (username, at, route, outcome, reason) "
                              "VALUES ('fd.worker', '2026-03-02 10:00:00', '/', 'viewed', '')"))
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(delete(AccessLogRow))

        command.downgrade(_alembic(empty_database_url), "0010")
        assert not {t for t in _triggers(engine) if t.split("_")[0] in
                    {"contact", "access", "person"}}
        command.upgrade(_alembic(empty_database_url), "heads")
        assert _triggers(engine) == installed
    finally:
        engine.dispose()
