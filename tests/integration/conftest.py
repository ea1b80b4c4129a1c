"""Every integration test runs twice: on SQLite (a file) and on PostgreSQL.

SQLite gets a fresh file per test. PostgreSQL gets one fresh schema per test session
(so a shared ``test`` database is never touched outside it) and clean tables per test.
If PostgreSQL cannot be reached the PostgreSQL half is skipped with a message saying how
to run it — except in CI (``CI=true``) or with ``FRONTDOOR_REQUIRE_POSTGRES=1``, where a
missing server is a failure, so a green build always means both databases were tested.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Executable, MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tests.builders import staff_the_directory
from workflow.mash.config import MashConfig, load_mash_config
from workflow.persistence.accounts import SqlAccounts
from workflow.persistence.append_only import rewriting
from workflow.persistence.db import make_engine
from workflow.persistence.tables import Base
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import DEFAULT_CONFIG

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _all_tables() -> MetaData:
    """Every area's tables (engine, MASH, oversight …), so each test gets the full schema."""
    try:
        from workflow.persistence.schema import metadata
    except ModuleNotFoundError:  # before the areas were split out: the engine's tables only
        return Base.metadata
    complete = metadata()
    assert isinstance(complete, MetaData)
    return complete

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def _postgres_required() -> bool:
    return (os.environ.get("CI", "").lower() == "true"
            or os.environ.get("FRONTDOOR_REQUIRE_POSTGRES") == "1")


def _postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL


def _unreachable(shown: str, error: Exception) -> None:
    reason = f"{type(error).__name__}: {str(error).strip().splitlines()[0]}"
    if _postgres_required():
        pytest.fail(f"PostgreSQL is required in CI: cannot connect to {shown} ({reason}). "
                    "Start PostgreSQL or point TEST_DATABASE_URL at one.", pytrace=False)
    pytest.skip(f"PostgreSQL not reachable at {shown} ({reason}); start it or set "
                "TEST_DATABASE_URL to run the PostgreSQL half")


@pytest.fixture(scope="session")
def _postgres_engine() -> Iterator[Engine]:
    """One engine on a schema of its own, created empty for this test session."""
    url = _postgres_url()
    shown = make_url(url).render_as_string(hide_password=True)
    schema = f"frontdoor_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url, connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # any failure to connect or create means "unreachable"
        admin.dispose()
        _unreachable(shown, error)
    # The schema rides in the URL, so anything built from ``database_url`` lands in it too.
    in_schema = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(in_schema.render_as_string(hide_password=False))
    _all_tables().drop_all(engine)
    _all_tables().create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _empty_all_tables(engine: Engine) -> None:
    """Delete every row, children before parents (faster than TRUNCATE on tiny tables)."""
    with engine.begin() as conn, rewriting(conn, "tests: every test starts empty"):
        for table in reversed(_all_tables().sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own with no tables at all, for tests that build the schema
    themselves (Alembic): a SQLite file, or a PostgreSQL database ``frontdoor_mig_…``
    created for the test and dropped after it (never the shared database's schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    url = make_url(_postgres_url())
    shown = url.render_as_string(hide_password=True)
    name = f"frontdoor_mig_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url.render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # any failure to connect or create means "unreachable"
        admin.dispose()
        _unreachable(shown, error)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database under test: a SQLite file in tmp_path, or this session's PostgreSQL
    schema (its URL carries ``options=-csearch_path=…``)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontdoor.db'}"
    engine = request.getfixturevalue("_postgres_engine")  # skips or fails when unreachable
    return str(engine.url.render_as_string(hide_password=False))


@pytest.fixture
def engine(request: pytest.FixtureRequest, database_url: str) -> Iterator[Engine]:
    """A SQLAlchemy engine on empty tables of the current schema."""
    if database_url.startswith("sqlite"):
        engine = make_engine(database_url)
        _all_tables().create_all(engine)
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("_postgres_engine")
    _empty_all_tables(engine)
    yield engine


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """A new unit of work per call, as the web layer makes one per request."""
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    staff_the_directory(SqlAccounts(sessions))
    return lambda: SqlUnitOfWork(sessions)


@pytest.fixture
def fetch(engine: Engine) -> Callable[[Executable], list[Any]]:
    """Run a SELECT in a fresh read-only session and return its rows (or scalars)."""
    readonly = engine.execution_options(readonly=True)

    def fetch(statement: Executable) -> list[Any]:
        with Session(readonly) as session:
            return list(session.scalars(statement))

    return fetch


@pytest.fixture(scope="module")
def mash() -> MashConfig:
    """The shipped MASH configuration (agencies, request deadlines)."""
    return load_mash_config(DEFAULT_CONFIG)


@pytest.fixture
def mash_uow(uow_factory: Callable[[], SqlUnitOfWork]) -> Callable[[], SqlUnitOfWork]:
    """The MASH's unit of work: the same one as ``uow_factory`` (one unit of work holds
    contacts, children, history and meetings)."""
    return uow_factory
