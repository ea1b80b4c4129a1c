"""Migration 0022 on SQLite and PostgreSQL, through Alembic as ``frontdoor db upgrade``
runs it: the schema it leaves is the one the code declares (the open-clock index per
contact, the worker's contacts by stage), downgrade gives back exactly the indexes 0015
had, and no row is touched either way."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.types import UTCDateTime

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


def _indexes(engine: sa.Engine, table: str) -> set[str]:
    return {i["name"] for i in sa.inspect(engine).get_indexes(table)}


def test_upgrade_matches_the_code_and_downgrade_restores_0015(empty_database_url: str) -> None:
    url = empty_database_url
    command.upgrade(_alembic(url), "0015")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.table("contact", *(sa.column(c) for c in (
            "id", "source", "channel", "referrer", "concerns", "consent", "stage", "version",
            "event_seq", "referral_nfa", "worker")),
            sa.column("received_at", UTCDateTime())).insert().values(
            id=1, received_at=AT, source="6", channel="phone", referrer="",
            concerns="Synthetic", consent="not_recorded", stage="screening", version=1,
            event_seq=1, referral_nfa=False, worker="fd.worker"))
    before = (_indexes(engine, "contact"), _indexes(engine, "clock"))

    command.upgrade(_alembic(url), "heads")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]
    upgraded = (_indexes(engine, "contact"), _indexes(engine, "clock"))
    command.downgrade(_alembic(url), "0015")
    after_down = (_indexes(engine, "contact"), _indexes(engine, "clock"))
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT worker, stage FROM contact")).one()
    engine.dispose()

    assert "ix_contact_worker_stage" in upgraded[0] and "ix_contact_worker" not in upgraded[0]
    assert "ix_clock_running_contact" in upgraded[1]
    assert after_down == before
    assert tuple(stored) == ("fd.worker", "screening")
