"""A stand-in for the DfE's API on this machine: an OAuth2 token endpoint and the
submission endpoint, answering from a script, recording every request it was sent.

It listens on 127.0.0.1 (an ephemeral port) only; the feed tests also refuse any connection
elsewhere (``only_loopback``), so no test can reach the real DfE.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from web.settings import FeedSettings

LOOPBACK = ("127.0.0.1", "localhost", "::1")
CLIENT_ID, SECRET, SCOPE = "frontdoor-test-client", "right-secret", "api://dfe-csc/.default"
LA = "885"
SUBMIT = f"/api/children_social_care_data/{LA}/children"


@dataclass
class Seen:
    """One request the stand-in received."""

    path: str
    host: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Script:
    """How the stand-in answers: submission statuses in turn (then 200), whether the first
    token has expired by the first POST, and how long to stall the first POST."""

    statuses: list[int] = field(default_factory=list)
    first_token_expired: bool = False
    stall_first: float = 0.0
    seen: list[Seen] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    receipt: str = field(default_factory=lambda: str(uuid.uuid4()))

    def submissions(self) -> list[Seen]:
        return [s for s in self.seen if s.path == SUBMIT]

    def token_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path == "/oauth2/token"]


class _Handler(BaseHTTPRequestHandler):
    """Answers from ``script`` (set on the subclass each stand-in makes)."""

    script: Script

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return

    def _answer(self, status: int, body: Any = None, **headers: str) -> None:
        raw = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        seen = Seen(urlsplit(self.path).path, self.headers.get("Host", ""),
                    dict(self.headers.items()), raw)
        self.script.seen.append(seen)
        if seen.path == "/oauth2/token":
            return self._token(seen)
        if seen.path == SUBMIT:
            return self._submit(seen)
        return self._answer(404, {"error": "not_found"})

    def _token(self, seen: Seen) -> None:
        form, script = seen.form(), self.script
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret"),
                form.get("scope")) != ("client_credentials", CLIENT_ID, SECRET, SCOPE):
            return self._answer(401, {"error": "invalid_client"})
        script.tokens.append(f"token-{len(script.tokens) + 1}")
        return self._answer(200, {"access_token": script.tokens[-1], "token_type": "Bearer",
                                  "expires_in": 3600})

    def _submit(self, seen: Seen) -> None:
        script = self.script
        valid = script.tokens[1:] if script.first_token_expired else script.tokens
        if seen.headers.get("Authorization") not in [f"Bearer {t}" for t in valid]:
            return self._answer(401, {"error": "invalid_token"})
        if script.stall_first and len(script.submissions()) == 1:
            time.sleep(script.stall_first)
        status = script.statuses.pop(0) if script.statuses else 200
        if status == 200:
            return self._answer(200, script.receipt)
        if status == 429:
            return self._answer(status, {"error": "stand-in"}, Retry_After="0")
        return self._answer(status, {"error": "stand-in"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up waiting (the timeout test) is expected: stay quiet."""


@dataclass
class StandIn:
    script: Script
    url: str

    def settings(self, secret: str = SECRET, timeout: float = 5.0,
                 attempts: int = 5) -> FeedSettings:
        return FeedSettings(f"{self.url}/api", f"{self.url}/oauth2/token", CLIENT_ID, secret,
                            SCOPE, None, timeout, attempts)

    def environ(self, secret: str = SECRET) -> dict[str, str]:
        return {"FRONTDOOR_DFE_API_URL": f"{self.url}/api",
                "FRONTDOOR_DFE_TOKEN_URL": f"{self.url}/oauth2/token",
                "FRONTDOOR_DFE_CLIENT_ID": CLIENT_ID, "FRONTDOOR_DFE_CLIENT_SECRET": secret,
                "FRONTDOOR_DFE_SCOPE": SCOPE}


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """The stand-in, started on 127.0.0.1 for one test and stopped after it."""
    script = Script()
    server = _Server(("127.0.0.1", 0), type("Handler", (_Handler,), {"script": script}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield StandIn(script, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every outgoing connection in the test, refused unless it is to this machine."""
    hosts: list[str] = []
    real = socket.create_connection

    def guarded(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        hosts.append(str(address[0]))
        if str(address[0]) not in LOOPBACK:
            raise AssertionError(f"a test tried to connect to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    yield hosts
    assert set(hosts) <= set(LOOPBACK)
