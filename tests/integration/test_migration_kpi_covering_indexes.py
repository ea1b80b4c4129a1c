"""Migration 0025 (after 0024) on SQLite and PostgreSQL, through Alembic as ``frontdoor db
upgrade`` runs it: the schema it leaves is the one the code declares (each KPI's index
carries the columns its series counts, in place of the index on the same first column, so
no table gains an index), downgrade gives back exactly the indexes 0024 had, and no row is
touched either way."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from tests.integration.migrating import (
    alembic_config,
    at_revision_with_a_case,
    differences_from_the_code,
)

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
TABLES = ("contact", "clock", "threshold_decision", "assessment")
COVERING = {
    "contact": {"ix_contact_received_referral_channel": ["received_at", "referral_at", "channel"],
                "ix_contact_referral_child": ["referral_at", "child_id"],
                "ix_contact_child_referral": ["child_id", "referral_at"]},
    "clock": {"ix_clock_rule_stopped": ["rule", "stopped_at", "due_at", "stop_event", "result"]},
    "threshold_decision": {
        "ix_threshold_decision_decided_match": ["decided_at", "matches_recommendation"]},
    "assessment": {
        "ix_assessment_authorised_seen": ["authorised_at", "status", "authorised_not_seen"]},
}


def _indexes(engine: sa.Engine) -> dict[str, dict[str, list[str | None]]]:
    """Each table's indexes by name, with their columns in order."""
    inspector = sa.inspect(engine)
    return {table: {i["name"] or "": list(i["column_names"]) for i in inspector.get_indexes(table)}
            for table in TABLES}


def test_upgrade_matches_the_code_and_downgrade_restores_0024(empty_database_url: str) -> None:
    url = empty_database_url
    engine = at_revision_with_a_case(url, "0024", "screening", AT)
    before = _indexes(engine)

    command.upgrade(alembic_config(url), "heads")
    assert differences_from_the_code(engine) == []
    upgraded = _indexes(engine)
    command.downgrade(alembic_config(url), "0024")
    after_down = _indexes(engine)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT child_id, stage, channel FROM contact")).one()
    engine.dispose()

    for table, covering in COVERING.items():
        assert {name: upgraded[table].get(name) for name in covering} == covering
        assert len(upgraded[table]) == len(before[table])
    assert not {"ix_contact_received_at", "ix_contact_referral_at", "ix_contact_child_id"} & set(
        upgraded["contact"])
    assert after_down == before
    assert tuple(stored) == (1, "screening", "phone")
