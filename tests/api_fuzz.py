"""schemathesis against the running API on PostgreSQL, judged by the server's own log.

``python -m tests.api_fuzz`` (``make api-fuzz``) builds a PostgreSQL schema of its own,
serves the real app there with gunicorn, signs a caseworker in, and lets schemathesis
drive every operation of ``/api/v1/openapi.json``: positive and negative cases, ids,
bodies and query strings it makes up from the document. schemathesis checks that no answer
is a server error and that each one conforms to the document; the count of requests and
of server errors is read from gunicorn's access log, so a request that schemathesis does
not report (a retry, a crash it swallowed) is counted too.

Authentication is a parameter: ``FRONTDOOR_FUZZ_HEADERS`` ("Name: value" lines, e.g. an
API client's ``Authorization: Bearer …``) is sent as it is; without it the harness signs
in through the form, as an integrator without a token must today, and sends the session
cookie and the CSRF header.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "config" / "gunicorn.conf.py"
USERNAME, PASSWORD = "fuzz.manager", "fuzz-manager-Correct-Horse-7"
_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


@dataclass(frozen=True)
class Figures:
    """What one run did: requests the server answered, how long, how many were 5xx."""

    requests: int
    seconds: float
    server_errors: int
    schemathesis_exit: int
    summary: str

    def line(self) -> str:
        rate = self.requests / self.seconds if self.seconds else 0.0
        return (f"schemathesis: {self.requests} requests in {self.seconds:.0f} s "
                f"({rate:.0f}/s), {self.server_errors} server errors, "
                f"schemathesis exit {self.schemathesis_exit}")


def prepare_database(url: str) -> None:
    """The schema at the latest migration, the directory, and the fuzzing caseworker."""
    from tests.builders import staff_the_directory
    from tests.web.conftest import stamp_latest_revision
    from web.auth import hash_password
    from workflow.persistence.schema import metadata
    from workflow.persistence.store import open_store
    from workflow.roles import Role

    store = open_store(url)
    try:
        metadata().create_all(store.engine)  # type: ignore[attr-defined]
        stamp_latest_revision(store.engine)
        staff_the_directory(store.accounts)
        # A team manager: granted the most API operations of any one caseworker.
        store.accounts.save_account(USERNAME, "Fuzz Manager", Role.TEAM_MANAGER, None, None,
                                    hash_password(PASSWORD))
    finally:
        store.close()
    _seed_contacts(url)


def make_token(url: str) -> str:
    """An API client of the police with every scope, as an administrator would create one
    for an integrator; its bearer token (shown once, as the admin page shows it)."""
    from datetime import UTC, datetime

    from workflow.integrations.admin import create_client
    from workflow.integrations.clients import Scope
    from workflow.persistence.store import open_store
    from workflow.rules import load_rules

    store = open_store(url)
    try:
        agencies = load_rules().mash.agencies.ids()
        _client, token = create_client(store.clients, agencies, "fuzz-police-system", "police",
                                       " ".join(s.value for s in Scope), "admin",
                                       datetime.now(UTC))
        return token
    finally:
        store.close()


def _seed_contacts(url: str, count: int = 12) -> None:
    """A few contacts (ids 1, 2, …) so made-up small ids sometimes name a real record and
    the fuzzer reaches the actions' rules, not only "no such contact"."""
    from tests.web.conftest import Contacts, make_app, store_of

    app = make_app(url)
    try:
        contacts = Contacts(app)
        for n in range(count):
            contacts.one("Fuzz", f"Child{n}")
    finally:
        store_of(app).close()


