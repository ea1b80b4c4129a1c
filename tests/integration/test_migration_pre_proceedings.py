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
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.types import UTCDateTime

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


@pytest.fixture
def at_0010(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0014 holding one contact on a child protection plan."""
    command.upgrade(_alembic(empty_database_url), "0014")
    engine = make_engine(empty_database_url)
    with engine.begin() as conn:
        conn.execute(sa.table("person", *(sa.column(c) for c in (
            "id", "kind", "first_name", "last_name", "preferred_name", "sex",
            "gender_identity", "ethnicity", "first_language", "immigration_status", "school",
            "identifier_status", "identifier_reason", "version")),
            sa.column("created_at", UTCDateTime())).insert().values(
            id=1, kind="child", first_name="Bo", last_name="Example", preferred_name="",
            sex="U", gender_identity="", ethnicity="NOBT", first_language="",
            immigration_status="", school="", identifier_status="included",
            identifier_reason="", version=1, created_at=AT))
        conn.execute(sa.table("contact", *(sa.column(c) for c in (
            "id", "child_id", "source", "channel", "referrer", "concerns", "consent", "stage",
            "version", "event_seq", "referral_nfa")),
            sa.column("received_at", UTCDateTime())).insert().values(
            id=1, child_id=1, received_at=AT, source="6", channel="phone", referrer="",
            concerns="Synthetic", consent="not_recorded", stage="cp_plan", version=9,
            event_seq=9, referral_nfa=False))
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_the_migrated_schema_is_the_one_the_code_declares(at_0010: tuple[str, Engine]) -> None:
    url, engine = at_0010

    command.upgrade(_alembic(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_upgrade_downgrade_upgrade_keeps_the_contacts_and_stores_pre_proceedings(
        at_0010: tuple[str, Engine]) -> None:
    url, engine = at_0010
    before = _tables(engine)

    command.upgrade(_alembic(url), "heads")
    command.downgrade(_alembic(url), "0014")
    after_down = _tables(engine)
    command.upgrade(_alembic(url), "heads")
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
