"""A stand-in webhook receiver, as an integrator would write one: it checks each
delivery's signature with the subscription's secret (refusing a bad one with 401) and
answers from a script of statuses, recording everything it was sent.

It listens on 127.0.0.1 on the first free port of this test run's range (5110-5119).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from workflow.integrations.webhooks import EVENT_ID_HEADER, SIGNATURE_HEADER, verify

PORTS = range(5110, 5120)


@dataclass
class Delivery:
    """One request the receiver got, and whether its signature held."""

    headers: dict[str, str]
    body: bytes
    signed: bool

    @property
    def event_id(self) -> str:
        return self.headers[EVENT_ID_HEADER]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What it answers next (a script, then 200 for ever) and what it received."""

    secret: str = ""
    script: list[int] = field(default_factory=list)
    got: list[Delivery] = field(default_factory=list)
    url: str = ""

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        signed = verify(self.secret, headers.get(SIGNATURE_HEADER, ""), body, datetime.now(UTC))
        self.got.append(Delivery(headers, body, signed))
        if not signed:
            return 401
        return self.script.pop(0) if self.script else 200


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 5110-5119")


def serve(receiver: Receiver) -> Iterator[Receiver]:
    """Run the receiver on a thread until the caller is done with it."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.answer(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/front-door/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
