"""Dashboard, work-queue and KPI queries at two sizes (default 10,000 and 1,000,000
contacts), timed side by side in one process.

The claim under test: the dashboard's cost follows the live caseload, not the history behind
it (partial index of running clocks), and a KPI's twelve-month series follows the twelve
months' rows, not the years before them (one grouped query per KPI over an indexed instant).
Both databases are built once (``bench.dashboard_data``: same daily intake, so the larger
is years more history), then every query runs once untimed on each, then ``--rounds``
rounds alternate between the two in ABBA order (small-large, large-small, …) so drift
falls on both. Prints each query's median at both sizes, the ratio, and the ratio of rows
the answer counted: a ratio near the rows ratio means the query reads what it counts; far
above it means it reads history. ``--plans FILE`` writes every statement's plan on the large
database (PostgreSQL: EXPLAIN ANALYZE, BUFFERS; SQLite: EXPLAIN QUERY PLAN).

    PYTHONPATH=. .venv/bin/python -m bench.dashboard [--small 10000] [--large 1000000]
        [--rounds 7] [--database-url URL [--bench-database frontdoor_bench_dashboard]]
        [--plans FILE]

SQLite (default): two files in a temporary folder. PostgreSQL: a schema of this run's own
per size in the database ``--bench-database`` (created if missing), dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from bench.dashboard_data import NOW, load
from bench.kept import ensure, kept_url
from bench.pg import own_schema
from reporting.assessments import authorised_not_seen
from reporting.dashboard import Scope, clock_list, historic_breaches, summary
from reporting.kpis import (
    KpiDefinition,
    MonthFigure,
    assessment_backlog,
    last_months,
    load_kpis,
    series,
)
from reporting.queries import QueueFilter, work_queue
from reporting.strategy import monthly
from workflow.persistence.db import make_engine
from workflow.persistence.schema import metadata
from workflow.rules import DEFAULT_CONFIG, Rules, load_rules

HORIZON = timedelta(hours=24)
#: One worker of the bench data (``bench.dashboard_data`` deals cases round forty).
BUSIEST = "worker7"
MONTHS = last_months(NOW.date())
COMMAND = "PYTHONPATH=. .venv/bin/python -m bench.dashboard"
Query = Callable[[Session], Any]


def _kpi_page(kpis: list[KpiDefinition], rules: Rules) -> Query:
    """What the KPI page asks for: every configured KPI's twelve-month series."""
    return lambda s: [f for kpi in kpis for f in series(s, kpi, MONTHS, rules.calendar)]


def queries(rules: Rules) -> dict[str, Query]:
    """Every timed query, by the name printed."""
    kpis = load_kpis(DEFAULT_CONFIG)
    return {
        **{f"summary by {by}": (lambda s, by=by: summary(s, NOW, HORIZON, Scope(), by))
           for by in ("rule", "team", "worker", "rag")},
        "breached list": lambda s: clock_list(s, NOW, HORIZON, Scope(), "breached"),
        "at-risk list": lambda s: clock_list(s, NOW, HORIZON, Scope(), "at_risk"),
        "historic breaches (62 days)": lambda s: historic_breaches(
            s, NOW - timedelta(days=62), NOW, Scope(), 50),
        **{f"one worker's dashboard: summary by {by}": (
            lambda s, by=by: summary(s, NOW, HORIZON, Scope(worker=BUSIEST), by))
           for by in ("rule", "rag")},
        "one worker's breached list": lambda s: clock_list(
            s, NOW, HORIZON, Scope(worker=BUSIEST), "breached"),
        "one worker's historic breaches": lambda s: historic_breaches(
            s, NOW - timedelta(days=62), NOW, Scope(worker=BUSIEST), 50),
        "work queue, first page": lambda s: work_queue(s, QueueFilter(limit=50), NOW),
        "work queue, one worker": lambda s: work_queue(
            s, QueueFilter(worker="worker7", limit=50), NOW),
        **{f"KPI series: {kpi.id}": (lambda s, kpi=kpi: series(s, kpi, MONTHS, rules.calendar))
           for kpi in kpis},
        f"KPI page: all {len(kpis)} series": _kpi_page(kpis, rules),
        "KPI page: strategy by agency": lambda s: monthly(s, MONTHS),
        "KPI page: assessment backlog": lambda s: assessment_backlog(s, rules.calendar, NOW),
        "KPI page: authorised with the child not seen": lambda s: authorised_not_seen(
            s, NOW - timedelta(days=365), NOW),
    }


