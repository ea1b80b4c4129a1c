"""The compliance and performance pages at two sizes (default 10,000 and 1,000,000
contacts), timed side by side in one process.

The claim under test: the practice-standards pages cost what the live caseload and the
twelve months shown cost, not the years of history behind them. The data is
``bench.dashboard_data`` (same daily intake, so the larger is years more history) with the
practice standards' clocks added by ``bench.compliance_data``. Timing is
``bench.dashboard``'s: one untimed run per size, then ``--rounds`` ABBA rounds; each
query's median at both sizes, the ratio, and the rows each answer held.

    PYTHONPATH=. .venv/bin/python -m bench.compliance [--small 10000] [--large 1000000]
        [--rounds 5] [--database-url URL [--bench-database frontdoor_bench_compliance]]
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bench.compliance_data import add_standards
from bench.dashboard import MONTHS, Measured, Query, databases, measure
from bench.dashboard_data import NOW, load
from reporting.compliance import Compliance, Filters, Oversight
from reporting.performance import performance
from workflow.rules import Rules, load_rules

COMMAND = "PYTHONPATH=. .venv/bin/python -m bench.compliance"
HEAD = Oversight("bench.head", whole_service=True)
MANAGER = Oversight("bench.manager", teams=frozenset({"team-3"}))
WORKER = Oversight("worker7")


def _page(c: Compliance, who: Oversight, months: list[date]) -> Query:
    """What /standards asks for: three tables (one for a worker) and the trend."""
    def run(s: Session) -> list[Any]:
        tables = ["standard"] + (["team", "worker"] if who.whole_service or who.teams else [])
        return [line for by in tables for line in c.standing(s, who, by)] + \
            c.monthly(s, who, months)
    return run


def queries(rules: Rules) -> dict[str, Query]:
    """Every timed query, by the name printed."""
    c = Compliance(rules.standards, rules.calendar, NOW)
    names = frozenset(c.titles)
    return {
        "compliance page, head of service": _page(c, HEAD, MONTHS),
        "compliance page, team manager": _page(c, MANAGER, MONTHS),
        "compliance page, worker": _page(c, WORKER, MONTHS),
        "drill-down: every missed standard": lambda s: c.cases(s, HEAD,
                                                                Filters(status="missed")),
        "performance page, head of service": lambda s: performance(
            s, HEAD, names, {"cp_plan": 1.5}, rules.calendar, NOW),
        "performance page, team manager": lambda s: performance(
            s, MANAGER, names, {"cp_plan": 1.5}, rules.calendar, NOW),
        "KPI page: standards month by month": lambda s: [
            m for months in c.monthly_by_standard(s, HEAD, MONTHS).values() for m in months],
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.compliance",
                                description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--small", type=int, default=10_000)
    p.add_argument("--large", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=5, help="timed ABBA rounds (default 5)")
    p.add_argument("--database-url", default=None,
                   help="postgresql+psycopg://… server; default: SQLite files")
    p.add_argument("--bench-database", default="frontdoor_bench_compliance")
    args = p.parse_args(argv)
    if not 0 < args.small < args.large or args.rounds < 1:
        p.error("need 0 < --small < --large and --rounds >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    timed = queries(load_rules())
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, databases(args, Path(folder)) as (engines,
                                                                                  where):
        clocks = {}
        for n, engine in engines.items():
            print(f"loading {n:,} contacts ...", file=sys.stderr, flush=True)
            load(engine, n)
            clocks[n] = add_standards(engine, n)
        with contextlib.ExitStack() as stack:
            sessions = {n: stack.enter_context(Session(e)) for n, e in engines.items()}
            measured = measure(sessions, timed, args.rounds)
    print(report(args, argv, where, clocks, measured, timed, time.perf_counter() - began))
    return 0


def report(args: argparse.Namespace, argv: list[str], where: str, clocks: dict[int, int],
           m: Measured, timed: dict[str, Query], wall: float) -> str:
    small, large = args.small, args.large
    lines = [f"command: {COMMAND} {shlex.join(argv)}".rstrip(), f"databases: {where}",
             f"practice-standard clocks: {clocks[small]:,} / {clocks[large]:,}; median of "
             f"{args.rounds} ABBA rounds; whole run {wall:.0f} s", "",
             f"| query | {small:,} | {large:,} | ratio | rows {small:,} / {large:,} |",
             "|---|---:|---:|---:|---|"]
    for name in timed:
        t_small, t_large = m.median(name, small), m.median(name, large)
        lines.append(f"| {name} | {t_small * 1000:.1f} ms | {t_large * 1000:.1f} ms | "
                     f"{t_large / max(t_small, 1e-9):.2f}x | {m.rows[(name, small)]:,} / "
                     f"{m.rows[(name, large)]:,} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
