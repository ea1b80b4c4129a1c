"""Deployment settings: read from FRONTDOOR_* variables, refused at start-up when wrong.

An operator who gets a setting wrong hears about it before the first request, in one
sentence naming the variable. In production the secret key and the database come from the
environment; on a laptop the key file is made once, whoever starts first.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from web.app import create_app
from web.settings import ONE_YEAR, SettingsError, instance_secret_key, load_settings

KEY = "k" * 40
PRODUCTION = {"FRONTDOOR_ENV": "production", "FRONTDOOR_SECRET_KEY": KEY,
              "FRONTDOOR_DATABASE_URL": "postgresql+psycopg://frontdoor:pw@db:5432/frontdoor"}


def refusal(environ: dict[str, str], tmp_path: Path) -> str:
    """The message start-up refuses ``environ`` with (fails the test if it is accepted)."""
    with pytest.raises(SettingsError) as refused:
        load_settings(environ, tmp_path)
    return str(refused.value)


def test_production_defaults_trust_one_proxy_send_hsts_and_log_json(tmp_path: Path) -> None:
    settings = load_settings(PRODUCTION, tmp_path)

    assert (settings.proxy_count, settings.hsts_seconds, settings.log_format) == \
        (1, ONE_YEAR, "json")
    assert not (tmp_path / "secret_key").exists()


def test_the_laptop_defaults_trust_no_proxy_and_keep_a_key_in_the_instance_folder(
        tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path)

    assert (settings.env, settings.proxy_count, settings.hsts_seconds, settings.log_format) \
        == ("development", 0, 0, "text")
    assert settings.database_url is None  # settings.toml's SQLite file
    assert settings.secret_key == (tmp_path / "secret_key").read_text().strip()
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("missing", "named"), [
    ("FRONTDOOR_SECRET_KEY", "FRONTDOOR_SECRET_KEY is not set"),
    ("FRONTDOOR_DATABASE_URL", "FRONTDOOR_DATABASE_URL is not set"),
])
def test_production_refuses_to_start_without_a_key_or_a_database(
        missing: str, named: str, tmp_path: Path) -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != missing}

    assert named in refusal(environ, tmp_path)
    assert not (tmp_path / "secret_key").exists(), "production must never generate a key"


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("FRONTDOOR_ENV", "prod", "FRONTDOOR_ENV is 'prod': use one of development, production"),
    ("FRONTDOOR_SECRET_KEY", "short", "FRONTDOOR_SECRET_KEY has 5 characters"),
    ("FRONTDOOR_PROXY_COUNT", "two", "FRONTDOOR_PROXY_COUNT is 'two': use a whole number"),
    ("FRONTDOOR_PROXY_COUNT", "9", "FRONTDOOR_PROXY_COUNT is '9'"),
    ("FRONTDOOR_HSTS_SECONDS", "-1", "FRONTDOOR_HSTS_SECONDS is '-1'"),
    ("FRONTDOOR_LOG_FORMAT", "xml", "FRONTDOOR_LOG_FORMAT is 'xml'"),
    ("FRONTDOOR_LOG_LEVEL", "loud", "FRONTDOOR_LOG_LEVEL is 'loud'"),
    ("FRONTDOOR_DATABASE_URL", "mysql://x@y/z", "FRONTDOOR_DATABASE_URL must start with"),
    ("FRONTDOOR_BASE_URL", "http://frontdoor.example", "FRONTDOOR_BASE_URL is "
                                                       "'http://frontdoor.example'"),
    ("FRONTDOOR_BASE_URL", "https://frontdoor.example/app", "no path"),
    ("FRONTDOOR_INSECURE_COOKIES", "1", "FRONTDOOR_INSECURE_COOKIES=1 is refused in "
                                        "production"),
])
def test_a_malformed_production_setting_is_refused_by_name(
        variable: str, value: str, said: str, tmp_path: Path) -> None:
    assert said in refusal(PRODUCTION | {variable: value}, tmp_path)


def test_the_older_database_url_variable_still_works_and_the_new_one_wins(
        tmp_path: Path) -> None:
    old = {"DATABASE_URL": "sqlite:////tmp/old.db"}

    assert load_settings(old, tmp_path).database_url == "sqlite:////tmp/old.db"
    both = old | {"FRONTDOOR_DATABASE_URL": "sqlite:////tmp/new.db"}
    assert load_settings(both, tmp_path).database_url == "sqlite:////tmp/new.db"


def test_what_an_operator_is_shown_holds_neither_the_key_nor_the_password(
        tmp_path: Path) -> None:
    shown = str(load_settings(PRODUCTION, tmp_path).describe())

    assert KEY not in shown and ":pw@" not in shown
    assert "postgresql+psycopg://frontdoor:***@db:5432/frontdoor" in shown


def test_the_app_itself_refuses_to_start_in_production_without_a_key(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDOOR_ENV", "production")
    monkeypatch.delenv("FRONTDOOR_SECRET_KEY")
    monkeypatch.setenv("FRONTDOOR_DATABASE_URL", "sqlite:////tmp/never-opened.db")

    with pytest.raises(SettingsError, match="FRONTDOOR_SECRET_KEY is not set"):
        create_app()


def test_an_empty_key_file_is_reported_not_used(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")

    assert "holds no usable key" in refusal({}, tmp_path)


# -- several processes starting at once -------------------------------------------------------

def _start_and_read_key(folder: str, barrier: Any, keys: Any) -> None:
    barrier.wait()  # every process reaches the key at the same moment
    keys.put(instance_secret_key(Path(folder)))


def _start_together(folder: Path, processes: int) -> list[str]:
    context = multiprocessing.get_context("fork")
    barrier, keys = context.Barrier(processes), context.Queue()
    started = [context.Process(target=_start_and_read_key, args=(str(folder), barrier, keys))
               for _ in range(processes)]
    for process in started:
        process.start()
    found = [keys.get(timeout=30) for _ in started]
    for process in started:
        process.join(timeout=30)
        assert process.exitcode == 0
    return found


def test_workers_started_together_on_a_laptop_all_sign_with_the_same_key(
        tmp_path: Path) -> None:
    """Eight processes released by one barrier, twenty times over, each in an empty folder:
    every process of a round must read the same key, and it must be the one on disk."""
    for round_number in range(20):
        folder = tmp_path / f"round-{round_number}"

        keys = _start_together(folder, processes=8)

        assert len(set(keys)) == 1, f"round {round_number}: {len(set(keys))} different keys"
        assert keys[0] == (folder / "secret_key").read_text()
        assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no temporary left
