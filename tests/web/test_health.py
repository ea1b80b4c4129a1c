"""/healthz and /readyz: what a load balancer and an orchestrator ask, and what they hear.

/healthz is "the process is up" and must answer even with the database gone (otherwise a
database outage restarts every worker). /readyz is "send me traffic": the database answers
and is migrated to the code's latest revision. Both are public and say nothing about data.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from flask import Flask

from tests.web.conftest import make_app
from workflow.persistence.db import PROJECT_ROOT


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _migrate(url: str, revision: str) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    command.upgrade(config, revision)


@pytest.fixture
def app_on() -> Iterator[Callable[[str], Flask]]:
    """``app_on(url)``: the real app on that database, disposed afterwards."""
    made: list[Flask] = []

    def build(url: str) -> Flask:
        made.append(make_app(url))
        return made[-1]

    yield build
    for app in made:
        app.extensions["store"].close()


def test_readyz_says_ready_once_the_database_is_migrated_to_head(
        app_on: Callable[[str], Flask], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    _migrate(url, "heads")

    response = app_on(url).test_client().get("/readyz")

    assert (response.status_code, response.json) == (200, {"status": "ready"})


@pytest.mark.parametrize("revision", [None, "0004"], ids=["never-migrated", "behind"])
def test_readyz_says_not_ready_when_the_schema_is_behind_the_code(
        app_on: Callable[[str], Flask], tmp_path: Path, revision: str | None) -> None:
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    if revision:
        _migrate(url, revision)

    response = app_on(url).test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json == {"status": "not ready",
                             "reason": "database schema is not at the latest migration"}


def test_with_the_database_gone_healthz_still_answers_and_readyz_says_so_quickly(
        app_on: Callable[[str], Flask]) -> None:
    url = f"postgresql+psycopg://frontdoor:secret-pw@127.0.0.1:{_closed_port()}/frontdoor"
    client = app_on(url).test_client()

    assert client.get("/healthz").status_code == 200
    started = time.monotonic()
    ready = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert (ready.status_code, ready.json["reason"]) == (503, "database unreachable")
    assert "secret-pw" not in ready.get_data(as_text=True)
    assert "127.0.0.1" not in ready.get_data(as_text=True)


def test_both_probes_are_public_and_never_sent_to_sign_in(app: Flask) -> None:
    client = app.test_client()

    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
