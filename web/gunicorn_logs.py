"""gunicorn's logger, made to write what the app writes: JSON lines, no personal data.

The access line is built here as a dict and dumped as JSON (gunicorn's format-string
route cannot escape a quote in a header). It holds the method, the path *without* its query
string, the status, the size, the time taken and the request id the app echoed, and nothing
that identifies a person: no query, no Referer, no cookie, no client address (the proxy's
own log has that, under its own retention rules). Successful /healthz and /readyz calls,
which a load balancer makes every few seconds, are left out; failing ones are kept.

Imported only by ``config/gunicorn.conf.py``: the app itself never needs gunicorn.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger

from web.logs import REQUEST_ID_HEADER, formatter

PROBES = ("/healthz", "/readyz")


def access_entry(status: int, environ: dict[str, Any], headers: list[tuple[str, str]],
                 sent: int | None, duration_ms: int) -> dict[str, Any] | None:
    """The access-log fields for one response, or None for a successful probe."""
    path = str(environ.get("PATH_INFO") or "/")
    if path in PROBES and status < 400:
        return None
    request_id = next((v for k, v in headers if k.lower() == REQUEST_ID_HEADER.lower()), None)
    return {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "level": "info",
            "logger": "gunicorn.access", "method": environ.get("REQUEST_METHOD"),
            "path": path[:200], "status": status, "bytes": sent,
            "duration_ms": duration_ms, "request_id": request_id}


class JsonLogger(Logger):
    """gunicorn's Logger with the app's formatter on its error log and a JSON access log."""

    log_format = "json"

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter(self.log_format))
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        """One JSON line per response (see the module docstring for what is in it)."""
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
        duration = request_time.seconds * 1000 + request_time.microseconds // 1000
        entry = access_entry(int(status), environ, list(headers), getattr(resp, "sent", None),
                             duration)
        if entry is not None:
            self.access_log.info(json.dumps(entry))


class TextLogger(JsonLogger):
    """The same fields for a terminal (FRONTDOOR_LOG_FORMAT=text)."""

    log_format = "text"
