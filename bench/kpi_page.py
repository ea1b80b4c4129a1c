"""The whole KPI page (``GET /oversight/kpis``) at two sizes, side by side, and its parts.

Why: the dashboard benchmark times each KPI series, but the page also draws the practice
standards month by month, the strategy table, the assessment backlog and the assessments
authorised with the child not seen, and renders it all; the target (under 1 s at 1,000,000
contacts) is the page's. Uses the kept databases of ``bench.kept`` (built once, then
reused), the demo users (``frontdoor users demo``), the real app and its sign-in form
through Flask's test client (no server, so no queueing in the figures). The clock is
``bench.dashboard_data.NOW`` (freezegun, the page's months the data's twelve months).

    PYTHONPATH=. .venv/bin/python -m bench.kpi_page [--small 10000] [--large 1000000]
        [--backend sqlite|postgresql] [--rounds 5] [--profile FILE]

Prints the page's median at each size and the ratio, then each part's median (one call of
the reporting function on a fresh session). ``--profile FILE``: cProfile of one page view
at the larger size, the 40 costliest functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from freezegun import freeze_time
from sqlalchemy.orm import Session

from bench.dashboard_data import NOW
from bench.kept import kept_url
from bench.load import PASSWORD, prepare
from reporting.assessments import authorised_not_seen
from reporting.compliance import Compliance, Oversight
from reporting.kpis import assessment_backlog, last_months, load_kpis, month_bounds, series
from reporting.strategy import monthly
from web.app import create_app
from workflow.persistence.db import make_engine
from workflow.rules import DEFAULT_CONFIG, load_rules

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COMMAND = "PYTHONPATH=. .venv/bin/python -m bench.kpi_page"
PAGE = "/oversight/kpis"
MANAGER = "demo.manager"


def signed_in(url: str) -> tuple[Flask, FlaskClient]:
    """The app on ``url`` and a test client signed in as the demo team manager."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-kpi-page",
                      "SESSION_COOKIE_SECURE": False})
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    answer = client.post("/sign-in", data={"csrf_token": token, "username": MANAGER,
                                           "password": PASSWORD})
    if answer.status_code not in (302, 303):
        raise SystemExit(f"{MANAGER} could not sign in (HTTP {answer.status_code})")
    return app, client


def view(client: FlaskClient) -> float:
    """Seconds for one GET of the page (which must answer 200)."""
    began = time.perf_counter()
    answer = client.get(PAGE)
    spent = time.perf_counter() - began
    if answer.status_code != 200:
        raise SystemExit(f"{PAGE} answered {answer.status_code}")
    return spent


def parts() -> dict[str, Callable[[Session], Any]]:
    """The page's parts, each as the view calls it."""
    rules = load_rules()
    months = last_months(NOW.date())
    start = month_bounds(months[0])[0]
    compliance = Compliance(rules.standards, rules.calendar, NOW)
    whole = Oversight("bench", whole_service=True)
    found: dict[str, Callable[[Session], Any]] = {
        f"series: {kpi.id}": (lambda s, kpi=kpi: series(s, kpi, months, rules.calendar))
        for kpi in load_kpis(DEFAULT_CONFIG)}
    found["standards month by month"] = lambda s: compliance.monthly_by_standard(s, whole,
                                                                                months)
    found["strategy by agency"] = lambda s: monthly(s, months)
    found["assessment backlog"] = lambda s: assessment_backlog(s, rules.calendar, NOW)
    found["authorised, child not seen"] = lambda s: authorised_not_seen(s, start, NOW)
    return found


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(prog="python -m bench.kpi_page")
    p.add_argument("--small", type=int, default=10_000)
    p.add_argument("--large", type=int, default=1_000_000)
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--postgres-url", default=POSTGRES)
    p.add_argument("--sqlite-folder", type=Path, default=Path("/tmp/frontdoor_perf"))
    p.add_argument("--prefix", default="frontdoor_perf",
                   help="kept databases' name prefix (bench.kept; default frontdoor_perf)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--profile", type=Path, default=None)
    args = p.parse_args(argv)
    sizes = (args.small, args.large)
    server = args.postgres_url if args.backend == "postgresql" else None
    urls = {n: kept_url(server, args.sqlite_folder, args.prefix, n) for n in sizes}
    for n in sizes:
        prepare(urls[n], n)
    with freeze_time(NOW, tick=True):
        clients = {n: signed_in(urls[n])[1] for n in sizes}
        page = _alternate(sizes, args.rounds, lambda n: view(clients[n]))
        engines = {n: make_engine(urls[n]) for n in sizes}
        timed = {}
        for name, part in parts().items():
            timed[name] = _alternate(sizes, args.rounds,
                                     lambda n, part=part: _part(engines[n], part))
        if args.profile:
            _profile(clients[args.large], args.profile)
    print(f"command: {COMMAND} {shlex.join(argv)}".rstrip())
    print(f"{args.backend}; median of {args.rounds} ABBA rounds after one untimed view each\n")
    print(f"| part | {sizes[0]:,} | {sizes[1]:,} | ratio |\n|---|---:|---:|---:|")
    for name, medians in {f"whole page, GET {PAGE}": page, **timed}.items():
        a, b = medians[sizes[0]], medians[sizes[1]]
        print(f"| {name} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {b / max(a, 1e-9):.2f}x |")
    return 0


def _part(engine: Any, part: Callable[[Session], Any]) -> float:
    with Session(engine) as session:
        began = time.perf_counter()
        part(session)
        return time.perf_counter() - began


def _alternate(sizes: tuple[int, int], rounds: int, run: Callable[[int], float]
               ) -> dict[int, float]:
    """One untimed run per size, then ABBA rounds; the median per size."""
    for n in sizes:
        run(n)
    samples: dict[int, list[float]] = {n: [] for n in sizes}
    for r in range(rounds):
        for n in (sizes if r % 2 == 0 else sizes[::-1]):
            samples[n].append(run(n))
    return {n: statistics.median(s) for n, s in samples.items()}


def _profile(client: FlaskClient, path: Path) -> None:
    profile = cProfile.Profile()
    profile.enable()
    view(client)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
    path.write_text(out.getvalue())


if __name__ == "__main__":
    raise SystemExit(main())
