"""Rows written through the database driver, with the values SQLAlchemy would bind.

Why: a benchmark needs a million contacts (about eight million rows) loaded in minutes;
SQLAlchemy's executemany spends most of that time processing each bound value. This
writes the same values (instants in UTC, JSON as text, every column default filled in)
with PostgreSQL's COPY or SQLite's own executemany. Values only: no ORM event, trigger or
Python-side logic beyond a column's default, which is all the bench tables need.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Table


def write_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` on ``connection``."""
    given = set(rows[0])
    columns = [c for c in table.columns if c.name in given or _scalar_default(c) is not None]
    defaults = {c.name: _scalar_default(c) for c in columns if c.name not in given}
    sqlite = connection.dialect.name == "sqlite"
    convert = [_converter(c, sqlite) for c in columns]
    names = [c.name for c in columns]
    values = ([f(row[name] if name in given else defaults[name]) for f, name in
               zip(convert, names, strict=True)] for row in rows)
    raw = connection.connection.driver_connection
    if sqlite:
        marks = ", ".join("?" * len(names))
        raw.executemany(f'INSERT INTO "{table.name}" ({", ".join(names)}) VALUES ({marks})',
                        values)
        return
    with raw.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN') as copy:
        for row in values:
            copy.write_row(row)


def _scalar_default(column: Any) -> Any:
    """The column's Python-side default (a callable one called, as SQLAlchemy would)."""
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        return None
    return default.arg if default.is_scalar else default.arg(None)


def _converter(column: Any, sqlite: bool) -> Any:
    """How one column's Python value becomes what the driver is given."""
    if isinstance(column.type, JSON):
        return lambda v: None if v is None else json.dumps(v)
    if not sqlite:
        return _same
    return _sqlite_value


def _same(value: Any) -> Any:
    return value


def _sqlite_value(value: Any) -> Any:
    """SQLAlchemy's SQLite storage: instants as naive UTC text, dates ISO, booleans 0/1."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value
