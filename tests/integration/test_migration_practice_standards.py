"""Migration 0018 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: the case_activity table and the visit's not-alone reason
are what the code declares, a visit recorded before keeps its facts (with an empty
reason), and downgrade gives back the schema of 0015 with the visit still there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from tests.integration.migrating import alembic_config, at_revision_with_a_case, tables
from workflow.persistence.schema import metadata
from workflow.persistence.types import UTCDateTime

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def at_0015(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0015 holding one contact on a child protection plan, visited once."""
    engine = at_revision_with_a_case(empty_database_url, "0015", "cp_plan", AT)
    with engine.begin() as conn:
        conn.execute(sa.table("visit", *(sa.column(c) for c in (
            "id", "contact_id", "event_seq", "child_seen", "seen_alone", "by")),
            sa.column("visited_at", UTCDateTime())).insert().values(
            id=1, contact_id=1, event_seq=9, visited_at=AT, child_seen=True, seen_alone=True,
            by="social.worker"))
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


def test_a_visit_recorded_before_keeps_its_facts_through_upgrade_and_downgrade(
        at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    before = tables(engine)

    command.upgrade(alembic_config(url), "heads")
    with engine.connect() as conn:
        upgraded = conn.execute(sa.text(
            "SELECT child_seen, seen_alone, not_alone_reason FROM visit")).one()
    command.downgrade(alembic_config(url), "0015")
    after_down = tables(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("visit")}
    with engine.connect() as conn:
        visits = conn.execute(sa.text("SELECT count(*) FROM visit")).scalar()

    assert tuple(upgraded) == (True, True, "")
    assert "case_activity" not in before and after_down == before
    assert "not_alone_reason" not in columns and visits == 1


def test_case_activity_stores_a_supervision(at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    command.upgrade(alembic_config(url), "heads")
    table = sa.Table("case_activity", sa.MetaData(), autoload_with=engine)

    with engine.begin() as conn:
        conn.execute(table.insert().values(contact_id=1, event_seq=10, kind="supervision",
                                           happened_at=AT, by="team.manager", note="Plan on track"))
        stored = conn.execute(sa.select(table.c.kind, table.c.note)).one()

    assert tuple(stored) == ("supervision", "Plan on track")
