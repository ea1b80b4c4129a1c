"""Migration 0010 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: requests answered before it keep their answer and have
no sharing recorded (nobody recorded one), the schema is the one the code declares, and
downgrade then upgrade gives the same rows again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

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

NEW = ("sharing", "answer_basis", "answer_basis_detail", "not_shared_reason",
       "decided_by_name", "decided_by_role", "more_detrimental")
AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


def _insert(conn: sa.Connection, table: str, **row: Any) -> None:
    typed = [sa.column(k, UTCDateTime() if isinstance(v, datetime) else None) for k, v in
             row.items()]
    conn.execute(sa.table(table, *typed).insert().values(**row))


def _write_0008(engine: Engine) -> None:
    """A child, a contact, one answered request and one still open, as 0008 stored them."""
    request = {"contact_id": 1, "child_id": 1, "agency": "police", "lawful_basis": "public_task",
               "lawful_basis_detail": "", "authorised_by": "Mo Manager",
               "requested_by": "fd.worker", "requested_at": AT, "requested_month": "2026-11",
               "rag": "amber", "rule_version": "agency_request_amber@2018-07-04",
               "due_at": AT, "chase_count": 0, "closed_reason": ""}
    with engine.begin() as conn:
        _insert(conn, "person", id=1, kind="child", first_name="Bo", last_name="Example",
                preferred_name="", sex="U", gender_identity="", ethnicity="NOBT",
                first_language="", immigration_status="", school="",
                identifier_status="included", identifier_reason="", version=1, created_at=AT)
        _insert(conn, "contact", id=1, child_id=1, received_at=AT, source="6", channel="phone",
                referrer="", concerns="Synthetic", consent="not_recorded",
                stage="information_gathering", version=3, event_seq=3, referral_nfa=False)
        _insert(conn, "info_request", id=1, question="Any call-outs?", status="answered",
                answer="Two call-outs (synthetic)", answered_by="police.partner",
                answered_at=AT, **request)
        _insert(conn, "info_request", id=2, question="Anything else?", status="open",
                answer="", **request)


@pytest.fixture
def at_0008(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0008 holding requests answered before sharing was recorded."""
    command.upgrade(_alembic(empty_database_url), "0008")
    engine = make_engine(empty_database_url)
    _write_0008(engine)
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def _requests(engine: Engine) -> list[dict[str, Any]]:
    """Every row of info_request as the database holds it now (columns reflected)."""
    table = sa.Table("info_request", sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.id)).mappings().all()
    return [dict(r) for r in rows]


def test_answers_from_before_keep_their_text_and_have_no_sharing_recorded(
        at_0008: tuple[str, Engine]) -> None:
    url, engine = at_0008

    command.upgrade(_alembic(url), "heads")

    answered, still_open = _requests(engine)
    assert (answered["answer"], answered["status"]) == ("Two call-outs (synthetic)", "answered")
    for row in (answered, still_open):
        assert (row["sharing"], row["answer_basis"], row["more_detrimental"]) == (None, None,
                                                                                   None)
        assert (row["not_shared_reason"], row["decided_by_name"], row["decided_by_role"],
                row["answer_basis_detail"]) == ("", "", "", "")


def test_the_migrated_schema_is_the_one_the_code_declares(
        at_0008: tuple[str, Engine]) -> None:
    url, engine = at_0008

    command.upgrade(_alembic(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_downgrade_drops_the_columns_keeps_the_answers_and_upgrade_gives_the_rows_again(
        at_0008: tuple[str, Engine]) -> None:
    url, engine = at_0008
    command.upgrade(_alembic(url), "heads")
    first = _requests(engine)

    command.downgrade(_alembic(url), "0009")
    down = _requests(engine)
    command.upgrade(_alembic(url), "heads")

    assert not set(NEW) & set(down[0])
    assert [r["answer"] for r in down] == ["Two call-outs (synthetic)", ""]
    assert _requests(engine) == first
