"""Migration 0012 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: the feed's tables are the ones the code declares, and
downgrade removes them (and the index on person_change.at) and nothing else."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.schema import metadata

FEED_TABLES = {"dfe_feed_run", "dfe_feed_batch", "dfe_feed_refusal", "dfe_feed_child"}


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


def test_0012_gives_the_schema_the_code_declares_and_downgrade_takes_it_away(
        empty_database_url: str) -> None:
    url = empty_database_url
    command.upgrade(_alembic(url), "0011")
    engine = make_engine(url)
    try:
        before = set(sa.inspect(engine).get_table_names())
        command.upgrade(_alembic(url), "0012")
        assert set(sa.inspect(engine).get_table_names()) - before == FEED_TABLES
        command.upgrade(_alembic(url), "heads")
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]

        command.downgrade(_alembic(url), "0011")

        inspector = sa.inspect(engine)
        assert set(inspector.get_table_names()) == before
        assert "ix_person_change_at" not in {i["name"] for i in
                                             inspector.get_indexes("person_change")}
    finally:
        engine.dispose()
