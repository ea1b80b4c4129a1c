"""Migration 0016 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: the integration tables are the ones the code declares,
the token-use log is append-only from the migration (not only from ``create_all``), and
downgrade drops the four tables and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from tests.integration.migrating import alembic_config, tables
from workflow.persistence.db import make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.types import UTCDateTime

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
NEW = {"api_client", "api_token_use", "webhook_subscription", "webhook_delivery"}


@pytest.fixture
def at_0015(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    command.upgrade(alembic_config(empty_database_url), "0015")
    engine = make_engine(empty_database_url)
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_one_the_code_declares(at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015

    command.upgrade(alembic_config(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_the_token_use_log_is_append_only_once_migrated_and_downgrade_drops_only_the_new(
        at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    before = tables(engine)
    command.upgrade(alembic_config(url), "heads")
    migrated = tables(engine)
    uses = sa.table("api_token_use", sa.column("method"), sa.column("route"),
                    sa.column("status"), sa.column("at", UTCDateTime()))
    with engine.begin() as conn:
        conn.execute(uses.insert().values(method="GET", route="/api/v1/inbox", status=200,
                                          at=AT))

    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("UPDATE api_token_use SET status = 500"))
    command.downgrade(alembic_config(url), "0015")

    assert migrated >= NEW and not before & NEW
    assert tables(engine) == before
