"""Search at 10,000 and at 1,000,000 people, timed side by side in one run, with plans.

The claim under test: every kind of search box query (a misspelt, nicknamed or
double-barrelled name, a date of birth or a range, an NHS number, a UPN, a postcode or its
first part, a contact reference) is an index lookup, so its time follows how much of an
index it reads (for a name or a postcode alone, no more than the candidates it ranks), not
the number of people on record. Each query goes through the real
``reporting.search.search`` on a fresh read-only session, as a page does; the median of runs
is printed at both sizes with the ratio, then the query plan of every statement it ran at
the larger size (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN ANALYZE) with any scan of a
whole table or index marked ``!! SCAN``.

People are bulk-loaded (``bench.search_data``: rows identical to the service layer's,
checked at the start of each run), on SQLite files in a temporary folder and on
PostgreSQL databases of the bench's own, created and dropped again.

    PYTHONPATH=. .venv/bin/python -m bench.search [--quick] [--small 10000]
        [--large 1000000] [--rounds 7] [--backend sqlite|postgresql|both]
        [--postgres-url URL]   (a server and database to connect to; never written to)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bench.search_data import (
    PERSON,
    TABLES,
    People,
    Synthetic,
    bulk_load,
    fresh_schema,
    problems_of,
    write_through_service,
)
from bench.search_plans import SCAN, plans
from reporting.search import CANDIDATES, _candidates, read_query, search
from thresholds.policy import catalogue_policy
from workflow.contact import reference_for
from workflow.people.nhs_number import format_nhs_number
from workflow.persistence.db import make_engine
from workflow.rules import DEFAULT_CONFIG, load_rules

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHECKED = 300


@dataclass(frozen=True)
class Typed:
    """What a worker types for one kind of query, and whom it should show (if anyone)."""

    text: str
    born_from: date | None = None
    born_to: date | None = None
    target: int | None = None


def _typed(t: dict[str, Synthetic]) -> dict[str, Typed]:
    """Each kind of query, typed about the planted people of one data set. The tolerant
    name kinds look for a planted person of a rarer surname, so whether the search finds
    them means something at a million; the common names (hundreds of Oliver Smiths at a
    million, any of whom is as good an answer) measure the cost of a long key list."""
    oliver = t["oliver"]
    postcode = oliver.details.address.postcode if oliver.details.address else ""
    outward = postcode.split(" ")[0]
    return {
        "surname misspelt": Typed("Ivo Wintrebottom", target=t["ivo"].id),
        "common names, one misspelt": Typed("Oliver Smtih"),
        "nickname first name": Typed("Alfie Pennington", target=t["alfred"].id),
        "double-barrelled, one part": Typed("Ella Fairweather", target=t["ella"].id),
        "common surname alone": Typed("Smith"),
        "name and DOB": Typed("Smtih 03/04/2015", target=oliver.id),
        "DOB exact": Typed("03/04/2015"),
        "DOB range (a month)": Typed("", date(2015, 4, 1), date(2015, 4, 30)),
        "name and DOB range (a year)": Typed("Jones", date(2014, 1, 1), date(2014, 12, 31)),
        "NHS number": Typed(format_nhs_number(oliver.details.nhs_number or ""),
                            target=oliver.id),
        "UPN": Typed((oliver.details.upn or "").lower(), target=oliver.id),
        "full postcode": Typed(postcode.replace(" ", "").lower()),
        "outward postcode": Typed(outward),
        "name and outward postcode": Typed(f"smith {outward}"),
        "contact reference": Typed(reference_for(oliver.contacts[-1]["id"]),
                                   target=oliver.id),
    }


@dataclass
class Loaded:
    """One data set, stored and ready to search."""

    n: int
    engine: Engine
    queries: dict[str, Typed]
    seconds: float
    rows: int


def _run(engine: Engine, typed: Typed) -> list[Any]:
    """One search on a session of its own, read-only as a page's (``Store.read``)."""
    with Session(engine.execution_options(readonly=True)) as session:
        return search(session, read_query(typed.text, typed.born_from, typed.born_to))


