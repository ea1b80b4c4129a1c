"""Everything stored about one contact, read back as plain rows: what a refusal must leave
exactly as it was.

The contact's row and every row of every table that names the contact (its events,
clocks, threshold decisions, strategy discussions and their agency grids, section 47
enquiries, assessments, visits, plans, plan meetings, step downs, information requests,
agenda items …), so a new table of typed state is covered without changing the tests.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Table, select
from sqlalchemy.orm import Session

from workflow.persistence.schema import metadata


def _rows(session: Session, table: Table, column: str, ids: list[int]) -> list[tuple[Any, ...]]:
    if not ids:
        return []
    query = select(table).where(table.c[column].in_(ids)).order_by(table.c.id)
    return [tuple(row) for row in session.execute(query).all()]


def stored(engine: Engine, contact_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Table name → the rows about ``contact_id`` (the contact itself under "contact")."""
    tables = metadata().sorted_tables  # type: ignore[attr-defined]
    found: dict[str, list[tuple[Any, ...]]] = {}
    with Session(engine) as session:
        for table in tables:
            if table.name == "contact":
                found["contact"] = _rows(session, table, "id", [contact_id])
            elif "contact_id" in table.c and table.name != "access_log":
                found[table.name] = _rows(session, table, "contact_id", [contact_id])
        discussions = [row[0] for row in found.get("strategy_discussion", [])]
        grid = next(t for t in tables if t.name == "strategy_participation")
        found["strategy_participation"] = _rows(session, grid, "discussion_id", discussions)
    return found
