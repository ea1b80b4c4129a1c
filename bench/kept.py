"""Benchmark databases kept between runs: build a million contacts once, reuse them.

Why: loading 1,000,000 contacts takes minutes on a shared machine, and the plan check
(``bench.plans``) and the load benchmark (``bench.load``) both read the same shapes
(``bench.dashboard_data``). A kept database is loaded only when its ``contact`` table is
empty or missing; afterwards every index the schema declares is created if absent, so a
database built before an index was added still answers with today's plans.

PostgreSQL: a database of its own, ``<prefix>_<n>`` on the server of the URL (created if
missing, never dropped here). SQLite: a file in ``--sqlite-folder``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url

from bench.dashboard_data import load
from bench.pg import ensure_database
from workflow.persistence.db import make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ContactRow


def kept_url(server: str | None, folder: Path, prefix: str, n: int) -> str:
    """The URL of the kept database of ``n`` contacts (PostgreSQL when ``server``)."""
    if server is None:
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / f'{prefix}_{n}.db'}"
    name = f"{prefix}_{n}"
    return ensure_database(make_url(server), name).render_as_string(hide_password=False)


def ensure(url: str, n: int) -> Engine:
    """An engine on a database holding ``n`` bench contacts, with every declared index."""
    engine = make_engine(url)
    schema = metadata()
    if not _loaded(engine, n):
        schema.drop_all(engine)  # type: ignore[attr-defined]  # a load cut short
        schema.create_all(engine)  # type: ignore[attr-defined]
        _drop_indexes(engine)  # built once at the end: far quicker than row by row
        print(f"loading {n:,} contacts into {engine.url!r} ...", file=sys.stderr, flush=True)
        print(f"  loaded in {load(engine, n, fast=True):.0f} s", file=sys.stderr, flush=True)
    create_missing_indexes(engine)
    return engine


def _drop_indexes(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in metadata().sorted_tables:  # type: ignore[attr-defined]
            for index in table.indexes:
                index.drop(conn)


def create_missing_indexes(engine: Engine) -> list[str]:
    """Create each index the schema declares that the database lacks; their names."""
    made = []
    with engine.begin() as conn:
        present = {table: {i["name"] for i in inspect(conn).get_indexes(table)}
                   for table in inspect(conn).get_table_names()}
        for table in metadata().sorted_tables:  # type: ignore[attr-defined]
            for index in table.indexes:
                if table.name in present and index.name not in present[table.name]:
                    index.create(conn)
                    made.append(index.name)
    if made:
        _analyse(engine)
        print(f"  created indexes {', '.join(made)}", file=sys.stderr, flush=True)
    return made


def _analyse(engine: Engine) -> None:
    """Fresh statistics, and on PostgreSQL the visibility map an index-only scan needs
    (what autovacuum would do a little later)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _loaded(engine: Engine, n: int) -> bool:
    """Whether a whole load finished: the oldest contact (id n) is written last."""
    if not inspect(engine).has_table("contact"):
        return False
    with engine.connect() as conn:
        return conn.scalar(select(ContactRow.id).where(ContactRow.id == n)) is not None
