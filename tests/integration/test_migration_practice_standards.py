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
def at_0015(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0015 holding one contact on a child protection plan, visited once."""
    command.upgrade(_alembic(empty_database_url), "0015")
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
        conn.execute(sa.table("visit", *(sa.column(c) for c in (
            "id", "contact_id", "event_seq", "child_seen", "seen_alone", "by")),
            sa.column("visited_at", UTCDateTime())).insert().values(
            id=1, contact_id=1, event_seq=9, visited_at=AT, child_seen=True, seen_alone=True,
            by="social.worker"))
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_the_migrated_schema_is_the_one_the_code_declares(at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015

    command.upgrade(_alembic(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_a_visit_recorded_before_keeps_its_facts_through_upgrade_and_downgrade(
        at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    before = _tables(engine)

    command.upgrade(_alembic(url), "heads")
    with engine.connect() as conn:
        upgraded = conn.execute(sa.text(
            "SELECT child_seen, seen_alone, not_alone_reason FROM visit")).one()
    command.downgrade(_alembic(url), "0015")
    after_down = _tables(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("visit")}
    with engine.connect() as conn:
        visits = conn.execute(sa.text("SELECT count(*) FROM visit")).scalar()

    assert tuple(upgraded) == (True, True, "")
    assert "case_activity" not in before and after_down == before
    assert "not_alone_reason" not in columns and visits == 1


def test_case_activity_stores_a_supervision(at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    command.upgrade(_alembic(url), "heads")
    table = sa.Table("case_activity", sa.MetaData(), autoload_with=engine)

    with engine.begin() as conn:
        conn.execute(table.insert().values(contact_id=1, event_seq=10, kind="supervision",
                                           happened_at=AT, by="team.manager", note="Plan on track"))
        stored = conn.execute(sa.select(table.c.kind, table.c.note)).one()

    assert tuple(stored) == ("supervision", "Plan on track")
