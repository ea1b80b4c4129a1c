"""config/gunicorn.conf.py and its access log, read as gunicorn reads them, and one real run.

The config is executed as gunicorn executes it (a Python file), with the environment an
operator would set. The real run starts gunicorn with two workers on a migrated SQLite file
and reads what it wrote: one JSON object a line, the request id on each access line, no
query string, no line for a successful probe.
"""

from __future__ import annotations

import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web.gunicorn_logs import JsonLogger, access_entry

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "config" / "gunicorn.conf.py"
KEY = "g" * 40


def load_conf(monkeypatch: pytest.MonkeyPatch, **environ: str) -> dict[str, Any]:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_production_runs_threaded_workers_with_a_long_timeout_and_json_logs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    conf = load_conf(monkeypatch, FRONTDOOR_ENV="production", FRONTDOOR_SECRET_KEY=KEY,
                     FRONTDOOR_DATABASE_URL="postgresql+psycopg://fd@db/fd",
                     FRONTDOOR_WORKERS="3", FRONTDOOR_FORWARDED_ALLOW_IPS="*")

    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (3, 4, "gthread")
    assert conf["timeout"] == 120 and conf["forwarded_allow_ips"] == "*"
    assert conf["logger_class"] is JsonLogger


@pytest.mark.parametrize(("environ", "named"), [
    ({"FRONTDOOR_WORKERS": "0"}, "FRONTDOOR_WORKERS is '0'"),
    ({"FRONTDOOR_TIMEOUT": "soon"}, "FRONTDOOR_TIMEOUT is 'soon'"),
    ({"FRONTDOOR_ENV": "production", "FRONTDOOR_DATABASE_URL": "sqlite:////tmp/x.db"},
     "FRONTDOOR_SECRET_KEY is not set"),
])
def test_gunicorn_stops_before_any_worker_with_the_variable_named(
        monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], named: str) -> None:
    if environ.get("FRONTDOOR_ENV") == "production":
        monkeypatch.delenv("FRONTDOOR_SECRET_KEY")
    with pytest.raises(SystemExit) as stopped:
        load_conf(monkeypatch, **environ)

    assert named in str(stopped.value) and "Front Door will not start" in str(stopped.value)


ENVIRON = {"REQUEST_METHOD": "GET", "PATH_INFO": "/queue", "QUERY_STRING": "child=Zephyrine",
           "RAW_URI": "/queue?child=Zephyrine", "HTTP_REFERER": "https://x/?dob=2015-06-01",
           "HTTP_USER_AGENT": "Synthetic", "REMOTE_ADDR": "203.0.113.9"}


def test_an_access_line_has_the_path_and_request_id_and_nothing_about_the_person() -> None:
    entry = access_entry(200, ENVIRON, [("X-Request-ID", "abc12345")], 512, 7)

    assert entry is not None
    assert (entry["path"], entry["status"], entry["request_id"]) == ("/queue", 200, "abc12345")
    assert not any(s in json.dumps(entry) for s in ("Zephyrine", "2015", "203.0.113", "Synth"))


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_successful_probes_are_left_out_and_failing_ones_kept(path: str) -> None:
    probe = ENVIRON | {"PATH_INFO": path}

    assert access_entry(200, probe, [], 16, 1) is None
    assert access_entry(503, probe, [], 60, 1) is not None


# -- a real gunicorn -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 120) -> None:
    """Until the server answers: generous, since a shared 2-core machine can take a minute
    to start two workers; a server that never starts still fails the test."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10):  # noqa: S310 - loopback only
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def gunicorn_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """gunicorn with two workers on a migrated SQLite file; yields (base URL, its log)."""
    database = f"sqlite:///{tmp_path / 'served.db'}"
    env = os.environ | {"FRONTDOOR_DATABASE_URL": database, "FRONTDOOR_LOG_FORMAT": "json",
                        "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "web.cli", "db", "upgrade"], env=env, check=True,
                   cwd=ROOT, capture_output=True)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env |= {"FRONTDOOR_BIND": f"127.0.0.1:{port}", "FRONTDOOR_WORKERS": "2"}
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONF),
                                   "web.app:create_app()"], env=env, cwd=ROOT,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_writes_json_lines_with_request_ids_and_no_query_strings(
        gunicorn_server: tuple[str, Path]) -> None:
    base, log = gunicorn_server
    with urllib.request.urlopen(f"{base}/readyz") as ready:  # noqa: S310 - loopback only
        assert json.load(ready) == {"status": "ready"}
    with urllib.request.urlopen(f"{base}/sign-in?name=Zephyrine") as page:  # noqa: S310
        request_id = page.headers["X-Request-ID"]
    time.sleep(0.5)  # the access line is written after the response

    lines = [json.loads(line) for line in log.read_text().splitlines()]

    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert [(a["path"], a["request_id"]) for a in access] == [("/sign-in", request_id)]
    assert "Zephyrine" not in log.read_text()
