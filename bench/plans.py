"""The plan of every hot query at 1,000,000 contacts, on SQLite and PostgreSQL; exits 1
when any of them reads a whole history table.

Why: the two databases plan the same SQL differently (PostgreSQL hash-joined the running
clocks to a sequential scan of every contact while SQLite used the open-clock index), and
a page whose query walks the history slows down with every year the council keeps. Each
query runs as the page or API runs it (the ``reporting`` function itself), every SELECT it
sends is captured and explained (``bench.search_plans``), and a full read of a history
table (contact, contact_event, clock, person, decisions, assessments …) is a failure. A
full read of a small reference table (teams, users) is not.

    PYTHONPATH=. .venv/bin/python -m bench.plans                      # both databases, 1M
    PYTHONPATH=. .venv/bin/python -m bench.plans --contacts 50000 --backend sqlite

The databases are kept between runs (``bench.kept``: PostgreSQL database
``frontdoor_perf_<n>``, SQLite file in ``--sqlite-folder``), so the million is built once.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from bench.dashboard_data import NOW
from bench.kept import ensure, kept_url
from bench.search_plans import SCAN, plans
from reporting.contact_page import contact_page, load_contact
from reporting.dashboard import Scope, clock_list, summary
from reporting.kpis import assessment_backlog, last_months, load_kpis, series
from reporting.people import person_page
from reporting.queries import QueueFilter, stage_counts, work_queue
from reporting.search import read_query, search
from workflow.persistence.schema import metadata
from workflow.rules import DEFAULT_CONFIG, load_rules

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: Tables that only ever grow: reading one end to end is reading the history.
HISTORY = ("contact", "contact_event", "clock", "person", "threshold_decision",
           "assessment", "strategy_discussion", "strategy_participation", "access_log",
           "person_search_key", "person_address", "info_request")
HORIZON = timedelta(hours=24)
OLD_CONTACT = 100  # ids grow with time: n is the newest contact, 1 the oldest
#: A scan of a history table holding fewer rows than this is the planner's right choice
#: (tables the bench data leaves empty, such as visits); above it, it reads the history.
BIG = 10_000


def hot_queries(n: int) -> dict[str, Any]:
    """Every query a page or the API runs on each view, by the name printed."""
    rules, months = load_rules(), last_months(NOW.date())
    kpis = load_kpis(DEFAULT_CONFIG)
    live = n - 5
    return {
        **{f"dashboard summary by {by}": (lambda s, by=by: summary(s, NOW, HORIZON, Scope(), by))
           for by in ("rule", "team", "worker", "rag")},
        "dashboard breached list": lambda s: clock_list(s, NOW, HORIZON, Scope(), "breached"),
        "dashboard at-risk list": lambda s: clock_list(s, NOW, HORIZON, Scope(), "at_risk"),
        "queue (and GET /api/v1/contacts)": lambda s: work_queue(s, QueueFilter(limit=50), NOW),
        "queue, one worker": lambda s: work_queue(s, QueueFilter(worker="worker7", limit=50),
                                                  NOW),
        "queue, one worker's overdue": lambda s: work_queue(
            s, QueueFilter(worker="worker7", overdue_only=True, limit=50), NOW),
        "queue stage counts, one worker": lambda s: stage_counts(s, QueueFilter(
            worker="worker7")),
        "contact page, live contact": lambda s: (contact_page(s, live, NOW),
                                                 load_contact(s, live), person_page(s, live)),
        "contact page, old contact": lambda s: (contact_page(s, OLD_CONTACT, NOW),
                                                load_contact(s, OLD_CONTACT)),
        **{f"KPI series: {kpi.id}": (lambda s, kpi=kpi: series(s, kpi, months, rules.calendar))
           for kpi in kpis},
        "KPI assessment backlog": lambda s: assessment_backlog(s, rules.calendar, NOW),
        "search by surname": lambda s: search(s, read_query("Child42")),
        "search by name and date of birth": lambda s: search(s, read_query("Synth 03/04/2015")),
    }


def _run(engine: Engine, query: Any) -> None:
    with Session(engine) as session:
        query(session)


def check(engine: Engine, n: int, label: str) -> list[str]:
    """Print each query's plan on one database; the queries that read a history table."""
    failing, big = [], _big_tables(engine)
    for name, lines in plans(engine, hot_queries(n), _run).items():
        scans = [line for line in lines if SCAN in line and _reads(line, big)]
        print(f"\n## {label}: {name}{'   FAILS' if scans else ''}")
        print("\n".join(lines))
        if scans:
            failing.append(f"{label}: {name}")
    return failing


def _big_tables(engine: Engine) -> set[str]:
    """The history tables holding more than ``BIG`` rows here."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {t for t in HISTORY if t in present and conn.scalar(
            text(f'SELECT count(*) FROM (SELECT 1 FROM "{t}" LIMIT {BIG + 1}) AS f')) > BIG}


def _live_indexes() -> set[str]:
    """Partial indexes (open clocks, current addresses …): they hold the live rows only,
    so reading one from end to end follows the live work, not the history."""
    return {index.name for table in metadata().sorted_tables  # type: ignore[attr-defined]
            for index in table.indexes
            if index.dialect_options["postgresql"].get("where") is not None}


def _reads(line: str, big: set[str]) -> bool:
    words = line.replace(SCAN, "").split()
    if _live_indexes() & set(words):
        return False
    return any(table in words for table in big)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.plans",
                                description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    p.add_argument("--postgres-url", default=POSTGRES,
                   help="server to keep frontdoor_perf_<n> on (that database only is used)")
    p.add_argument("--sqlite-folder", type=Path, default=Path("/tmp/frontdoor_perf"))
    p.add_argument("--prefix", default="frontdoor_perf",
                   help="kept databases' name prefix (bench.kept; default frontdoor_perf)")
    args = p.parse_args(argv)
    failing: list[str] = []
    for backend in ("sqlite", "postgresql"):
        if args.backend in (backend, "both"):
            server = args.postgres_url if backend == "postgresql" else None
            engine = ensure(kept_url(server, args.sqlite_folder, args.prefix, args.contacts),
                            args.contacts)
            failing += check(engine, args.contacts, f"{backend} {args.contacts:,}")
            engine.dispose()
    print("\n" + ("no hot query reads a history table" if not failing else
                  "reads a whole history table:\n  " + "\n  ".join(failing)))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
