"""Migration 0019 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: the audit tables are the ones the code declares,
downgrade drops them and nothing else, and upgrade gives them back, able to hold an audit
of an existing contact."""

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

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
AUDIT_TABLES = {"audit", "audit_sample", "audit_grade", "audit_action", "audit_learning"}


@pytest.fixture
def at_0015(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0015 holding one contact on a child in need plan."""
    engine = at_revision_with_a_case(empty_database_url, "0015", "cin_plan", AT)
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


def test_upgrade_downgrade_upgrade_keeps_the_contacts_and_stores_an_audit(
        at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    before = tables(engine)

    command.upgrade(alembic_config(url), "heads")
    command.downgrade(alembic_config(url), "0015")
    after_down = tables(engine)
    command.upgrade(alembic_config(url), "heads")
    audit = sa.Table("audit", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(audit.insert().values(
            kind="case", form_id="case_audit", form_version="2026-1", contact_id=1,
            child_id=1, practitioner="social.worker", auditor="psw", status="not_started",
            created_at=AT, moderation_note="", response="", version=1))
        stored = conn.execute(sa.select(audit)).mappings().one()

    assert not AUDIT_TABLES & before and after_down == before
    assert (stored["contact_id"], stored["status"], stored["moderator"]) == (
        1, "not_started", None)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT stage FROM contact")).scalar() == "cin_plan"
