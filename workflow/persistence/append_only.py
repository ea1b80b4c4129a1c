"""The audit trail cannot be rewritten: the database itself refuses UPDATE and DELETE on
the event history, the access log, a person's change history, the administrators'
audit of who changed whose access, and the log of every API token's use.

Why in the database and not only in the code: an append-only promise kept by the
application is broken by the first script, console session or compromised account that
talks to the database directly. On PostgreSQL a trigger function raises on any UPDATE,
DELETE or TRUNCATE; on SQLite (the laptop) triggers raise on UPDATE and DELETE.

The one way round is deliberate and visible: ``rewriting(connection)`` opens a window in
the current transaction only (PostgreSQL: ``SET LOCAL frontdoor.rewrite``; SQLite: a row
in the ``rewrite_permit`` table, removed before commit). It exists for what must rewrite history by
law or by design: a retention purge, and tests that plant a defect on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, MetaData, event, text

#: The tables that only ever grow.
APPEND_ONLY = ("contact_event", "access_log", "person_change", "admin_audit", "api_token_use")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION frontdoor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('frontdoor.rewrite', true) = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the % table is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$
"""


def pg_statements(table: str) -> list[str]:
    """The triggers that keep one PostgreSQL table append-only."""
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION frontdoor_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION frontdoor_append_only()",
    ]


def sqlite_statements(table: str) -> list[str]:
    """The triggers that keep one SQLite table append-only (``table`` is one of
    ``APPEND_ONLY``, never input)."""
    return [
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "  # noqa: S608
        "WHEN (SELECT count(*) FROM rewrite_permit) = 0 "
        f"BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only: {verb} refused'); END"
        for verb in ("UPDATE", "DELETE")
    ]


def install(connection: Connection) -> None:
    """Create the triggers on a schema that has the tables (``create_all`` and migration)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(_PG_FUNCTION))
        for table in APPEND_ONLY:
            for statement in pg_statements(table):
                connection.execute(text(statement))
    elif connection.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for statement in sqlite_statements(table):
                connection.execute(text(statement))


def attach(metadata: MetaData) -> None:
    """Install the triggers whenever ``metadata.create_all`` builds the schema (tests and a
    fresh laptop database made without migrations get the same protection)."""
    event.listen(metadata, "after_create",
                 lambda _target, connection, **_kw: install(connection))


@contextmanager
def rewriting(connection: Connection, why: str) -> Iterator[None]:
    """Allow UPDATE and DELETE on the append-only tables for this transaction only."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL frontdoor.rewrite = 'on'"))
        try:
            yield
        finally:
            connection.execute(text("SET LOCAL frontdoor.rewrite = 'off'"))
        return
    connection.execute(text("INSERT INTO rewrite_permit (why) VALUES (:why)"), {"why": why})
    try:
        yield
    finally:
        connection.execute(text("DELETE FROM rewrite_permit"))