@contextmanager
def served(url: str, port: int, log: Path) -> Iterator[str]:
    """gunicorn on 127.0.0.1:``port`` serving the app on ``url``; yields its base URL."""
    env = os.environ | {
        "FRONTDOOR_DATABASE_URL": url, "FRONTDOOR_LOG_FORMAT": "json",
        "FRONTDOOR_BIND": f"127.0.0.1:{port}", "FRONTDOOR_WORKERS": "2",
        "FRONTDOOR_INSECURE_COOKIES": "1", "PYTHONPATH": str(ROOT),
        "FRONTDOOR_SECRET_KEY": os.environ.get("FRONTDOOR_SECRET_KEY", "fuzz-" + "k" * 40)}
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
            [sys.executable, "-m", "gunicorn", "-c", str(CONF), "web.app:create_app()"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/healthz")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def sign_in_headers(base: str) -> list[str]:
    """Sign in through the form; the session cookie and CSRF header the API then takes."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/sign-in") as page:
        token = _CSRF.search(page.read().decode())
    assert token, "the sign-in page has no CSRF token"
    form = urllib.parse.urlencode({"csrf_token": token[1], "username": USERNAME,
                                   "password": PASSWORD}).encode()
    opener.open(f"{base}/sign-in", data=form).close()
    with opener.open(f"{base}/account/security") as page:  # the signed-in session's token
        token = _CSRF.search(page.read().decode())
    assert token, "signing in did not reach a page with a form"
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    return [f"Cookie: {cookies}", f"X-CSRFToken: {token[1]}"]


def auth_headers(base: str) -> list[str]:
    """FRONTDOOR_FUZZ_HEADERS when given (a bearer token, say), else a signed-in session."""
    given = os.environ.get("FRONTDOOR_FUZZ_HEADERS", "").strip()
    if given:
        return [line.strip() for line in given.splitlines() if line.strip()]
    return sign_in_headers(base)


def schemathesis(base: str, headers: list[str], max_examples: int, workers: int,
                 report: Path) -> tuple[int, str]:
    """Run schemathesis' CLI over every operation; its exit code and the end of its output."""
    command = [str(Path(sys.executable).with_name("st")), "run",
               f"{base}/api/v1/openapi.json", "--url", base,
               "--checks", "not_a_server_error,response_schema_conformance",
               "--max-examples", str(max_examples), "--workers", str(workers),
               "--phases", "examples,coverage,fuzzing", "--seed", "1",
               "--suppress-health-check", "all", "--request-timeout", "30",
               "--report", "junit", "--report-dir", str(report)]
    for header in headers:
        command += ["--header", header]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,  # noqa: S603
                          env=os.environ | {"NO_COLOR": "1"})
    output = done.stdout + done.stderr
    return done.returncode, "\n".join(output.splitlines()[-40:])


def access_lines(log: Path) -> list[dict[str, Any]]:
    """The access log's entries for the API (gunicorn writes one JSON line per request)."""
    entries = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "gunicorn.access" and str(entry.get("path", "")).startswith(
                "/api/v1/") and entry.get("path") != "/api/v1/openapi.json":
            entries.append(entry)
    return entries


def fuzz(url: str, port: int, max_examples: int, workers: int, work: Path,
         token: bool = False) -> Figures:
    """Prepare the database, serve it, run schemathesis, and count from the access log.
    ``token``: authenticate as an API client with a bearer token instead of a session."""
    prepare_database(url)
    bearer = make_token(url) if token else None
    log = work / "gunicorn.log"
    with served(url, port, log) as base:
        headers = [f"Authorization: Bearer {bearer}"] if bearer else auth_headers(base)
        started = time.monotonic()
        code, summary = schemathesis(base, headers, max_examples, workers, work / "report")
        seconds = time.monotonic() - started
        time.sleep(1)  # the last access lines are written after their responses
    entries = access_lines(log)
    errors = sum(1 for e in entries if int(e.get("status", 0)) >= 500)
    return Figures(len(entries), seconds, errors, code, summary)


def main(argv: list[str] | None = None) -> int:
    """``make api-fuzz``: ≥10,000 requests on a PostgreSQL schema of its own."""
    from tests.web.conftest import postgres_schema

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=150,
                        help="examples per operation in the fuzzing phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=int(os.environ.get("FUZZ_PORT", 5120)))
    parser.add_argument("--work", type=Path, default=ROOT / "instance" / "api-fuzz")
    parser.add_argument("--token", action="store_true",
                        help="as an API client with a bearer token (every scope), not a session")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    # A timeout's SIGTERM unwinds like an exception, so gunicorn and the schema go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("api-fuzz: stopped (SIGTERM)"))
    with postgres_schema("frontdoor_fuzz") as url:
        figures = fuzz(url, args.port, args.max_examples, args.workers, args.work, args.token)
    print(figures.summary)
    print(figures.line())
    return 0 if figures.server_errors == 0 and figures.schemathesis_exit == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
