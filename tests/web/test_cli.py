"""The ``frontdoor`` command, run through click's CliRunner on a temporary SQLite file.

Each command either does its job and says so, or prints one plain sentence naming the
problem and exits non-zero (so cron jobs and scripts can rely on the exit code).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result
from freezegun import freeze_time
from sqlalchemy import inspect, select

from web.cli import main
from web.users import DEMO_USERS
from workflow.persistence.db import make_engine
from workflow.persistence.tables import ClockRow, ContactRow, UserRow
from workflow.roles import Role
from workflow.rules import DEFAULT_CONFIG
from workflow.stages import Stage

Run = Callable[..., Result]
#: A fixed instant for the demo (a Wednesday morning in London), so two runs can be compared.
DEMO_NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def _runner(url: str) -> Run:
    def run(*args: str) -> Result:
        return CliRunner().invoke(main, ["--database-url", url, *args])

    return run


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """``run("contacts", "list")``: the CLI on an empty database file in tmp_path."""
    return _runner(f"sqlite:///{tmp_path / 'cli.db'}")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database, upgraded and loaded with ``demo --contacts 20 --seed 3`` (read-only use)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    _load_demo(url, seed=3)
    return url


def _load_demo(url: str, seed: int) -> Result:
    run = _runner(url)
    assert run("db", "upgrade").exit_code == 0
    with freeze_time(DEMO_NOW):
        result = run("demo", "--contacts", "20", "--seed", str(seed))
    assert result.exit_code == 0, result.output
    return result


def _stages(url: str) -> list[tuple[int, str, str | None, str | None]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(select(
                ContactRow.id, ContactRow.stage, ContactRow.rag, ContactRow.worker
            ).order_by(ContactRow.id))]
    finally:
        engine.dispose()


# -- database and demo data ------------------------------------------------------------------

def test_db_upgrade_creates_the_schema_and_can_run_again(run: Run, tmp_path: Path) -> None:
    first = run("db", "upgrade")
    again = run("db", "upgrade")

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert "Database is at the latest schema." in first.output
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"contact", "contact_event", "clock", "person", "app_user", "user_session",
            "login_attempt", "access_log", "alembic_version"} <= tables


def test_demo_with_the_same_seed_makes_the_same_contacts_in_the_same_stages(
        demo_db: str, tmp_path: Path) -> None:
    again = f"sqlite:///{tmp_path / 'again.db'}"
    result = _load_demo(again, seed=3)

    assert "Loaded 20 synthetic contacts (seed 3)." in result.output
    first, second = _stages(demo_db), _stages(again)
    assert len(first) == 20
    assert first == second
    assert len({stage for _, stage, _, _ in first}) > 2  # a spread of stages, not one


def test_demo_if_empty_adds_nothing_to_a_database_that_has_contacts(demo_db: str,
                                                                   tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with closing(sqlite3.connect(demo_db.removeprefix("sqlite:///"))) as source, \
            closing(sqlite3.connect(copy)) as target:
        source.backup(target)  # includes what is still in the WAL file
    url = f"sqlite:///{copy}"

    result = _runner(url)("demo", "--contacts", "5", "--if-empty")

    assert result.exit_code == 0
    assert "already has 20 contacts; no demo data added" in result.output
    assert len(_stages(url)) == 20


# -- reading contacts --------------------------------------------------------------------------

def test_contacts_list_prints_references_soonest_due_first_and_filters_by_stage(
        demo_db: str) -> None:
    run = _runner(demo_db)

    listed = run("contacts", "list", "--limit", "5")
    screening = run("contacts", "list", "--stage", "screening")

    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].split()[:3] == ["REF", "STAGE", "RAG"]
    assert 1 <= len(lines) - 1 <= 5 and all(line.startswith("FD") for line in lines[1:])
    dues = [line[47:63] for line in lines[1:] if line[47:63].strip() != "-"]
    assert dues == sorted(dues)
    rows = screening.output.splitlines()[1:]
    assert all(row.split()[1] == "screening" for row in rows)
    assert len(rows) == sum(1 for _, s, _, _ in _stages(demo_db) if s == "screening")


def test_contacts_show_prints_the_clocks_and_the_timeline(demo_db: str) -> None:
    result = _runner(demo_db)("contacts", "show", "1")

    assert result.exit_code == 0
    out = result.output
    assert out.startswith("FD0000001  stage=")
    assert "Clocks:" in out and "contact_decision" in out
    timeline = out[out.index("Timeline:"):]
    assert "receive" in timeline and "-> received  by demo.worker (front_door_worker)" in timeline


def test_contacts_show_for_a_missing_contact_says_so_and_exits_1(demo_db: str) -> None:
    result = _runner(demo_db)("contacts", "show", "9999")

    assert result.exit_code == 1
    assert "Error: There is no contact FD0009999." in result.output


def test_breaches_lists_every_open_clock_past_due(demo_db: str) -> None:
    now = datetime.now(UTC)
    engine = make_engine(demo_db)
    with engine.connect() as conn:
        expected = len(conn.execute(select(ClockRow.id).where(
            ClockRow.stopped_at.is_(None), ClockRow.due_at < now)).all())
    engine.dispose()

    result = _runner(demo_db)("breaches")

    assert result.exit_code == 0
    noun = "clock" if expected == 1 else "clocks"
    assert result.output.splitlines()[-1] == f"{expected} breached {noun}."
    assert len(result.output.splitlines()) == expected + 1


# -- rules and definitions ---------------------------------------------------------------------

def test_timescale_counts_45_working_days_over_easter_and_the_may_bank_holidays(
        run: Run) -> None:
    result = run("timescale", "assessment", "2026-04-02")

    assert result.exit_code == 0
    assert "due Wed 10 Jun 2026" in result.output
    assert "Counting:" in result.output and "Source:" in result.output


def test_an_unknown_timescale_rule_exits_1_and_lists_the_known_ones(run: Run) -> None:
    result = run("timescale", "nonsense", "2026-04-02")

    assert result.exit_code == 1
    assert "Error: There is no timescale rule 'nonsense'. Known:" in result.output
    assert "assessment" in result.output


def test_diagram_writes_mermaid_with_every_stage(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "workflow.mmd"

    result = run("diagram", "--output", str(target), "--current", "screening")

    assert result.exit_code == 0 and f"Wrote {target}" in result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("stateDiagram-v2")
    for stage in Stage:
        assert stage.value in text, stage
    assert "class screening current" in text


def test_check_spec_finds_the_process_definition_sound(run: Run) -> None:
    result = run("check-spec")

    assert result.exit_code == 0
    assert "The process definition is sound." in result.output


def test_thresholds_show_prints_the_catalogue_in_force(run: Run) -> None:
    result = run("thresholds", "show")

    assert result.exit_code == 0
    assert "worcs-default" in result.output or "Levels of need" in result.output
    assert "Universal" in result.output and "Specialist / acute" in result.output


def test_thresholds_check_passes_the_shipped_catalogues(run: Run) -> None:
    for path in sorted((DEFAULT_CONFIG / "levels_of_need").glob("*.toml")):
        result = run("thresholds", "check", str(path))
        assert result.exit_code == 0, result.output
        assert "no problems found" in result.output


def test_thresholds_check_names_the_problem_in_a_bad_catalogue(run: Run, tmp_path: Path) -> None:
    shipped = (DEFAULT_CONFIG / "levels_of_need" / "worcestershire_2024.toml").read_text()
    bad = tmp_path / "draft.toml"
    bad.write_text(shipped.replace('outcomes = ["no_further_action", "advice_signposting"]',
                                   'outcomes = ["no_further_action", "tea_and_biscuits"]'))

    result = run("thresholds", "check", str(bad))

    assert result.exit_code != 0
    assert "problem:" in result.output and "tea_and_biscuits" in result.output
    assert str(bad) in result.output


def test_thresholds_check_of_a_missing_file_fails_and_says_why(run: Run, tmp_path: Path) -> None:
    result = run("thresholds", "check", str(tmp_path / "nope.toml"))

    assert result.exit_code != 0
    assert "cannot be read" in result.output


# -- users ------------------------------------------------------------------------------------

def test_users_demo_prints_a_password_for_every_role(run: Run, tmp_path: Path) -> None:
    assert run("db", "upgrade").exit_code == 0

    result = run("users", "demo")

    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if "password:" in line]
    assert [line.split()[0] for line in lines] == [u[0] for u in DEMO_USERS]
    passwords = {line.split()[0]: line.rsplit("password: ", 1)[1] for line in lines}
    assert all(len(p) >= 8 for p in passwords.values())
    assert len(set(passwords.values())) == len(passwords)  # not one shared password
    for username, _display, role, _team, _agency in DEMO_USERS:
        assert role.label in next(line for line in lines if line.split()[0] == username)
    assert {u[2] for u in DEMO_USERS} == set(Role)  # a role without one cannot be tried
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.connect() as conn:
        stored = conn.execute(select(UserRow.password_hash).where(
            UserRow.username == "demo.worker")).scalar_one()
    engine.dispose()
    assert PasswordHasher().verify(stored, passwords["demo.worker"])


def test_users_revoke_of_an_unknown_user_exits_1(run: Run) -> None:
    assert run("db", "upgrade").exit_code == 0

    result = run("users", "revoke", "nobody")

    assert result.exit_code == 1
    assert "Error: There is no user 'nobody'." in result.output
