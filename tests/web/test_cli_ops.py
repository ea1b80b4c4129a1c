"""``frontdoor users add`` (the first administrator) and ``frontdoor settings``.

A new deployment has no users and no sign-up page: the first administrator is made from the
command line, with a password that never appears in the command itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from web.auth import hasher
from web.cli import main
from workflow.persistence.db import make_engine
from workflow.persistence.tables import UserRow

PASSWORD = "a-long-synthetic-passphrase"


@pytest.fixture
def url(tmp_path: Path) -> str:
    database = f"sqlite:///{tmp_path / 'ops.db'}"
    assert CliRunner().invoke(main, ["--database-url", database, "db", "upgrade"]).exit_code == 0
    return database


def add(url: str, *args: str, password: str = PASSWORD) -> Result:
    return CliRunner().invoke(main, ["--database-url", url, "users", "add", *args,
                                     "--password-stdin"], input=password + "\n")


def _user(url: str, username: str) -> UserRow | None:
    engine = make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(select(UserRow).where(UserRow.username == username)).first()
    engine.dispose()
    return row  # type: ignore[return-value]


def test_the_first_administrator_is_created_with_a_password_that_signs_in(url: str) -> None:
    result = add(url, "it.admin", "--name", "Ira Admin")

    assert result.exit_code == 0, result.output
    user = _user(url, "it.admin")
    assert user is not None and user.role == "administrator" and user.display_name == "Ira Admin"
    assert hasher.verify(user.password_hash, PASSWORD)
    assert PASSWORD not in result.output


def test_a_username_already_taken_is_refused_and_its_password_kept(url: str) -> None:
    assert add(url, "it.admin", "--name", "Ira Admin").exit_code == 0

    again = add(url, "it.admin", "--name", "Someone Else", password="another-long-password")

    assert again.exit_code == 1 and "already a user 'it.admin'" in again.output
    user = _user(url, "it.admin")
    assert user is not None and hasher.verify(user.password_hash, PASSWORD)


def test_a_short_password_and_a_partner_without_an_agency_are_refused(url: str) -> None:
    short = add(url, "it.admin", "--name", "Ira Admin", password="short")
    partner = add(url, "pc.partner", "--name", "Pat", "--role", "partner")

    assert short.exit_code == 1 and "at least 12 characters" in short.output
    assert partner.exit_code == 1 and "bound to one agency" in partner.output
    assert _user(url, "it.admin") is None and _user(url, "pc.partner") is None


def test_settings_names_the_bad_variable_and_shows_no_secret(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDOOR_ENV", "production")
    monkeypatch.setenv("FRONTDOOR_DATABASE_URL", "postgresql+psycopg://fd:hunter2hunter2@db/fd")
    monkeypatch.setenv("FRONTDOOR_PROXY_COUNT", "lots")

    refused = CliRunner().invoke(main, ["settings"])
    monkeypatch.delenv("FRONTDOOR_PROXY_COUNT")
    shown = CliRunner().invoke(main, ["settings"])

    assert refused.exit_code == 1 and "FRONTDOOR_PROXY_COUNT is 'lots'" in refused.output
    assert shown.exit_code == 0
    described = json.loads(shown.output)
    assert described["proxy_count"] == 1 and described["secret_key"] == "set"
    assert "hunter2" not in shown.output


def test_a_common_password_or_one_holding_the_username_is_refused(url: str) -> None:
    common = add(url, "it.admin", "--name", "Ira Admin", password="Password12345!")
    own_name = add(url, "it.admin", "--name", "Ira Admin", password="it.admin-long-enough")

    assert common.exit_code == 1 and "too common" in common.output
    assert own_name.exit_code == 1 and "username" in own_name.output
    assert _user(url, "it.admin") is None
