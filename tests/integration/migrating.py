"""What the migration tests share: Alembic pointed at a test database, the tables it
holds, and one child with one contact written as rows (the schema of the day, not the
ORM's, so a test can seed a database at an old revision)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.types import UTCDateTime


def alembic_config(url: str) -> Config:
    """Alembic on ``url``, as ``frontdoor db upgrade`` runs it."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


def differences_from_the_code(engine: Engine) -> list[object]:
    """What Alembic's autogenerate would change to make the database the declared schema
    (types compared too): empty when a migration leaves exactly what the code declares."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata()))  # type: ignore[arg-type]


def tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def at_revision_with_a_case(url: str, revision: str, stage: str, at: datetime) -> Engine:
    """The database upgraded to ``revision``, holding child 1 and their contact 1 at
    ``stage``; the caller disposes of the engine."""
    command.upgrade(alembic_config(url), revision)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.table("person", *(sa.column(c) for c in (
            "id", "kind", "first_name", "last_name", "preferred_name", "sex",
            "gender_identity", "ethnicity", "first_language", "immigration_status", "school",
            "identifier_status", "identifier_reason", "version")),
            sa.column("created_at", UTCDateTime())).insert().values(
            id=1, kind="child", first_name="Bo", last_name="Example", preferred_name="",
            sex="U", gender_identity="", ethnicity="NOBT", first_language="",
            immigration_status="", school="", identifier_status="included",
            identifier_reason="", version=1, created_at=at))
        conn.execute(sa.table("contact", *(sa.column(c) for c in (
            "id", "child_id", "source", "channel", "referrer", "concerns", "consent", "stage",
            "version", "event_seq", "referral_nfa")),
            sa.column("received_at", UTCDateTime())).insert().values(
            id=1, child_id=1, received_at=at, source="6", channel="phone", referrer="",
            concerns="Synthetic", consent="not_recorded", stage=stage, version=9,
            event_seq=9, referral_nfa=False))
    return engine
