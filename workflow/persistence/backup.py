"""Back up and restore the whole database: PostgreSQL with pg_dump/pg_restore, SQLite with its
online backup API.

Why these tools: pg_dump takes a consistent snapshot while the service runs, and its custom
format restores selectively and checks itself; SQLite's backup API copies a live database
page by page, pages still in the WAL file included, which copying the file would not.

A backup holds every child's record, so it is written with mode 600 and never over an
existing file. A restore refuses to overwrite a database that already has tables unless
told to (``replace``), and refuses a file that is not a Front Door backup of the same kind
of database. A password in the URL reaches pg_dump through PGPASSWORD, never its command
line (which every user of the machine can read).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import URL, inspect
from sqlalchemy.engine import make_url

from workflow.errors import FrontDoorError
from workflow.persistence.db import make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(FrontDoorError):
    """A backup or restore could not be made; the message says why and what to do."""


def backup(url: str, target: Path) -> str:
    """Write a backup of the database at ``url`` to ``target``; returns "sqlite" or
    "postgresql"."""
    parsed = make_url(url)
    fd = _create_private(target)
    try:
        if parsed.get_backend_name() == "sqlite":
            os.close(fd)
            _sqlite_backup(_sqlite_path(parsed), target)
        else:
            with os.fdopen(fd, "wb") as handle:
                _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                      f"--dbname={_libpq_url(parsed)}"], parsed, stdout=handle)
    except BaseException:
        target.unlink(missing_ok=True)  # never leave half a backup that looks whole
        raise
    return str(parsed.get_backend_name())


def restore(url: str, source: Path, *, replace: bool = False) -> None:
    """Load the backup ``source`` into the database at ``url``."""
    parsed = make_url(url)
    kind = parsed.get_backend_name()
    _check_kind(source, SQLITE_MAGIC if kind == "sqlite" else PG_MAGIC, kind)
    if not replace and _has_tables(url):
        raise BackupError("The database already has tables: restoring would replace what is "
                          "there. Restore into an empty database, or pass --replace.")
    if kind == "sqlite":
        _sqlite_restore(source, _sqlite_path(parsed))
        return
    clean = ["--clean", "--if-exists"] if replace else []
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", *clean, f"--dbname={_libpq_url(parsed)}", str(source)],
         parsed)


def _create_private(target: Path) -> int:
    try:
        return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{target} already exists: choose a new file name (a backup is "
                          "never written over another).") from None
    except OSError as error:
        raise BackupError(f"Cannot create {target}: {error.strerror}.") from None


def _sqlite_path(parsed: URL) -> Path:
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(parsed.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _sqlite_restore(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _check_kind(source: Path, magic: bytes, kind: str) -> None:
    try:
        with source.open("rb") as handle:
            head = handle.read(len(magic))
    except OSError as error:
        raise BackupError(f"Cannot read {source}: {error.strerror}.") from None
    if head != magic:
        raise BackupError(f"{source} is not a {kind} backup made by `frontdoor backup` "
                          "(backups restore only into the same kind of database).")


def _has_tables(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return bool(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _libpq_url(parsed: URL) -> str:
    """The URL as libpq reads it: no SQLAlchemy driver suffix, no password."""
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _run(command: list[str], parsed: URL, **kwargs: object) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} was not found: install the PostgreSQL client tools "
                          "of the server's major version (Debian: postgresql-client-15).")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    done = subprocess.run([tool, *command[1:]], env=env, stderr=subprocess.PIPE,  # noqa: S603
                          check=False, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        last = (done.stderr or b"").decode(errors="replace").strip().splitlines()
        raise BackupError(f"{command[0]} failed (exit {done.returncode}): "
                          f"{last[-1] if last else 'no message'}")
