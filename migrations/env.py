"""Alembic environment: migrate the database named by DATABASE_URL or settings.toml."""

from __future__ import annotations

from alembic import context

from workflow.persistence.db import database_url, make_engine
from workflow.persistence.schema import metadata
from workflow.rules import DEFAULT_CONFIG

config = context.config


def run_migrations_online() -> None:
    """Run against a live connection (the only mode we use)."""
    url = config.attributes.get("url") or database_url(DEFAULT_CONFIG)
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata(),
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
