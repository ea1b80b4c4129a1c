"""Query plans as short lines, with every scan of a whole table or index marked.

Why a module of its own: the two databases describe plans differently (SQLite's EXPLAIN
QUERY PLAN rows, PostgreSQL's EXPLAIN tree), and the benchmark needs one answer from both:
does this statement look its rows up through an index, or read a table (or an index) from
end to end? A statement that reads everything is marked ``!! SCAN`` so it cannot be missed
in a long report. PostgreSQL's plan is EXPLAIN ANALYZE, so each line also says how many
rows that step actually produced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from workflow.persistence.schema import metadata

SCAN = "!! SCAN"


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with parameters) run on ``engine`` inside the block."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plans(engine: Engine, queries: dict[str, Any], run: Callable[[Engine, Any], Any]
          ) -> dict[str, list[str]]:
    """Each SELECT every query runs (``run(engine, query)``), with its plan's lines."""
    found = {}
    for name, query in queries.items():
        with _statements(engine) as seen:
            run(engine, query)
        lines = []
        selects = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
        with engine.connect() as conn:
            for number, (statement, parameters) in enumerate(selects, start=1):
                lines.append(f"statement {number}: {' '.join(statement.split())[:150]}")
                lines += ["  " + line for line in plan_lines(conn, statement, parameters)]
        found[name] = lines
    return found


def plan_lines(conn: Any, statement: str, parameters: Any) -> list[str]:
    """The plan of one statement as it ran, one line per step, scans marked."""
    if conn.dialect.name == "postgresql":
        [[document]] = conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, COSTS OFF, FORMAT JSON) " + statement, parameters).all()
        return list(_postgres(document[0]["Plan"], 0))
    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return _sqlite(rows)


def _tables() -> set[str]:
    return set(metadata().tables)  # type: ignore[attr-defined]


def _sqlite(rows: list[Any]) -> list[str]:
    """SQLite: ``SCAN person`` reads the whole table, ``SCAN person USING … INDEX`` the
    whole index; ``SEARCH`` is a lookup. Scans of a subquery's own result are not marked."""
    depth: dict[int, int] = {0: -1}
    tables, lines = _tables(), []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        words = detail.split()
        scans_table = words[0] == "SCAN" and len(words) > 1 and words[1] in tables
        lines.append("  " * depth[node] + detail + (f"   {SCAN}" if scans_table else ""))
    return lines


def _postgres(plan: dict[str, Any], depth: int) -> list[str]:
    """PostgreSQL: a Seq Scan reads the whole table; an index scan with no Index Cond
    walks the whole index (a Limit above it may stop it early, which the rows show)."""
    kind = plan["Node Type"]
    where = f" on {plan['Relation Name']}" if "Relation Name" in plan else ""
    index = f" using {plan['Index Name']}" if "Index Name" in plan else ""
    cond = plan.get("Index Cond") or plan.get("Recheck Cond") or plan.get("Hash Cond") or ""
    loops = plan.get("Actual Loops", 1)
    rows = plan.get("Actual Rows", 0) * loops
    removed = plan.get("Rows Removed by Filter", 0) * loops
    whole = kind == "Seq Scan" or (kind in ("Index Scan", "Index Only Scan")
                                   and "Index Cond" not in plan)
    line = (f"{'  ' * depth}{kind}{index}{where}  {cond[:90]}  rows={rows:,}"
            + (f" (read and dropped {removed:,})" if removed else "")
            + (f"   {SCAN}" if whole and where else ""))
    lines = [line]
    for child in plan.get("Plans", []):
        lines += _postgres(child, depth + 1)
    return lines
