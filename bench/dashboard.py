"""Dashboard queries at 10,000 and at 1,000,000 contacts, timed side by side in one run.

Both data sets have the same daily intake (a large county's ~270 contacts a day), so the
larger one is simply years more history: the live caseload (contacts from the last eight
weeks, with running clocks) is the same size in both, and so is one month's KPI volume.
That is the claim under test: the dashboard's cost follows the live caseload, not the
history behind it (partial index of running clocks; KPIs by stopped_at ranges).

Rows are bulk-inserted with SQL (the service layer would take hours for a million); the
shapes match what the engine writes. Prints each query's median time at both sizes and
the ratio (aim: the larger no more than 3x the smaller).

    PYTHONPATH=. .venv/bin/python -m bench.dashboard [--small 10000] [--large 1000000]
        [--database-url URL]   (default: SQLite files in a temporary folder)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from reporting.dashboard import Scope, clock_list, historic_breaches, summary
from reporting.kpis import COUNTERS, month_bounds
from reporting.queries import QueueFilter, work_queue
from workflow.persistence.db import make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.persistence.tables_people import PersonRow

PER_DAY = 270
LIVE_DAYS = 56
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
HORIZON = timedelta(hours=24)
CHUNK = 20_000


def _contact_rows(n: int, rng: random.Random) -> Iterator[tuple[dict[str, Any], ...]]:
    for i in range(1, n + 1):
        received = NOW - timedelta(days=i / PER_DAY, minutes=rng.uniform(0, 600))
        live = NOW - received < timedelta(days=LIVE_DAYS)
        stage = rng.choice(("screening", "information_gathering", "assessment")) if live \
            else ("cin_plan" if rng.random() < 0.002 else "closed")  # ~2,000 open CIN cases
        referred = stage in ("assessment", "cin_plan") or rng.random() < 0.3
        yield (
            {"id": i, "first_name": "Synth", "last_name": f"Child{i % 997}",
             "created_at": received},
            {"id": i, "child_id": i, "received_at": received, "source": "6", "stage": stage,
             "version": 3, "event_seq": 3, "rag": rng.choice(("red", "amber", "green")),
             "team": f"team-{i % 7}", "worker": f"worker{i % 40}", "facts": {},
             "referral_at": received + timedelta(hours=20) if referred else None},
        )


def _clocks(contact: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    received = contact["received_at"]
    live = NOW - received < timedelta(days=LIVE_DAYS)  # older work has met its clocks
    due = received + timedelta(days=1, hours=rng.uniform(0, 30))
    stopped = None if live and rng.random() < 0.4 else due + timedelta(hours=rng.uniform(-20, 6))
    rows = [_clock(contact["id"], "contact_decision", received, due, stopped)]
    if contact["referral_at"] is not None:
        start = contact["referral_at"]
        assessment_due = start + timedelta(days=63)
        done = start + timedelta(days=rng.uniform(20, 70))
        done = None if done > NOW else done
        rows.append(_clock(contact["id"], "assessment", start, assessment_due, done))
    return rows


def _clock(cid: int, rule: str, start: datetime, due: datetime,
           stopped: datetime | None) -> dict[str, Any]:
    result = None if stopped is None else ("met" if stopped <= due else "late")
    event = None if stopped is None else {"contact_decision": "decision_made",
                                          "assessment": "assessment_completed"}[rule]
    return {"contact_id": cid, "rule": rule, "rule_version": f"{rule}@2023-12-15",
            "started_at": start, "due_at": due, "stopped_at": stopped, "stop_event": event,
            "result": result, "note": "Synthetic reason" if result == "late" else None}


def load(engine: Engine, n: int) -> float:
    """Bulk-load n synthetic contacts; returns seconds taken."""
    started = time.perf_counter()
    rng = random.Random(n)  # noqa: S311 - synthetic data
    children, contacts, clocks = [], [], []
    with Session(engine) as session:
        for child, contact in _contact_rows(n, rng):
            children.append(child)
            contacts.append(contact)
            clocks += _clocks(contact, rng)
            if len(contacts) >= CHUNK:
                _flush(session, children, contacts, clocks)
        _flush(session, children, contacts, clocks)
        session.execute(text("ANALYZE"))
        session.commit()
    return time.perf_counter() - started


def _flush(session: Session, *batches: list[dict[str, Any]]) -> None:
    connection = session.connection()
    for table, rows in zip((PersonRow, ContactRow, ClockRow), batches, strict=True):
        if rows:
            connection.execute(insert(table), rows)
            rows.clear()
    session.commit()


def _summary(by: str) -> Callable[[Session], Any]:
    return lambda s: summary(s, NOW, HORIZON, Scope(), by)


def _kpi(name: str) -> Callable[[Session], Any]:
    return lambda s: COUNTERS[name](s, *month_bounds(NOW.date().replace(day=1)))


QUERIES: dict[str, Callable[[Session], Any]] = {
    **{f"summary by {by}": _summary(by) for by in ("rule", "team", "worker", "rag")},
    "breached list": lambda s: clock_list(s, NOW, HORIZON, Scope(), "breached"),
    "at-risk list": lambda s: clock_list(s, NOW, HORIZON, Scope(), "at_risk"),
    "historic breaches (62 days)": lambda s: historic_breaches(
        s, NOW - timedelta(days=62), NOW, Scope(), 50),
    "work queue, first page": lambda s: work_queue(s, QueueFilter(limit=50), NOW),
    **{f"KPI {k} (this month)": _kpi(k)
       for k in ("decision_timeliness", "assessment_timeliness", "conversion")},
}


def _size(answer: Any) -> int:
    """How many rows (or, for a KPI, how many records counted) the query answered with."""
    if isinstance(answer, tuple):
        return int(answer[1])
    return len(answer)


def time_queries(engine: Engine, repeats: int = 5) -> dict[str, tuple[float, int]]:
    """Median seconds per query after one warm-up run, and the size of its answer."""
    results = {}
    with Session(engine) as session:
        for name, query in QUERIES.items():
            size = _size(query(session))
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                query(session)
                samples.append(time.perf_counter() - started)
            results[name] = (statistics.median(samples), size)
    return results


def _engine(url: str | None, folder: Path, n: int) -> Engine:
    if url:
        engine = make_engine(url)
        metadata().drop_all(engine)  # type: ignore[attr-defined]
    else:
        engine = make_engine(f"sqlite:///{folder / f'dashboard_{n}.db'}")
    metadata().create_all(engine)  # type: ignore[attr-defined]
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None,
                        help="one database used for both sizes in turn (dropped first)")
    args = parser.parse_args(argv)
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in (args.small, args.large):
            engine = _engine(args.database_url, Path(folder), n)
            print(f"loading {n:,} contacts ...", flush=True)
            print(f"  loaded in {load(engine, n):.1f} s", flush=True)
            timings[n] = time_queries(engine)
            engine.dispose()
    _report(timings, args)
    return 0


def _report(timings: dict[int, dict[str, tuple[float, int]]],
            args: argparse.Namespace) -> None:
    small, large = timings[args.small], timings[args.large]
    print(f"\n{'query':<40} {args.small:>10,} {args.large:>12,}   ratio   rows answered")
    worst = 0.0
    for name in QUERIES:
        (t_small, n_small), (t_large, n_large) = small[name], large[name]
        ratio = t_large / max(t_small, 1e-9)
        worst = max(worst, ratio)
        print(f"{name:<40} {t_small * 1000:>8.1f}ms {t_large * 1000:>10.1f}ms  "
              f"{ratio:6.2f}x   {n_small:,} / {n_large:,}")
    print(f"\nworst ratio: {worst:.2f}x (aim: no more than 3x)")
    print("command: PYTHONPATH=. .venv/bin/python -m bench.dashboard " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    raise SystemExit(main())
