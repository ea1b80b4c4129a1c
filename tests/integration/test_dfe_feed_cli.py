"""``frontdoor feed send`` and ``frontdoor feed log`` on a database and a stand-in DfE on
this machine: the settings come from the environment, a dry run sends and logs nothing, a
send says what it did and the log shows it without personal data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from sqlalchemy import Engine

from tests.integration.dfe_standin import StandIn, only_loopback, standin
from tests.integration.returns_dataset import Made, build
from web.cli import main
from workflow.ports import UnitOfWork
from workflow.rules import Rules

__all__ = ["only_loopback", "standin"]  # fixtures, used by name
pytestmark = pytest.mark.usefixtures("only_loopback")
NOW = "2026-03-04 10:00:00"


@pytest.fixture
def made(uow_factory: Callable[[], UnitOfWork], rules: Rules) -> Made:
    return build(uow_factory, rules)


def run(database_url: str, *args: str, env: dict[str, str] | None = None) -> Result:
    with freeze_time(NOW):
        return CliRunner().invoke(main, ["--database-url", database_url, "feed", *args],
                                  env=env)


def test_a_dry_run_needs_no_credentials_and_sends_and_logs_nothing(
        database_url: str, engine: Engine, made: Made, standin: StandIn) -> None:
    result = run(database_url, "send", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Full feed as at 2026-03-04 10:00 UTC (window from 01/04/2023): 3 records" in \
        result.output
    assert "Dry run: nothing sent, nothing logged." in result.output
    assert standin.script.seen == []
    assert "No feed has been sent yet." in run(database_url, "log").output


def test_send_without_settings_names_the_missing_variable(
        database_url: str, engine: Engine, made: Made, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    monkeypatch.delenv("FRONTDOOR_DFE_API_URL", raising=False)

    result = run(database_url, "send")

    assert result.exit_code == 1
    assert "FRONTDOOR_DFE_API_URL is not set" in result.output


def test_send_then_log_shows_each_post_without_personal_data(
        database_url: str, engine: Engine, made: Made, standin: StandIn) -> None:
    standin.script.statuses = [429]

    sent = run(database_url, "send", "--full", env=standin.environ())
    logged = run(database_url, "log")

    assert sent.exit_code == 0, sent.output
    assert ": sent (1 batch(es) accepted, 0 failed)." in sent.output
    [post] = [line for line in logged.output.splitlines() if "batch 1" in line]
    assert "sent" in post and "HTTP 200" in post and "2 try(ies)" in post
    assert standin.script.submissions()[0].headers["Idempotency-Key"] in post
    for personal in ("Alex", "Example", "2015-06-15", "R885201500001"):
        assert personal not in logged.output and personal not in sent.output


def test_a_wrong_secret_fails_the_command_with_one_clear_line(
        database_url: str, engine: Engine, made: Made, standin: StandIn) -> None:
    result = run(database_url, "send", env=standin.environ(secret="not-the-secret"))

    assert result.exit_code == 1
    assert "refused our credentials" in result.output
    assert "not-the-secret" not in result.output
    assert "failed" in run(database_url, "log").output
