"""Migration 0020 on SQLite and on PostgreSQL, through Alembic as ``frontdoor db upgrade``
runs it: the Family Help columns of ``early_help_handover`` are the ones the code declares,
a hand-over stored before it becomes an accepted transfer with no service (the team it was
handed to simply took the family), and downgrade keeps the hand-over, without the columns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from tests.integration.migrating import alembic_config
from workflow.persistence.db import make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.types import UTCDateTime

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def at_0015(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0015 holding one contact stepped down to early help."""
    command.upgrade(alembic_config(empty_database_url), "0015")
    engine = make_engine(empty_database_url)
    with engine.begin() as conn:
        conn.execute(sa.table("contact", *(sa.column(c) for c in (
            "id", "source", "channel", "referrer", "concerns", "consent", "stage",
            "version", "event_seq", "referral_nfa")),
            sa.column("received_at", UTCDateTime())).insert().values(
            id=1, received_at=AT, source="6", channel="phone", referrer="",
            concerns="Synthetic", consent="not_recorded", stage="early_help", version=4,
            event_seq=4, referral_nfa=False))
        conn.execute(sa.table("early_help_handover", *(sa.column(c) for c in (
            "id", "contact_id", "event_seq", "consent", "team", "handover_on", "by",
            "from_stage")), sa.column("at", UTCDateTime())).insert().values(
            id=1, contact_id=1, event_seq=4, consent="given", team="Early Help North",
            handover_on=date(2026, 11, 2), by="team.manager", at=AT, from_stage="cin_plan"))
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def _columns(engine: Engine) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns("early_help_handover")}


def test_the_migrated_schema_is_the_one_the_code_declares(at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015

    command.upgrade(alembic_config(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_an_earlier_hand_over_becomes_accepted_and_downgrade_keeps_it(
        at_0015: tuple[str, Engine]) -> None:
    url, engine = at_0015
    before = _columns(engine)

    command.upgrade(alembic_config(url), "heads")
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT team, service, practitioner, status, reviews "
                                   "FROM early_help_handover")).one()
    assert tuple(row) == ("Early Help North", None, None, "accepted", 0)

    command.downgrade(alembic_config(url), "0015")
    assert _columns(engine) == before
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT team FROM early_help_handover")).scalar_one() \
            == "Early Help North"
