"""A PostgreSQL schema of one benchmark run's own, so two runs never touch each other's rows.

Why: a benchmark that drops a fixed schema destroys any other run using it at that moment
(and the tests' schemas are in the shared ``test`` database). Each run makes a schema named
after its process and a random tag, in the database it was given (or one it names and
creates), points ``search_path`` at it, and drops only that schema when it ends, however it
ends.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

from sqlalchemy import URL, create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, ProgrammingError

from workflow.persistence.db import make_engine


def run_schema_name(prefix: str) -> str:
    """``<prefix>_<pid>_<random>``: unique per run, and says which process made it."""
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def ensure_database(url: URL, name: str) -> URL:
    """Create database ``name`` on an autocommit connection unless it exists; its URL."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                {"name": name})
            if not found:  # a concurrent run may create it first: that is fine too
                with contextlib.suppress(ProgrammingError, IntegrityError):
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name)


@contextlib.contextmanager
def own_schema(url: str, prefix: str, database: str | None = None
               ) -> Iterator[tuple[Engine, str]]:
    """An engine on a new, empty schema of this run's own, and how to describe it.

    ``database``: use (and create if missing) that database on the same server; default:
    the database in ``url``. The schema is dropped on the way out, and no other.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit(f"unsupported database {parsed.get_backend_name()!r}: "
                         "use SQLite (the default) or postgresql+psycopg://…")
    target = ensure_database(parsed, database) if database else parsed
    schema = run_schema_name(prefix)
    admin = create_engine(target, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(target.render_as_string(hide_password=False),
                             connect_args={"options": f"-c search_path={schema}"})
        try:
            yield engine, f"{target.render_as_string(hide_password=True)} (schema {schema})"
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()
