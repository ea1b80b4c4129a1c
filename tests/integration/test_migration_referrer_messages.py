"""Migration 0026 (after 0025) on SQLite and PostgreSQL: upgrading leaves the declared
schema (a notification may be about no clock, to an address of up to 254 characters), and
downgrading restores ``notification`` as 0025 had it, the referrer notes (about no clock)
removed."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.integration.migrating import alembic_config, at_revision_with_a_case
from workflow.persistence.schema import metadata

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ADDRESS = "r" * 200 + "@police.example"


def _columns(engine: sa.Engine) -> dict[str, tuple[bool, int | None]]:
    return {c["name"]: (c["nullable"], getattr(c["type"], "length", None))
            for c in sa.inspect(engine).get_columns("notification")}


def test_upgrade_lets_a_note_be_about_no_clock_and_downgrade_restores_the_table(
        empty_database_url: str) -> None:
    url = empty_database_url
    engine = at_revision_with_a_case(url, "0025", "screening", AT)
    before = _columns(engine)

    command.upgrade(alembic_config(url), "heads")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]
    upgraded = _columns(engine)
    with engine.begin() as conn:
        contact_id = conn.execute(sa.text("SELECT min(id) FROM contact")).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO notification (dedupe_key, kind, recipient, contact_id, clock_id, "
            "subject, body, created_at) VALUES ('feedback:1', 'feedback', :to, :contact, "
            "NULL, 'Feedback on your referral', 'words', :at)"),
            {"to": ADDRESS, "contact": contact_id, "at": AT})
    command.downgrade(alembic_config(url), "0025")
    after = _columns(engine)
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT count(*) FROM notification")).scalar_one()
    engine.dispose()

    assert upgraded["clock_id"][0] is True and upgraded["recipient"][1] == 254
    assert before["clock_id"][0] is False and before["recipient"][1] == 80
    assert after == before
    assert kept == 0
