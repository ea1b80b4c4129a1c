"""``frontdoor directory import``: a council's first day from two CSV files, and the lists
allocation then offers; a bad file writes nothing; importing again keeps passwords."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from argon2.exceptions import InvalidHashError
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from web.auth import hash_password
from web.cli import main
from workflow.persistence.db import make_engine
from workflow.persistence.store import Store
from workflow.persistence.tables import UserRow
from workflow.persistence.tables_people import TeamMemberRow, TeamRow
from workflow.roles import Role

Run = Callable[..., Result]
TEAMS = """code,name,kind,capacity
front-door,Front Door,front_door,
assessment-north,Assessment North,assessment,25
"""
USERS = """username,display_name,role,teams,manages,agency,swe_number
fd.one,Fay One,front_door_worker,front-door,,,
sw.north,Sid North,social_worker,assessment-north,,,SW123456
tm.north,Tia North,team_manager,assessment-north,assessment-north,,SW7654321
pc.smith,PC Smith,partner,,,police,
"""


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    assert CliRunner().invoke(main, ["--database-url", url, "db", "upgrade"]).exit_code == 0
    return url


def _run(url: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--database-url", url, *args], input=stdin)


def _files(tmp_path: Path, teams: str, users: str) -> list[str]:
    (tmp_path / "teams.csv").write_text(teams, encoding="utf-8")
    (tmp_path / "users.csv").write_text(users, encoding="utf-8")
    return ["--teams", str(tmp_path / "teams.csv"), "--users", str(tmp_path / "users.csv")]


def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = tuple(int(conn.scalar(select(func.count()).select_from(t)) or 0)
                      for t in (TeamRow, UserRow, TeamMemberRow))
    engine.dispose()
    return found  # type: ignore[return-value]


def test_importing_two_files_makes_the_teams_people_and_memberships(
        database: str, tmp_path: Path) -> None:
    result = _run(database, "directory", "import", *_files(tmp_path, TEAMS, USERS))

    assert result.exit_code == 0, result.output
    assert "imported 2 teams and 4 users, 4 of them new." in result.output
    assert "cannot sign in until they have a password" in result.output
    store = Store(database)
    try:
        north = store.accounts.team("assessment-north")
        assert north is not None and north.capacity == 25
        assert set(north.members) == {"sw.north", "tm.north"}
        social_worker = store.accounts.account("sw.north")
        assert social_worker is not None
        assert (social_worker.role, social_worker.team, social_worker.swe_number) == (
            Role.SOCIAL_WORKER, "assessment-north", "SW123456")
    finally:
        store.close()


def test_an_imported_user_cannot_sign_in_until_a_password_is_set(
        database: str, tmp_path: Path) -> None:
    from web.auth import hasher

    _run(database, "directory", "import", *_files(tmp_path, TEAMS, USERS))
    store = Store(database)
    try:
        before = store.accounts.account("fd.one")
        assert before is not None
        with pytest.raises(InvalidHashError):  # no password matches the marker
            hasher.verify(before.password_hash, "")
        set_it = _run(database, "users", "password", "fd.one", "--password-stdin",
                      stdin="a-long-synthetic-passphrase\n")
        assert set_it.exit_code == 0, set_it.output
        after = store.accounts.account("fd.one")
        assert after is not None and hasher.verify(after.password_hash,
                                                   "a-long-synthetic-passphrase")
    finally:
        store.close()


def test_a_file_with_problems_lists_them_all_and_writes_nothing(
        database: str, tmp_path: Path) -> None:
    users = USERS + "sw.two,Sam Two,social_worker,nowhere,,,\n"

    result = _run(database, "directory", "import", *_files(tmp_path, TEAMS, users))

    assert result.exit_code == 1
    assert "problem: users:6 teams: No team nowhere" in result.output
    assert "problem: users:6 swe_number: A social worker needs" in result.output
    assert "2 problems; nothing imported." in result.output
    assert _counts(database) == (0, 0, 0)


def test_importing_again_changes_nothing_and_keeps_a_password_already_set(
        database: str, tmp_path: Path) -> None:
    files = _files(tmp_path, TEAMS, USERS)
    _run(database, "directory", "import", *files)
    store = Store(database)
    try:
        account = store.accounts.account("sw.north")
        assert account is not None
        store.accounts.save_account(account.username, account.display_name, account.role,
                                    account.team, account.agency,
                                    hash_password("kept-synthetic-passphrase"),
                                    account.swe_number)
        counts = _counts(database)

        again = _run(database, "directory", "import", *files)

        assert again.exit_code == 0, again.output
        assert "0 of them new" in again.output
        assert _counts(database) == counts
        kept = store.accounts.account("sw.north")
        assert kept is not None
        from web.auth import hasher
        assert hasher.verify(kept.password_hash, "kept-synthetic-passphrase")
    finally:
        store.close()


def test_a_dry_run_checks_and_counts_but_writes_nothing(database: str, tmp_path: Path) -> None:
    result = _run(database, "directory", "import", "--dry-run",
                  *_files(tmp_path, TEAMS, USERS))

    assert result.exit_code == 0, result.output
    assert "would import 2 teams and 4 users, 4 of them new." in result.output
    assert _counts(database) == (0, 0, 0)


def test_a_file_that_is_not_utf8_is_refused_in_words(database: str, tmp_path: Path) -> None:
    (tmp_path / "teams.csv").write_bytes("code,name,kind,capacity\nx,Caf\xe9,mash,\n"
                                         .encode("latin-1"))

    result = _run(database, "directory", "import", "--teams", str(tmp_path / "teams.csv"))

    assert result.exit_code == 1
    assert "save the file as CSV UTF-8" in result.output
    assert "Traceback" not in result.output
