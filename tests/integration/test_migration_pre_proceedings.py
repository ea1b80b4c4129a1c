"""Migration 0015 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: the pre_proceedings table is the one the code declares,
downgrade drops it and nothing else, and upgrade gives it back (empty: no earlier record
held pre-proceedings)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from tests.integration.migrating import alembic_config, at_revision_with_a_case, tables
from workflow.persistence.schema import metadata

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def at_0010(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0014 holding one contact on a child protection plan."""
    engine = at_revision_with_a_case(empty_database_url, "0014", "cp_plan", AT)
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_one_the_code_declares(at_0010: tuple[str, Engine]) -> None:
    url, engine = at_0010

    command.upgrade(alembic_config(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_upgrade_downgrade_upgrade_keeps_the_contacts_and_stores_pre_proceedings(
        at_0010: tuple[str, Engine]) -> None:
    url, engine = at_0010
    before = tables(engine)

    command.upgrade(alembic_config(url), "heads")
    command.downgrade(alembic_config(url), "0014")
    after_down = tables(engine)
    command.upgrade(alembic_config(url), "heads")
    row = {"contact_id": 1, "event_seq": 10, "started_on": date(2026, 11, 2),
           "started_by": "social.worker", "reason": "Legal planning meeting",
           "fgdm_not_offered_reason": "", "fgdm_not_held_reason": "", "review_meetings": 0}
    table = sa.Table("pre_proceedings", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(table.insert().values(**row))
        stored = conn.execute(sa.select(table)).mappings().one()

    assert "pre_proceedings" not in before and after_down == before
    assert (stored["started_on"], stored["outcome"], stored["letter_sent_on"]) == (
        date(2026, 11, 2), None, None)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT stage FROM contact")).scalar() == "cp_plan"
