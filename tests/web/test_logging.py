"""Logs: one JSON object a line, a request id on each, and no child's personal data.

The test that matters most provokes a real database error while a worker records a
contact for a synthetic child with a name, a date of birth and an NHS number: the database
driver's error text carries all three (that is what SQLAlchemy puts in the message), and the
log must show the error's type and the request id, and none of the three.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import COOKIE, PEOPLE, Browser, Template, copy_database, make_app
from web.logs import JsonFormatter, TextFormatter, request_id_from, safe_exception

FIRST, LAST, DOB, NHS = "Zephyrine", "Quillfeather", "2015-06-01", "9434765919"
NEW_CONTACT = {"received_at": "2026-01-05T09:30", "source": "2A", "channel": "phone",
               "referrer": "Head teacher", "concerns": "Bruising seen at school",
               "consent": "given", "child-0-first_name": FIRST, "child-0-last_name": LAST,
               "child-0-date_of_birth": DOB, "child-0-nhs_number": NHS,
               "confirmed": "received_at"}  # months ago, and meant


@pytest.fixture
def json_app(monkeypatch: pytest.MonkeyPatch, template_db: Template,
             tmp_path: Path) -> Iterator[tuple[Flask, Path]]:
    """The app with JSON logs (as in production) on its own copy of the template database."""
    monkeypatch.setenv("FRONTDOOR_LOG_FORMAT", "json")
    path = tmp_path / "logging.db"
    copy_database(template_db.path, path)
    app = make_app(f"sqlite:///{path}", TESTING=False)
    yield app, path
    app.extensions["store"].close()
    logging.getLogger().handlers[:] = [h for h in logging.getLogger().handlers
                                       if not getattr(h, "_frontdoor", False)]


def _lines(captured: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def _refuse_every_child_row(path: Path) -> None:
    """Make the database itself fail on the next child row (as a full disk or a broken
    constraint would), so the driver's error carries the row's values."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TRIGGER refuse_child BEFORE INSERT ON person "
                   "BEGIN SELECT RAISE(ABORT, 'synthetic failure'); END")
        db.commit()


def test_a_database_error_logs_its_type_and_request_id_but_no_name_dob_or_nhs_number(
        json_app: tuple[Flask, Path], template_db: Template,
        capsys: pytest.CaptureFixture[str]) -> None:
    app, path = json_app
    _refuse_every_child_row(path)
    worker = _signed_in_worker(app, template_db)
    capsys.readouterr()

    response = worker.post("/contacts/new", NEW_CONTACT)

    captured = capsys.readouterr().err
    assert response.status_code == 409  # a row the database refused: try again, not a 500
    assert "Nothing was saved" in response.get_data(as_text=True)
    errors = [line for line in _lines(captured) if line["level"] == "warning"
              and line.get("exc_type")]
    assert errors, f"no error was logged:\n{captured}"
    assert errors[0]["request_id"] == response.headers["X-Request-ID"]
    assert errors[0]["exc_type"] == "sqlalchemy.exc.IntegrityError"
    assert "sqlite3.IntegrityError" in errors[0]["exc_chain"]
    for personal in (FIRST, LAST, DOB, NHS):
        assert personal not in captured


def _signed_in_worker(app: Flask, template_db: Template) -> Browser:
    """The worker's browser on ``app`` (its session row is in the copied template)."""
    cookie, token = template_db.cookies["worker"]
    client = app.test_client()
    client.set_cookie(COOKIE, cookie, domain="localhost")
    return Browser(client, PEOPLE["worker"], token)


def test_every_response_carries_a_request_id_and_a_proxys_plain_id_is_kept(
        json_app: tuple[Flask, Path]) -> None:
    client = json_app[0].test_client()

    generated = client.get("/healthz").headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-id-1234"})

    assert len(generated) == 32 and generated != client.get("/healthz").headers["X-Request-ID"]
    assert kept.headers["X-Request-ID"] == "proxy-id-1234"


@pytest.mark.parametrize("forged", ["short", "has space in it", "line\r\nbreak-injected",
                                    "x" * 65, '"quoted-value"'])
def test_a_request_id_that_could_forge_or_break_log_lines_is_replaced(forged: str) -> None:
    replaced = request_id_from(forged)

    assert replaced != forged and len(replaced) == 32


def _record(error: BaseException, name: str = "web.app") -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        return logging.LogRecord(name, logging.ERROR, __file__, 1, "Unhandled %s", ("X",),
                                 sys.exc_info())


def _chained_error() -> BaseException:
    try:
        try:
            raise KeyError(f"NHS {NHS}")
        except KeyError as inner:
            raise ValueError(f"{FIRST} {LAST}") from inner
    except ValueError as outer:
        return outer


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()],
                         ids=["json", "text"])
def test_neither_format_ever_writes_an_exceptions_text(formatter: logging.Formatter) -> None:
    line = formatter.format(_record(_chained_error()))

    assert "ValueError" in line and "KeyError" in line
    assert FIRST not in line and NHS not in line


def test_the_safe_exception_names_where_it_happened() -> None:
    record = _record(_chained_error())
    assert record.exc_info is not None

    safe = safe_exception(record.exc_info)  # type: ignore[arg-type]

    assert safe["exc_type"] == "ValueError" and safe["exc_chain"] == ["KeyError"]
    assert any("test_logging.py" in frame for frame in safe["stack"])


@pytest.mark.parametrize("logger", ["werkzeug", "gunicorn.error"])
def test_web_server_request_lines_lose_their_query_strings(logger: str) -> None:
    record = logging.LogRecord(logger, logging.INFO, __file__, 1,
                               '127.0.0.1 "GET /queue?child=Zephyrine&dob=2015 HTTP/1.1" 200',
                               None, None)

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == '127.0.0.1 "GET /queue?[query removed] HTTP/1.1" 200'


def test_the_laptop_default_is_one_readable_line(monkeypatch: pytest.MonkeyPatch,
                                                app: Flask) -> None:
    record = logging.LogRecord("web.app", logging.WARNING, __file__, 1, "Disk %s", ("full",),
                               None)

    line = TextFormatter().format(record)

    assert line.endswith("WARNING web.app [-] Disk full")
    assert make_app(str(app.config["DATABASE_URL"])).config["FRONTDOOR_SETTINGS"] \
        .log_format == "text"