def _median_ms(engine: Engine, typed: Typed, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        _run(engine, typed)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def time_queries(small: Loaded, large: Loaded, rounds: int) -> dict[str, tuple[float, float]]:
    """Median ms per query at both sizes, after a warm-up: in each round each size runs it
    three times (the round's median counts), the order of the sizes swapped every round
    (small-large, large-small …) so drift on a shared machine falls on both."""
    timings = {}
    for name in small.queries:
        _run(small.engine, small.queries[name])
        _run(large.engine, large.queries[name])
        halves: dict[int, list[float]] = {small.n: [], large.n: []}
        for turn in range(rounds):
            pair = (small, large) if turn % 2 == 0 else (large, small)
            for loaded in pair:
                halves[loaded.n].append(_median_ms(loaded.engine, loaded.queries[name], 3))
        timings[name] = (statistics.median(halves[small.n]), statistics.median(halves[large.n]))
    return timings


# -- loading and the service-layer check -----------------------------------------------

def _rows(engine: Engine, up_to: int) -> dict[str, list[dict[str, Any]]]:
    """The stored people tables' rows for people 1..up_to, every column."""
    with engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in conn.execute(
            select(t).where((t.c.id if t is PERSON else t.c.person_id) <= up_to)
            .order_by(t.c.id))] for t in TABLES if "person_id" in t.c or t is PERSON}


def check_rows(engine: Engine, rules: Any) -> str:
    """Write the first people through ``SqlPeople`` (the adapter intake uses), keep what it
    stored, and return the stored rows for comparison with the bulk loader's."""
    people = People(rules)
    first = [people.person(pid) for pid in range(1, CHECKED + 1)]
    refused = [p.id for p in first if problems_of(rules, p)]
    if refused:
        raise SystemExit(f"the generator made people intake would refuse: {refused[:5]}")
    fresh_schema(engine)
    write_through_service(sessionmaker(bind=engine), first)
    return repr(_rows(engine, CHECKED))


def load(engine: Engine, rules: Any, n: int, through_service: str | None) -> Loaded:
    """Bulk-load n people (plus the planted ones); compare with the service's rows."""
    fresh_schema(engine)
    people = People(rules)
    started = time.perf_counter()
    rows = bulk_load(engine, people, n)
    seconds = time.perf_counter() - started
    if through_service is not None and repr(_rows(engine, CHECKED)) != through_service:
        raise SystemExit("!! the bulk loader's rows differ from what SqlPeople writes")
    return Loaded(n, engine, _typed(people.targets), seconds, rows)


# -- databases -------------------------------------------------------------------------

@contextmanager
def sqlite_engines(sizes: list[int]) -> Iterator[list[Engine]]:
    with tempfile.TemporaryDirectory() as folder:
        engines = [make_engine(f"sqlite:///{Path(folder) / f'search_{n}.db'}") for n in sizes]
        try:
            yield engines
        finally:
            for engine in engines:
                engine.dispose()


