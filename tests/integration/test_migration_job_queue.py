"""Migration 0017 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: the job table and ``notification.attempted_at`` are as the
code declares them, downgrade removes both and keeps the queued notifications, and upgrade
gives them back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.schema import metadata

AT = datetime(2026, 11, 2, 10, 0)


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


@pytest.fixture
def at_0015(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0015."""
    command.upgrade(_alembic(empty_database_url), "0015")
    engine = make_engine(empty_database_url)
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def _columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns(table)}


def test_the_migrated_schema_is_the_one_the_code_declares(at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015

    command.upgrade(_alembic(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_downgrade_removes_the_queue_and_the_stamp_and_upgrade_brings_them_back(
        at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    before = set(sa.inspect(engine).get_table_names())

    command.upgrade(_alembic(url), "heads")
    assert "job" in sa.inspect(engine).get_table_names()
    assert "attempted_at" in _columns(engine, "notification")
    command.downgrade(_alembic(url), "0015")
    after_down = set(sa.inspect(engine).get_table_names())
    notification_after_down = _columns(engine, "notification")
    command.upgrade(_alembic(url), "heads")
    job = sa.Table("job", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(job.insert().values(
            kind="breach_sweep", payload={}, unique_key="breach_sweep@2026-11-02T10:00",
            state="queued", attempts=0, max_attempts=3, run_after=AT, created_at=AT,
            last_error=""))
        # One job per periodic slot.
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(job.insert().values(
                kind="breach_sweep", payload={}, unique_key="breach_sweep@2026-11-02T10:00",
                state="queued", attempts=0, max_attempts=3, run_after=AT, created_at=AT,
                last_error=""))

    assert after_down == before
    assert "attempted_at" not in notification_after_down
