"""Migration 0013 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: assessments authorised before it are flagged "child not
seen" from the visits and clocks recorded then, with no reason (nobody gave one), open
ones are not; the schema is the one the code declares; downgrade then upgrade gives the
same rows again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
from workflow.persistence.types import JSONDoc, UTCDateTime

REFERRED = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # Mon 9 Mar 2026
AUTHORISED = datetime(2026, 4, 20, 14, 0, tzinfo=UTC)  # Mon 20 Apr 2026 (BST)
#: contact id -> (assessment status, visits as (instant, child seen), a child-seen clock
#: left not met at the authorisation, the flag expected after the upgrade)
CASES: dict[int, tuple[str, list[tuple[datetime, bool]], bool, bool]] = {
    1: ("authorised", [(REFERRED + timedelta(days=1), True)], False, False),
    2: ("authorised", [], False, True),
    3: ("authorised", [(REFERRED + timedelta(days=1), False)], False, True),
    4: ("authorised", [(REFERRED + timedelta(days=1), True)], True, True),
    5: ("open", [], False, False),
    6: ("authorised", [(AUTHORISED + timedelta(days=2), True)], False, True),
    7: ("authorised", [(REFERRED - timedelta(days=30), True)], False, True),
}


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


def _type(value: Any) -> Any:
    if isinstance(value, datetime):
        return UTCDateTime()
    return JSONDoc if isinstance(value, list) else None


def _insert(conn: sa.Connection, table: str, **row: Any) -> None:
    typed = [sa.column(k, _type(v)) for k, v in row.items()]
    conn.execute(sa.table(table, *typed).insert().values(**row))


def _write_0010(engine: Engine) -> None:
    """One child, and per case a contact, its assessment, visits and clocks as 0010 kept them."""
    with engine.begin() as conn:
        _insert(conn, "person", id=1, kind="child", first_name="Bo", last_name="Example",
                preferred_name="", sex="U", gender_identity="", ethnicity="NOBT",
                first_language="", immigration_status="", school="",
                identifier_status="included", identifier_reason="", version=1,
                created_at=REFERRED)
        for cid, (status, visits, unmet, _) in CASES.items():
            _insert(conn, "contact", id=cid, child_id=1, received_at=REFERRED, source="6",
                    channel="phone", referrer="", concerns="Synthetic", consent="not_recorded",
                    stage="cin_plan" if status == "authorised" else "assessment", version=5,
                    event_seq=5, referral_nfa=False, referral_at=REFERRED)
            done = status == "authorised"
            _insert(conn, "assessment", contact_id=cid, kind="s17", status=status,
                    started_at=REFERRED, summary="", factors=["21"], returned_reason="",
                    lateness_reason="", outcome="cin_plan" if done else None,
                    authorised_by="team.manager" if done else None,
                    **({"authorised_at": AUTHORISED} if done else {}))
            for seq, (at, seen) in enumerate(visits, 2):
                _insert(conn, "visit", contact_id=cid, event_seq=seq, visited_at=at,
                        child_seen=seen, by="social.worker")
            if unmet:
                _insert(conn, "clock", contact_id=cid, rule="child_seen_s47",
                        rule_version="child_seen_s47@2018-07-04", started_at=REFERRED,
                        due_at=REFERRED + timedelta(hours=24), stopped_at=AUTHORISED,
                        stop_event="left_for_cin_plan", result="not_met", note="")


@pytest.fixture
def at_0010(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0010 holding assessments authorised before the flag existed."""
    command.upgrade(_alembic(empty_database_url), "0012")
    engine = make_engine(empty_database_url)
    _write_0010(engine)
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def _assessments(engine: Engine) -> list[dict[str, Any]]:
    table = sa.Table("assessment", sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.contact_id)).mappings().all()
    return [dict(r) for r in rows]


def test_assessments_authorised_before_are_flagged_from_their_visits_and_clocks(
        at_0010: tuple[str, Engine]) -> None:
    url, engine = at_0010

    command.upgrade(_alembic(url), "heads")

    found = {r["contact_id"]: (bool(r["authorised_not_seen"]), r["not_seen_reason"])
             for r in _assessments(engine)}
    assert found == {cid: (flag, "") for cid, (_, _, _, flag) in CASES.items()}


def test_the_migrated_schema_is_the_one_the_code_declares(at_0010: tuple[str, Engine]) -> None:
    url, engine = at_0010

    command.upgrade(_alembic(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_downgrade_drops_the_flag_and_upgrade_gives_the_rows_again(
        at_0010: tuple[str, Engine]) -> None:
    url, engine = at_0010
    command.upgrade(_alembic(url), "heads")
    first = _assessments(engine)

    command.downgrade(_alembic(url), "0012")
    down = _assessments(engine)
    command.upgrade(_alembic(url), "heads")

    assert not {"authorised_not_seen", "not_seen_reason"} & set(down[0])
    assert [r["status"] for r in down] == [status for status, *_ in CASES.values()]
    assert _assessments(engine) == first
