"""A stand-in for GOV.UK Notify's API, run by the tests on a loopback port.

It answers the two calls Front Door makes, as Notify documents them
(docs.notifications.service.gov.uk/rest-api.html): ``POST /v2/notifications/email`` and
``GET /v2/notifications?reference=…``. It checks each request's JWT (HS256, signed with
the API key's secret, ``iss`` the service id, as Notify does) and keeps every accepted
email so a test can read exactly what would have left the council.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "9b1b3e4c-0d6a-4b43-9f5e-2a7d1c8e6f01"
SECRET = "4f0e2c9a-6b1d-4e8f-a3c5-7d9b0e1f2a34"
API_KEY = f"frontdoor_test-{SERVICE_ID}-{SECRET}"


@dataclass
class NotifyStandIn:
    """What the stand-in received; ``fail_next`` makes the next send answer 500."""

    url: str = ""
    emails: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    fail_next: int = 0

    def by_reference(self, reference: str) -> list[dict[str, Any]]:
        return [e for e in self.emails if e.get("reference") == reference]


def _handler(state: NotifyStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def _authorised(self) -> bool:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, SECRET, algorithms=["HS256"])
            except jwt.InvalidTokenError:
                return False
            return bool(claims.get("iss") == SERVICE_ID)

        def _answer(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            if not self._authorised():
                return self._answer(403, {"status_code": 403, "errors": [
                    {"error": "AuthError", "message": "Invalid token"}]})
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if state.fail_next:
                state.fail_next -= 1
                return self._answer(500, {"status_code": 500, "errors": [
                    {"error": "Exception", "message": "Internal server error"}]})
            state.emails.append(body)
            state.headers.append(dict(self.headers))
            return self._answer(201, {"id": str(uuid.uuid4()), "reference": body.get(
                "reference"), "template": {"id": body["template_id"], "version": 1}})

        def do_GET(self) -> None:  # noqa: N802
            if not self._authorised():
                return self._answer(403, {"status_code": 403, "errors": []})
            query = parse_qs(urlsplit(self.path).query)
            found = state.by_reference(query.get("reference", [""])[0])
            return self._answer(200, {"notifications": [
                {"id": str(uuid.uuid4()), "reference": e["reference"], "status": "delivered"}
                for e in found], "links": {"current": self.path}})

    return Handler


@contextmanager
def notify_standin(port: int) -> Iterator[NotifyStandIn]:
    """Serve the stand-in on 127.0.0.1:``port`` for the block."""
    state = NotifyStandIn(url=f"http://127.0.0.1:{port}")
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
