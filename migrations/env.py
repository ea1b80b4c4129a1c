"""Alembic environment: migrate the database named by DATABASE_URL or settings.toml."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from workflow.persistence.db import database_url, make_engine
from workflow.persistence.schema import metadata
from workflow.rules import DEFAULT_CONFIG

config = context.config


def run_migrations_online() -> None:
    """Run against a live connection (the only mode we use)."""
    url = config.attributes.get("url") or database_url(DEFAULT_CONFIG)
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _foreign_keys(connection, on=False)
        context.configure(connection=connection, target_metadata=metadata(),
                          render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            _foreign_keys(connection, on=True)
    engine.dispose()


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    """SQLite rebuilds a table to alter it (copy, drop, rename): with foreign keys enforced,
    dropping a table other rows refer to fails. They are switched off for the migration,
    outside any transaction (SQLite ignores the pragma inside one), and the whole database
    is checked before they are switched back on: a migration that broke a reference fails."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    if on:
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left broken references: {broken[:5]}")
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


run_migrations_online()
