"""The real stack under load: 10,000 against 1,000,000 contacts on PostgreSQL, served by
the production gunicorn config, 10 and 50 people at once, every route timed beside /healthz.

Why: a query that is fast alone can still saturate four workers on two cores, and a page
that follows the history instead of the live work shows it only at a million contacts.
Both databases are built once with the project's bench generator (``bench.kept``, the
shapes of ``bench.dashboard_data``: same daily intake, so the million is ten years more
history behind the same live caseload) and served side by side, each by
``gunicorn -c config/gunicorn.conf.py`` on a port of its own. Each role signs in through
the sign-in form (a front-door worker, a MASH chair, a team manager, a social worker);
simulated people share their role's session and each keeps its own connection, going
round its role's pages and API calls (and /healthz) without pause for ``--seconds``.
Phases alternate between the sizes in ABBA order, so drift falls on both.

    PYTHONPATH=. nice -n 10 .venv/bin/python -m bench.load                 # 10 and 50 users
    PYTHONPATH=. nice -n 10 .venv/bin/python -m bench.load --sizes 2000 20000 --seconds 10

Printed per size and number of users: each route's p50/p95/p99 in ms and as a ratio to
/healthz's same percentile in the same phases, the requests answered and any status other
than 200; then each route's p95 at the larger size over its p95 at the smaller.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from bench.kept import ensure, kept_url
from workflow.persistence.db import PROJECT_ROOT

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "bench-" + secrets.token_urlsafe(12)  # noqa: S105 - the demo users of this run
BIN = Path(sys.executable).parent
LIVE = 15_000  # the newest contacts: the live caseload a page is opened on
ROLES = {"front-door worker": "demo.worker", "MASH chair": "demo.chair",
         "team manager": "demo.manager", "social worker": "demo.socialworker"}
HEALTHZ = "GET /healthz"


@dataclass(frozen=True)
class Route:
    """One request a simulated person makes; ``{id}`` becomes a live contact's id."""

    name: str
    method: str
    path: str
    form: dict[str, str] | None = None


PAGES = {
    "front-door worker": (
        Route("GET /queue", "GET", "/queue"),
        Route("GET /contacts/<id>", "GET", "/contacts/{id}"),
        Route("POST /search", "POST", "/search", {"q": "Synth Child42"}),
        Route("GET /api/v1/contacts", "GET", "/api/v1/contacts?limit=50"),
        Route("GET /api/v1/contacts/<id>", "GET", "/api/v1/contacts/{id}")),
    "MASH chair": (
        Route("GET /queue", "GET", "/queue"),
        Route("GET /oversight", "GET", "/oversight"),
        Route("GET /contacts/<id>", "GET", "/contacts/{id}")),
    "team manager": (
        Route("GET /oversight", "GET", "/oversight"),
        Route("GET /oversight/kpis", "GET", "/oversight/kpis"),
        Route("GET /queue?worker=", "GET", "/queue?worker=worker7"),
        Route("GET /contacts/<id>", "GET", "/contacts/{id}"),
        Route("GET /api/v1/contacts", "GET", "/api/v1/contacts?limit=50")),
    "social worker": (
        Route("GET /queue", "GET", "/queue"),
        Route("GET /contacts/<id>", "GET", "/contacts/{id}")),
}


# -- the servers ---------------------------------------------------------------------------

def prepare(url: str, n: int) -> None:
    """A kept database of n contacts, at the latest migration, with the demo users."""
    engine = ensure(url, n)
    if not inspect(engine).has_table("alembic_version"):
        config = Config(str(PROJECT_ROOT / "alembic.ini"))
        config.attributes["url"] = url
        command.stamp(config, "heads")  # the tables are the models' own: the latest schema
    engine.dispose()
    subprocess.run([str(BIN / "frontdoor"), "--database-url", url, "users", "demo"],
                   env=os.environ | {"FRONTDOOR_DEMO_PASSWORD": PASSWORD}, check=True,
                   stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def served(url: str, port: int, log: Path) -> Iterator[str]:
    """gunicorn with the production config on 127.0.0.1:port; stopped on the way out."""
    env = os.environ | {"FRONTDOOR_BIND": f"127.0.0.1:{port}", "FRONTDOOR_DATABASE_URL": url,
                        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
                        "FRONTDOOR_INSECURE_COOKIES": "1", "FRONTDOOR_WORKERS": "4",
                        "FRONTDOOR_LOG_LEVEL": "WARNING", "PYTHONPATH": str(PROJECT_ROOT)}
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "web.app:create_app()"],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(port, server)
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(30)


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} stopped (exit {server.returncode})")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"gunicorn on port {port} did not answer /healthz")


# -- a person at a browser -----------------------------------------------------------------

