"""Is the database ready to serve: reachable, and migrated to the code's latest revision?

A load balancer asks this every few seconds, so it costs one connection from the pool and one
one-row query. The revisions the code expects are read from ``migrations/`` once per process.
A worker started against a database that is behind (a release whose ``frontdoor db upgrade``
has not run yet) answers "not ready" instead of failing on its first page.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from workflow.persistence.db import PROJECT_ROOT

READY = "ready"
UNREACHABLE = "database unreachable"
NOT_MIGRATED = "database schema is not at the latest migration"


@cache
def expected_revisions() -> frozenset[str]:
    """The head revisions of ``migrations/`` (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_state(engine: Engine) -> str:
    """READY, UNREACHABLE or NOT_MIGRATED; never raises and never says why in detail
    (connection errors may name hosts and users: the caller shows only this word)."""
    try:
        connection = engine.connect()
    except SQLAlchemyError:
        return UNREACHABLE
    with connection:
        try:
            found = connection.execute(text("SELECT version_num FROM alembic_version"))
            current = frozenset(str(v) for v in found.scalars())
        except DBAPIError:
            return NOT_MIGRATED  # no alembic_version table: never migrated
    return READY if current == expected_revisions() else NOT_MIGRATED