@contextmanager
def postgres_engines(url: str, sizes: list[int]) -> Iterator[list[Engine]]:
    """A database per size, ``frontdoor_search_…``, created here and dropped after."""
    server = make_url(url)
    admin = make_engine(server.render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    names = [f"frontdoor_search_{n}_{uuid.uuid4().hex[:8]}" for n in sizes]
    engines: list[Engine] = []
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        engines = [make_engine(server.set(database=name).render_as_string(
            hide_password=False)) for name in names]
        yield engines
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_backend(label: str, engines: list[Engine], args: argparse.Namespace) -> bool:
    """Load both sizes on one backend, time, explain and report; False if any scan."""
    rules = load_rules(DEFAULT_CONFIG, catalogue_policy(DEFAULT_CONFIG)).people
    stored_by_service = check_rows(engines[0], rules)
    loaded: list[Loaded] = []
    for engine, n in zip(engines, (args.small, args.large), strict=True):
        print(f"{label}: loading {n:,} people ...", flush=True)
        loaded.append(load(engine, rules, n, stored_by_service if not loaded else None))
        print(f"  {loaded[-1].rows:,} rows in {loaded[-1].seconds:.1f} s", flush=True)
    print(f"  the first {CHECKED} people's rows are the same as SqlPeople.add and .move wrote")
    small, large = loaded
    timings = time_queries(small, large, args.rounds)
    return report(label, small, large, timings, plans(large.engine, large.queries, _run), args)


# -- the report ------------------------------------------------------------------------

def _answers(loaded: Loaded, typed: Typed) -> tuple[int, str]:
    """How many people were ranked, and how many shown (+ the planted one, ! not)."""
    query = read_query(typed.text, typed.born_from, typed.born_to)
    with Session(loaded.engine.execution_options(readonly=True)) as session:
        ranked = len(_candidates(session, query))
        found = [f.person_id for f in search(session, query)]
    mark = "" if typed.target is None else (" +" if typed.target in found else " !")
    return ranked, f"{len(found)}{mark}"


def report(label: str, small: Loaded, large: Loaded, timings: dict[str, tuple[float, float]],
           found_plans: dict[str, list[str]], args: argparse.Namespace) -> bool:
    """The table of times, then every plan; True when no statement scanned."""
    print(f"\n{label}: search() at {small.n:,} and {large.n:,} people (median of "
          f"{args.rounds} rounds of 3 runs; ranked: candidates matched, at most "
          f"{CANDIDATES}; shown: results, + the planted person among them, ! not)")
    print(f"{'query':<28} {'typed':<18} {small.n:>9,} {large.n:>11,}  ratio"
          f"  {'ranked':>11}  {'shown':>9}")
    for name, (t_small, t_large) in timings.items():
        typed = large.queries[name].text or "(dates only)"
        (r_small, s_small), (r_large, s_large) = (_answers(small, small.queries[name]),
                                                  _answers(large, large.queries[name]))
        print(f"{name:<28} {typed[:18]:<18} {t_small:>7.1f}ms {t_large:>9.1f}ms "
              f"{t_large / max(t_small, 1e-6):5.1f}x  {r_small:>4} / {r_large:<4}"
              f"  {s_small:>4} / {s_large:<4}")
    print(f"slowest at {large.n:,}: {max(t for _s, t in timings.values()):.1f} ms; worst "
          f"ratio: {max(b / max(a, 1e-6) for a, b in timings.values()):.1f}x; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"\n{label}: plans at {large.n:,} people")
    scans = []
    for name, lines in found_plans.items():
        print(f"[{name}]")
        for line in lines:
            print("    " + line)
            if SCAN in line:
                scans.append(f"{name}: {line.strip()}")
    print(f"\n{label}: " + ("no scans" if not scans else f"{SCAN}S FOUND:\n  " + "\n  ".join(
        scans)))
    return not scans


def _sizes(args: argparse.Namespace) -> None:
    if args.quick:
        args.small, args.large = 1_000, 20_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="1,000 and 20,000 people")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args(argv)
    _sizes(args)
    sizes, clean = [args.small, args.large], True
    runs: list[tuple[str, Callable[[], Any]]] = []
    if args.backend in ("sqlite", "both"):
        runs.append(("SQLite", lambda: sqlite_engines(sizes)))
    if args.backend in ("postgresql", "both"):
        runs.append(("PostgreSQL", lambda: postgres_engines(args.postgres_url, sizes)))
    for label, engines in runs:
        with engines() as made:
            clean = bench_backend(label, made, args) and clean
    print("\ncommand: PYTHONPATH=. .venv/bin/python -m bench.search " + " ".join(sys.argv[1:]))
    # At --quick sizes PostgreSQL rightly scans a 20,000-row table: only a full run fails.
    return 0 if clean or args.quick else 1


if __name__ == "__main__":
    raise SystemExit(main())