def answered(answer: Any) -> int:
    """Rows the answer is about: listed rows, or the records a KPI series counted."""
    if answer and isinstance(answer[0], MonthFigure):
        return sum(f.denominator for f in answer)
    if answer and isinstance(answer[0], tuple) and isinstance(answer[0][1], int):
        return sum(count for _, count in answer)  # backlog bands
    if answer and hasattr(answer[0], "discussions"):
        return sum(m.discussions for m in answer)
    return len(answer)


@dataclass
class Measured:
    """Samples per query per size, and the size of each answer."""

    seconds: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    rows: dict[tuple[str, int], int] = field(default_factory=dict)

    def median(self, name: str, n: int) -> float:
        return statistics.median(self.seconds[(name, n)])


def _timed(session: Session, query: Query) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = query(session)
    spent = time.perf_counter() - started
    session.rollback()  # a fresh transaction and an empty identity map for the next query
    return spent, answer


def measure(sessions: dict[int, Session], timed: dict[str, Query], rounds: int) -> Measured:
    """One untimed run of each query per size, then ABBA rounds across the two sizes."""
    sizes, result = sorted(sessions), Measured()
    for name, query in timed.items():
        for n in sizes:
            result.rows[(name, n)] = answered(_timed(sessions[n], query)[1])
            result.seconds[(name, n)] = []
    for r in range(rounds):
        order = sizes if r % 2 == 0 else sizes[::-1]
        for name, query in timed.items():
            for n in order:
                result.seconds[(name, n)].append(_timed(sessions[n], query)[0])
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
    return result


# -- the databases -----------------------------------------------------------------------------

@contextlib.contextmanager
def databases(args: argparse.Namespace, folder: Path) -> Iterator[tuple[dict[int, Engine], str]]:
    """An engine on empty tables per size, and where they are."""
    with contextlib.ExitStack() as stack:
        engines, where = {}, []
        for n in (args.small, args.large):
            if args.kept:
                server = args.database_url
                url = kept_url(server, args.sqlite_folder, args.kept, n)
                engine = ensure(url, n)
                stack.callback(engine.dispose)
                engines[n] = engine
                where.append(f"{n:,}: kept {engine.url.render_as_string()}")
                continue
            if args.database_url:
                engine, shown = stack.enter_context(own_schema(
                    args.database_url, f"bench_dashboard_{n}", args.bench_database))
            else:
                engine = make_engine(f"sqlite:///{folder / f'dashboard_{n}.db'}")
                stack.callback(engine.dispose)
                shown = f"sqlite file {folder / f'dashboard_{n}.db'}"
            metadata().create_all(engine)  # type: ignore[attr-defined]
            engines[n] = engine
            where.append(f"{n:,}: {shown}")
        yield engines, "; ".join(where)


# -- plans -------------------------------------------------------------------------------------

def _statements(engine: Engine, session: Session, query: Query) -> list[tuple[str, Any]]:
    """The SQL statements (with parameters) one call of ``query`` sends."""
    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):  # not BEGIN …
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        query(session)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
        session.rollback()
    return seen


