"""Engine creation with the per-database settings this stack needs.

SQLite (the laptop default) gets foreign keys and WAL on every connection, and every
writing transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers queue on the
busy timeout instead of failing at once with "database is locked" (Python 3.11 recipe:
``isolation_level=None`` hands transaction control to us). Reads use a deferred BEGIN
through a ``readonly`` view of the same engine. PostgreSQL needs nothing special.

Both engines hide statement parameters (``hide_parameters=True``): a database error's text
then names the statement but never the values bound to it, so a refused insert cannot
carry a child's name, date of birth or NHS number into a log or a traceback.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite files get their folder created."""
    parsed = make_url(url)
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        readonly = conn.get_execution_options().get("readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


PROJECT_ROOT = Path(__file__).resolve().parents[2]


def database_url(config_dir: Path, environ: dict[str, str] | None = None) -> str:
    """DATABASE_URL if set, else ``[database] url`` from settings.toml.

    A relative SQLite path is taken from the project root, so ``make run`` and the CLI
    find the same file whatever folder they are started from.
    """
    env = os.environ if environ is None else environ
    url = env.get("DATABASE_URL")
    if not url:
        with (config_dir / "settings.toml").open("rb") as handle:
            url = str(tomllib.load(handle).get("database", {}).get("url", ""))
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        url = prefix + str(PROJECT_ROOT / url[len(prefix):])
    return url
