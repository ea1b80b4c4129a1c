"""Migrations 0004 and 0005 through Alembic, as `frontdoor db upgrade` runs them, on SQLite
and on PostgreSQL (a database of its own): the casework tables are created beside the
other heads, and discussions recorded before them are copied from their events so the KPI
keeps its past months. The old rows are written as the schema of the time had them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.tables_strategy import StrategyDiscussionRow, StrategyParticipationRow
from workflow.persistence.types import JSONDoc, UTCDateTime

AT = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
OLD_PAYLOAD = {"held_at": "2026-01-12", "rationale": "Old form",
               "participation": {"police": "attended", "health": "invited"},
               "absence_reason": "Health on leave"}


def _config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


def _legacy_discussion(url: str) -> int:
    """A contact with a discussion recorded by the old form (before 0004's rows)."""
    contact = sa.table("contact", *(sa.column(n) for n in (
        "id", "source", "channel", "referrer", "concerns", "consent", "stage", "version",
        "event_seq")), sa.column("received_at", UTCDateTime()), sa.column("facts", JSONDoc))
    event = sa.table("contact_event", *(sa.column(n) for n in (
        "contact_id", "seq", "trigger", "from_stage", "to_stage", "actor", "role", "reason")),
        sa.column("at", UTCDateTime()), sa.column("payload", JSONDoc))
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(contact.insert().values(
            id=1, received_at=AT, source="6", channel="phone", referrer="", concerns="",
            consent="not_recorded", stage="strategy_discussion", version=3, event_seq=3,
            facts={}))
        conn.execute(event.insert().values(
            contact_id=1, seq=3, trigger="hold_strategy_discussion",
            from_stage="strategy_discussion", to_stage="strategy_discussion",
            actor="old.worker", role="social_worker", at=AT, reason="Old form",
            payload=OLD_PAYLOAD))
    engine.dispose()
    return 1


def test_upgrading_copies_earlier_discussions_into_the_casework_tables_once(
        empty_database_url: str) -> None:
    url = empty_database_url
    for head in ("0002", "0003", "0004"):
        command.upgrade(_config(url), head)
    contact_id = _legacy_discussion(url)

    command.upgrade(_config(url), "heads")
    command.downgrade(_config(url), "0004")
    command.upgrade(_config(url), "heads")  # run again: nothing is copied twice

    engine = make_engine(url)
    with Session(engine) as session:
        [row] = session.scalars(select(StrategyDiscussionRow)).all()
        grid = session.scalars(select(StrategyParticipationRow)).all()
    engine.dispose()
    assert (row.contact_id, row.event_seq, row.recorded_by) == (contact_id, 3, "old.worker")
    assert row.held_at == datetime(2026, 1, 12, 0, 0, tzinfo=UTC)  # midnight GMT in London
    assert (row.absence_reason, row.initiating, row.outcome) == ("Health on leave", False, "")
    assert [(p.agency, p.status) for p in grid] == [("police", "attended")]  # "invited"
    # was never a status, so it is left out: the KPI counts health as not contributing.