def write_plans(path: Path, engine: Engine, timed: dict[str, Query]) -> None:
    """Every statement's plan, query by query, on one database."""
    explain = ("EXPLAIN (ANALYZE, BUFFERS) " if engine.dialect.name == "postgresql"
               else "EXPLAIN QUERY PLAN ")
    with Session(engine) as session, path.open("w") as out:
        for name, query in timed.items():
            for number, (sql, params) in enumerate(_statements(engine, session, query), 1):
                plan = session.connection().exec_driver_sql(explain + sql, params).all()
                session.rollback()
                out.write(f"## {name}, statement {number}\n{sql}\n\n")
                out.write("\n".join(" | ".join(str(v) for v in row) for row in plan) + "\n\n")


# -- the run -----------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.dashboard",
                                description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--small", type=int, default=10_000)
    p.add_argument("--large", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=7, help="timed ABBA rounds (default 7)")
    p.add_argument("--database-url", default=None,
                   help="postgresql+psycopg://… server; default: SQLite files")
    p.add_argument("--bench-database", default="frontdoor_bench_dashboard",
                   help="PostgreSQL database to use, created if missing "
                        "(default frontdoor_bench_dashboard)")
    p.add_argument("--kept", metavar="PREFIX", default=None,
                   help="use the kept databases PREFIX_<n> (bench.kept: built once, reused; "
                        "PostgreSQL with --database-url, else SQLite in --sqlite-folder)")
    p.add_argument("--sqlite-folder", type=Path, default=Path("/tmp/frontdoor_perf"))
    p.add_argument("--plans", type=Path, default=None,
                   help="write the large database's query plans to this file")
    args = p.parse_args(argv)
    if not 0 < args.small < args.large or args.rounds < 1:
        p.error("need 0 < --small < --large and --rounds >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    timed = queries(load_rules())
    began, load_before = time.perf_counter(), _load_average()
    with tempfile.TemporaryDirectory() as folder, databases(args, Path(folder)) as (engines,
                                                                                  where):
        loads = {n: 0.0 for n in engines}
        for n, engine in ([] if args.kept else engines.items()):
            print(f"loading {n:,} contacts ...", file=sys.stderr, flush=True)
            loads[n] = load(engine, n)
        with contextlib.ExitStack() as stack:
            sessions = {n: stack.enter_context(Session(e)) for n, e in engines.items()}
            measured = measure(sessions, timed, args.rounds)
        if args.plans:
            write_plans(args.plans, engines[args.large], timed)
    print(report(args, argv, where, loads, measured, timed, time.perf_counter() - began))
    print(f"load average at start {load_before}, at end {_load_average()} "
          f"(a busy shared machine slows both sizes alike; compare ratios, not runs)")
    return 0


def _load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def report(args: argparse.Namespace, argv: list[str], where: str, loads: dict[int, float],
           m: Measured, timed: dict[str, Query], wall: float) -> str:
    small, large = args.small, args.large
    lines = [f"command: {COMMAND} {shlex.join(argv)}".rstrip(), f"databases: {where}",
             f"{os.cpu_count()} cpu(s); loaded in " + ", ".join(
                 f"{loads[n]:.0f} s ({n:,})" for n in (small, large)),
             f"median of {args.rounds} ABBA rounds after one untimed run each; whole run "
             f"{wall:.0f} s", "",
             f"| query | {small:,} | {large:,} | ratio | rows counted {small:,} / {large:,} "
             "(ratio) |", "|---|---:|---:|---:|---|"]
    for name in timed:
        t_small, t_large = m.median(name, small), m.median(name, large)
        r_small, r_large = m.rows[(name, small)], m.rows[(name, large)]
        rows_ratio = f"{r_large / r_small:.1f}x" if r_small else "-"
        lines.append(f"| {name} | {t_small * 1000:.1f} ms | {t_large * 1000:.1f} ms | "
                     f"{t_large / max(t_small, 1e-9):.2f}x | {r_small:,} / {r_large:,} "
                     f"({rows_ratio}) |")
    if args.plans:
        lines.append(f"\nplans of the {large:,} database: {args.plans}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
