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
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.types import UTCDateTime

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
AUDIT_TABLES = {"audit", "audit_sample", "audit_grade", "audit_action", "audit_learning"}


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


@pytest.fixture
def at_0015(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0015 holding one contact on a child in need plan."""
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
            concerns="Synthetic", consent="not_recorded", stage="cin_plan", version=9,
            event_seq=9, referral_nfa=False))
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


def test_upgrade_downgrade_upgrade_keeps_the_contacts_and_stores_an_audit(
        at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    before = _tables(engine)

    command.upgrade(_alembic(url), "heads")
    command.downgrade(_alembic(url), "0015")
    after_down = _tables(engine)
    command.upgrade(_alembic(url), "heads")
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
