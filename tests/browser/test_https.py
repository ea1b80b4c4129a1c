"""The production path over real TLS: Chromium -> Caddy (TLS) -> gunicorn -> the app.

The app was unusable over HTTPS: it sent ``Referrer-Policy: no-referrer``, so the browser sent
no Referer and Flask-WTF's strict check refused every form. Here the whole stack runs as a
council would run it: gunicorn with two workers in production mode (secret key and database
from the environment, one trusted proxy, HSTS, JSON logs), behind Caddy started from
``deploy/Caddyfile`` with a self-signed certificate this test makes with openssl, on
https://127.0.0.1:<free port>. A person signs in through the form and records a contact;
the test checks the Secure cookie, the HSTS header, that both POSTs succeeded, and what the
logs say (request ids from the proxy, no child's name, no probe lines).

Needs Caddy (``make browser-deps`` installs Debian's) and gunicorn (the test lock); without
them the test is skipped, and under CI=true it fails instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import TIMEOUT_MS, VIEWPORT
from tests.browser.helpers import sign_in

ROOT = Path(__file__).resolve().parents[2]
USERNAME, PASSWORD = "h.https", "tls-journey-passphrase"
CHILD = ("Tamsin", "Tlsworth")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Stack:
    """The running stack: its public address, certificate and the app's log file."""

    base_url: str
    cert: Path
    app_log: Path

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.app_log.read_text().splitlines()
                if line.startswith("{")]


def _require(available: bool, what: str) -> None:
    if available:
        return
    message = f"{what} is not installed: `make browser-deps` / `make test` installs it"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the HTTPS journey is required in CI: {message}", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _frontdoor(env: dict[str, str], *args: str, stdin: str = "") -> None:
    done = subprocess.run([sys.executable, "-m", "web.cli", *args], env=env, cwd=ROOT,
                          input=stdin, text=True, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr


def _app_env(folder: Path, public: str, upstream: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDOOR_")}
    return env | {
        "PYTHONPATH": str(ROOT), "FRONTDOOR_ENV": "production",
        "FRONTDOOR_SECRET_KEY": "https-journey-" + "s" * 40,
        "FRONTDOOR_DATABASE_URL": f"sqlite:///{folder / 'frontdoor.db'}",
        "FRONTDOOR_BASE_URL": public, "FRONTDOOR_BIND": f"127.0.0.1:{upstream}",
        "FRONTDOOR_WORKERS": "2"}


def _caddy_env(folder: Path, public: str, port: int, upstream: int, cert: Path,
               key: Path) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
            "XDG_DATA_HOME": str(folder / "caddy-data"),
            "XDG_CONFIG_HOME": str(folder / "caddy-config"),
            "FRONTDOOR_SITE": public, "FRONTDOOR_TLS": f"{cert} {key}",
            "FRONTDOOR_UPSTREAM": f"127.0.0.1:{upstream}",
            "FRONTDOOR_HTTPS_PORT": str(port), "FRONTDOOR_HTTP_PORT": str(_free_port())}


def _wait(url: str, context: ssl.SSLContext | None, processes: list[Any]) -> None:
    deadline = time.monotonic() + 120  # a loaded 2-core machine can take a minute to start
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10, context=context):  # noqa: S310
                return
        except (OSError, urllib.error.URLError):
            dead = [p.args[0] for p in processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise AssertionError(f"{url} never answered (exited: {dead})") from None
            time.sleep(0.25)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """gunicorn (production settings) behind Caddy (deploy/Caddyfile) on a free port."""
    _require(shutil.which("caddy") is not None, "Caddy")
    _require(find_spec("gunicorn") is not None, "gunicorn")
    folder = tmp_path_factory.mktemp("https")
    cert, key = _certificate(folder)
    port, upstream = _free_port(), _free_port()
    public = f"https://127.0.0.1:{port}"
    env = _app_env(folder, public, upstream)
    _frontdoor(env, "db", "upgrade")
    _frontdoor(env, "users", "add", USERNAME, "--name", "Hana Https", "--role",
               "front_door_worker", "--team", "front-door", "--password-stdin",
               stdin=PASSWORD + "\n")
    app_log = folder / "app.log"
    with app_log.open("wb") as log, (folder / "caddy.log").open("wb") as caddy_log:
        app = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c",
                                "config/gunicorn.conf.py", "web.app:create_app()"],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        proxy = subprocess.Popen(["caddy", "run", "--config", str(ROOT / "deploy/Caddyfile"),
                                  "--adapter", "caddyfile"],
                                 env=_caddy_env(folder, public, port, upstream, cert, key),
                                 cwd=folder, stdout=caddy_log, stderr=subprocess.STDOUT)
    made = Stack(public, cert, app_log)
    try:
        _wait(f"http://127.0.0.1:{upstream}/healthz", None, [app, proxy])
        _wait(f"{public}/healthz", made.ssl_context(), [app, proxy])
        yield made
    finally:
        for process in (proxy, app):
            process.terminate()
        for process in (proxy, app):
            process.wait(timeout=30)