class Browser:
    """One keep-alive connection with its own cookies, like one browser tab."""

    def __init__(self, where: str, cookies: dict[str, str] | None = None) -> None:
        host, port = where.split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=120)
        self.cookies = dict(cookies or {})

    def send(self, method: str, path: str, form: dict[str, str] | None = None
             ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # a dropped keep-alive: reconnect once
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def sign_in(where: str, username: str) -> dict[str, str]:
    """Sign in through the form; the session's cookies."""
    browser = Browser(where)
    _, page = browser.send("GET", "/sign-in")
    status, _ = browser.send("POST", "/sign-in", {"username": username, "password": PASSWORD,
                                                  "csrf_token": _csrf(page)})
    if status not in (302, 303):
        raise SystemExit(f"{username} could not sign in (HTTP {status})")
    return browser.cookies


@dataclass
class Samples:
    """Seconds per route, and the statuses answered."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str, spent: float, status: int) -> None:
        with self.lock:
            self.seconds[route].append(spent)
            self.statuses[route][status] += 1


def _person(where: str, role: str, cookies: dict[str, str], n: int, until: float,
            samples: Samples, seed: int) -> None:
    rng, browser = random.Random(seed), Browser(where, cookies)  # noqa: S311 - load mix
    _, page = browser.send("GET", "/search")
    token = _csrf(page)
    routes = [*PAGES[role], Route(HEALTHZ, "GET", "/healthz")]
    step = rng.randrange(len(routes))
    while time.perf_counter() < until:
        route = routes[step % len(routes)]
        step += 1
        path = route.path.replace("{id}", str(n - rng.randrange(min(LIVE, n))))
        form = route.form and route.form | {"csrf_token": token}
        started = time.perf_counter()
        status, _ = browser.send(route.method, path, form)
        samples.add(route.name, time.perf_counter() - started, status)


def drive(where: str, sessions: dict[str, dict[str, str]], n: int, users: int,
          seconds: float, samples: Samples) -> None:
    """``users`` people at once, the roles dealt round, for ``seconds``."""
    roles, until = list(ROLES), time.perf_counter() + seconds
    threads = [threading.Thread(target=_person, args=(
        where, roles[i % len(roles)], sessions[roles[i % len(roles)]], n, until, samples, i))
        for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- the run -------------------------------------------------------------------------------

def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 \
        else values[0]


def table(samples: Samples, title: str) -> list[str]:
    """Each route's p50/p95/p99 (ms, and x /healthz's same percentile)."""
    health = {q: _percentile(samples.seconds[HEALTHZ], q) for q in (50, 95, 99)}
    lines = [f"\n### {title}", "| route | answered | p50 ms (x healthz) | p95 ms (x healthz) "
             "| p99 ms (x healthz) | not 200 |", "|---|---:|---:|---:|---:|---|"]
    for route in sorted(samples.seconds, key=lambda r: (r != HEALTHZ, r)):
        values = samples.seconds[route]
        cells = [f"{_percentile(values, q) * 1000:.0f} ({_percentile(values, q) / health[q]:.1f}x)"
                 for q in (50, 95, 99)]
        odd = {s: c for s, c in samples.statuses[route].items() if s != 200}
        lines.append(f"| {route} | {len(values)} | {' | '.join(cells)} | {odd or ''} |")
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.load",
                                description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs=2, default=(10_000, 1_000_000))
    p.add_argument("--users", type=int, nargs="+", default=(10, 50))
    p.add_argument("--seconds", type=float, default=30, help="per phase (default 30)")
    p.add_argument("--rounds", type=int, default=2, help="ABBA rounds per user count")
    p.add_argument("--ports", type=int, nargs=2, default=(5182, 5183))
    p.add_argument("--postgres-url", default=POSTGRES,
                   help="server to keep frontdoor_perf_<n> on (those databases only)")
    p.add_argument("--logs", type=Path, default=Path("/tmp/frontdoor_perf"))
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.logs.mkdir(parents=True, exist_ok=True)  # for gunicorn's logs (none on a new machine)
    small, large = sorted(args.sizes)
    urls = {n: kept_url(args.postgres_url, args.logs, "frontdoor_perf", n) for n in (small, large)}
    for n, url in urls.items():
        prepare(url, n)
    results: dict[tuple[int, int], Samples] = {}
    with contextlib.ExitStack() as stack:
        where = {n: stack.enter_context(served(urls[n], port, args.logs / f"gunicorn_{n}.log"))
                 for n, port in zip((small, large), args.ports, strict=True)}
        sessions = {n: {role: sign_in(where[n], user) for role, user in ROLES.items()}
                    for n in (small, large)}
        for users in args.users:
            for r in range(args.rounds):
                for n in ((small, large) if r % 2 == 0 else (large, small)):
                    print(f"{users} users on {n:,} contacts, round {r + 1}", file=sys.stderr,
                          flush=True)
                    drive(where[n], sessions[n], n, users, args.seconds,
                          results.setdefault((users, n), Samples()))
    print(report(args, results, small, large))
    return 0


def report(args: argparse.Namespace, results: dict[tuple[int, int], Samples], small: int,
           large: int) -> str:
    lines = [f"command: python -m bench.load {' '.join(sys.argv[1:])}".rstrip(),
             f"{os.cpu_count()} cpu(s), load average {os.getloadavg()[0]:.1f}; gunicorn "
             f"config/gunicorn.conf.py, 4 workers x 4 threads per server; {args.rounds} "
             f"ABBA rounds of {args.seconds:.0f} s per size and user count"]
    for users in args.users:
        for n in (small, large):
            lines += table(results[(users, n)], f"{users} users, {n:,} contacts")
        lines += [f"\n### {users} users: p95 at {large:,} / p95 at {small:,}",
                  "| route | ratio |", "|---|---:|"]
        for route in sorted(results[(users, small)].seconds):
            a = _percentile(results[(users, small)].seconds[route], 95)
            b = _percentile(results[(users, large)].seconds.get(route, [a]), 95)
            lines.append(f"| {route} | {b / a:.2f}x |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
