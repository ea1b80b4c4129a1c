"""Migration 0024 (after 0023) on SQLite and PostgreSQL: upgrading leaves the declared schema
(table ``draft``), and downgrading removes it and leaves the rest as 0023 had it."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.integration.migrating import alembic_config, at_revision_with_a_case, tables
from workflow.persistence.schema import metadata

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def test_upgrade_adds_the_drafts_table_and_downgrade_takes_only_it_away(
        empty_database_url: str) -> None:
    url = empty_database_url
    engine = at_revision_with_a_case(url, "0023", "screening", AT)
    before = tables(engine)

    command.upgrade(alembic_config(url), "heads")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]
    upgraded = tables(engine)
    command.downgrade(alembic_config(url), "0023")
    after = tables(engine)
    engine.dispose()

    assert upgraded - before == {"draft"}
    assert after == before