def test_a_worker_signs_in_and_records_a_contact_over_https(stack: Stack,
                                                            chromium: Any) -> None:
    context = chromium.new_context(base_url=stack.base_url, ignore_https_errors=True,
                                   viewport=VIEWPORT, locale="en-GB",
                                   timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    posts: list[tuple[str, int]] = []
    page.on("response", lambda r: posts.append((r.url, r.status))
            if r.request.method == "POST" else None)

    first = page.goto("/sign-in")
    assert first is not None
    assert first.headers["strict-transport-security"] == "max-age=31536000"
    assert first.headers["referrer-policy"] == "same-origin"
    assert UUID.fullmatch(first.headers["x-request-id"]), "the proxy's request id is echoed"

    sign_in(page, USERNAME, PASSWORD)
    [cookie] = [c for c in context.cookies() if c["name"] == "frontdoor_session"]
    assert (cookie["secure"], cookie["httpOnly"], cookie["sameSite"]) == (True, True, "Lax")

    page.goto("/contacts/new")
    page.get_by_label("Referral source (CIN census code)").select_option("2A")
    page.get_by_label("Referrer (name and organisation)").fill("Ms Head, Hill Primary")
    child = page.locator("fieldset.app-child").nth(0)
    child.get_by_label("First name").fill(CHILD[0])
    child.get_by_label("Last name").fill(CHILD[1])
    page.get_by_label("What are the concerns?").fill("Synthetic concern, recorded over TLS.")
    page.get_by_role("button", name="Record contact").click()

    banner = page.locator(".govuk-notification-banner--success")
    assert "Recorded 1 contact:" in banner.inner_text()
    assert re.search(r"/contacts/\d+$", page.url)
    assert [(url.removeprefix(stack.base_url), status) for url, status in posts] == [
        ("/sign-in", 302), ("/contacts/new", 302)]
    context.close()


def test_the_logs_carry_the_proxys_request_ids_and_no_childs_name(stack: Stack) -> None:
    """Runs after the journey (same module): what gunicorn and the app wrote about it."""
    time.sleep(0.5)  # access lines are written after each response
    lines = stack.log_lines()
    access = [line for line in lines if line["logger"] == "gunicorn.access"]

    posted = [(a["method"], a["path"], a["status"]) for a in access if a["method"] == "POST"]
    assert posted == [("POST", "/sign-in", 302), ("POST", "/contacts/new", 302)]
    assert all(UUID.fullmatch(a["request_id"] or "") for a in access)
    assert not [a for a in access if a["path"] in ("/healthz", "/readyz")]
    text = stack.app_log.read_text()
    assert CHILD[0] not in text and CHILD[1] not in text and PASSWORD not in text


def test_a_form_posted_over_https_without_front_doors_referer_is_refused(stack: Stack) -> None:
    """The strict check is still on end to end: a cross-site post gets 400."""
    request = urllib.request.Request(f"{stack.base_url}/sign-in", method="POST",  # noqa: S310
                                     data=b"username=x&password=y&csrf_token=z",
                                     headers={"Referer": "https://elsewhere.example/"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, context=stack.ssl_context())  # noqa: S310

    assert refused.value.code == 400
