"""Alembic environment: migrate the database named by DATABASE_URL or settings.toml."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from workflow.persistence.db import database_url, make_engine
from workflow.persistence.schema import metadata
from workflow.rules import DEFAULT_CONFIG

config = context.config


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """SQLite's batch migrations copy a table, drop the old one and rename the copy; with
    foreign keys enforced, dropping a table other rows refer to (contact, clock) fails on
    any database holding data. SQLite honours the pragma only outside a transaction, so it
    is set on the driver's connection before the migration's transaction begins."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _no_broken_references(connection: Connection) -> None:
    """With enforcement off, check every reference still holds before committing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left rows referring to missing rows: {broken[:5]}")


def run_migrations_online() -> None:
    """Run against a live connection (the only mode we use)."""
    url = config.attributes.get("url") or database_url(DEFAULT_CONFIG)
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        context.configure(connection=connection, target_metadata=metadata(),
                          render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _no_broken_references(connection)
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)
    engine.dispose()


run_migrations_online()
