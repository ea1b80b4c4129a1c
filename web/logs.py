"""Logs an operator can search and a data protection officer can read without alarm.

Every request gets an id: the proxy's ``X-Request-ID`` when it is a plain token, otherwise a
new one. It is echoed in the response header and stamped on every log line written while the
request runs, so one person's "it went wrong at 10:02" leads to the lines of that request.

What never reaches a log: exception *messages* and the SQL parameters inside them. A database
error's text carries the row it could not write (child names, dates of birth, NHS numbers),
so a logged exception is reduced to its type, the types it was caused by, and the file, line
and function of each frame: enough to find the bug, nothing about the child. Query strings
are cut from the request lines of the web servers' own loggers for the same reason.

Standard library logging only (no structlog): one formatter class is all this needs, and
every library's log records pass through it unchanged in shape.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from flask import Flask, g, has_request_context
from werkzeug.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{8,64}")
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
#: Loggers whose messages hold request lines (werkzeug's development server, gunicorn).
_SERVER_LOGGERS = ("werkzeug", "gunicorn")


def request_id_from(header: str | None) -> str:
    """The proxy's id when it is a plain 8-64 character token, else a fresh one.

    Anything else (spaces, quotes, newlines, very long values) is replaced rather than
    logged, so a client cannot forge or break log lines through the header.
    """
    if header and _TOKEN.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    return g.get("request_id") if has_request_context() else None


def safe_exception(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]
                   ) -> dict[str, Any]:
    """Type, cause chain and frames of an exception: never its message or arguments."""
    _type, error, tb = exc_info
    chain, seen = [], {id(error)}
    cause = error.__cause__ or error.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        chain.append(_qualified(type(cause)))
        cause = cause.__cause__ or cause.__context__
    frames = [f"{_short(f.filename)}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
    return {"exc_type": _qualified(_type), "exc_chain": chain, "stack": frames[-12:]}


def _qualified(kind: type[BaseException]) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _short(filename: str) -> str:
    """A path from the project or from site-packages, not the machine's whole tree."""
    for marker in ("site-packages/", "/web/", "/workflow/", "/reporting/", "/thresholds/"):
        if marker in filename:
            head = marker.strip("/") + "/" if marker != "site-packages/" else ""
            return head + filename.rsplit(marker, 1)[1]
    return filename.rsplit("/", 1)[-1]


def _message(record: logging.LogRecord) -> str:
    message = record.getMessage()
    if record.name.split(".")[0] in _SERVER_LOGGERS:
        message = _QUERY.sub(r"\1?[query removed]", message)
    return message


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, safe exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": _message(record),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info and record.exc_info[1] is not None:
            entry.update(safe_exception(record.exc_info))
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """For a person watching a terminal: the same facts on one readable line."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        rid = getattr(record, "request_id", None) or current_request_id()
        line = f"{stamp} {record.levelname:<7} {record.name} [{rid or '-'}] {_message(record)}"
        if record.exc_info and record.exc_info[1] is not None:
            safe = safe_exception(record.exc_info)
            causes = "".join(f" caused by {c}" for c in safe["exc_chain"])
            where = safe["stack"][-1] if safe["stack"] else "?"
            line += f" | {safe['exc_type']}{causes} at {where}"
        return line


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (test runners swap it between tests)."""

    _frontdoor = True

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def formatter(log_format: str) -> logging.Formatter:
    """The formatter for ``json`` or ``text``."""
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure_logging(log_format: str, level: str) -> None:
    """Send every logger through one handler on the root logger (idempotent)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_frontdoor", False)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level)


def wire_request_ids(app: Flask) -> None:
    """Give each request an id, echo it in the response, drop Flask's own log handler."""
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)  # records go to the root handler instead

    @app.before_request
    def _request_id() -> None:
        from flask import request

        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))

    @app.after_request
    def _echo(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id") or request_id_from(None)
        return response
