"""Migration 0023 on SQLite and on PostgreSQL, through Alembic as ``frontdoor db upgrade``
runs it: the meeting_booking table is the one the code declares, downgrade drops it and
nothing else, and upgrade gives it back, empty (nothing stored before was a booking)."""

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
from workflow.persistence.types import JSONDoc, UTCDateTime

AT = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)


@pytest.fixture
def at_0022(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0022 holding one contact in a section 47 enquiry."""
    engine = at_revision_with_a_case(empty_database_url, "0022", "section_47", AT)
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_one_the_code_declares(at_0022: tuple[str, Engine]) -> None:
    url, engine = at_0022

    command.upgrade(alembic_config(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_upgrade_downgrade_upgrade_keeps_the_contact_and_stores_a_booking(
        at_0022: tuple[str, Engine]) -> None:
    url, engine = at_0022
    before = tables(engine)

    command.upgrade(alembic_config(url), "heads")
    command.downgrade(alembic_config(url), "0022")
    after_down = tables(engine)
    command.upgrade(alembic_config(url), "heads")
    booking = sa.table("meeting_booking", *(sa.column(c) for c in (
        "contact_id", "event_seq", "kind", "venue", "status", "booked_by",
        "late_reason", "change_reason", "times_rebooked")),
        sa.column("invitees", JSONDoc), sa.column("starts_at", UTCDateTime()),
        sa.column("booked_at", UTCDateTime()))
    with engine.begin() as conn:
        conn.execute(booking.insert().values(
            contact_id=1, event_seq=10, kind="icpc", venue="Video call", invitees=[],
            status="booked", booked_by="social.worker", late_reason="", change_reason="",
            times_rebooked=0, starts_at=datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
            booked_at=AT))
        stored = conn.execute(sa.text("SELECT kind, status FROM meeting_booking")).one()

    assert "meeting_booking" not in before and after_down == before
    assert tuple(stored) == ("icpc", "booked")
