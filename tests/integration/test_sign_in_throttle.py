"""Sign-in throttles under concurrency, and the append-only audit, on SQLite and PostgreSQL.

The old check read a count, checked a password, then wrote a failure: thirty guesses at
once got eight checked against a limit of five. Counting is now one atomic upsert before
any password is checked, so thirty threads get thirty distinct numbers and exactly five
are allowed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from web.auth import throttle
from workflow.accounts import AdminChange
from workflow.persistence.accounts import SqlAccounts
from workflow.roles import Role

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)
GUESSES = 30


@pytest.fixture
def accounts(engine: Engine) -> SqlAccounts:
    return SqlAccounts(sessionmaker(bind=engine, expire_on_commit=False))


def _all_at_once(work: Callable[[], object], count: int) -> list[object]:
    """Run ``work`` in ``count`` threads released together; every result (or error)."""
    start = threading.Barrier(count, timeout=30)
    results: list[object] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        try:
            outcome: object = work()
        except Exception as error:  # noqa: BLE001 - reported below
            outcome = error
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_thirty_concurrent_attempts_get_thirty_distinct_numbers(accounts: SqlAccounts) -> None:
    numbers = _all_at_once(lambda: accounts.count_attempt("account:sam", NOW, NOW - WINDOW),
                           GUESSES)

    assert sorted(numbers) == list(range(1, GUESSES + 1))  # type: ignore[type-var]


def test_of_thirty_concurrent_guesses_exactly_five_may_be_checked(
        accounts: SqlAccounts) -> None:
    limits = throttle.Limits(account=5, device=10, network=1000, window=WINDOW)

    outcomes = _all_at_once(lambda: throttle.reserve(
        accounts, limits, NOW, "network:one", "account:sam", None), GUESSES)

    allowed = [o for o in outcomes if isinstance(o, throttle.Attempt) and o.refused is None]
    refused = [o for o in outcomes if isinstance(o, throttle.Attempt) and o.refused]
    assert (len(allowed), len(refused)) == (5, GUESSES - 5)
    assert {o.refused for o in refused} == {"account"}


def test_a_window_that_has_run_out_starts_again_at_one(accounts: SqlAccounts) -> None:
    for _ in range(6):
        accounts.count_attempt("account:sam", NOW, NOW - WINDOW)
    later = NOW + WINDOW + timedelta(seconds=1)

    assert accounts.count_attempt("account:sam", later, later - WINDOW) == 1
    [row] = accounts.throttles(["account:sam"])
    assert (row.window_start, row.attempts) == (later, 1)


def test_a_known_device_has_room_when_strangers_filled_the_account(
        accounts: SqlAccounts) -> None:
    limits = throttle.Limits(account=5, device=10, network=1000, window=WINDOW)
    for _ in range(20):
        throttle.reserve(accounts, limits, NOW, "network:stranger", "account:sam", None)

    stranger = throttle.reserve(accounts, limits, NOW, "network:stranger", "account:sam", None)
    owner = throttle.reserve(accounts, limits, NOW, "network:office", "account:sam",
                             throttle.device_key("sams-laptop"))

    assert stranger.refused == "account" and owner.refused is None


def test_a_success_gives_its_network_attempt_back_and_clears_the_account(
        accounts: SqlAccounts) -> None:
    limits = throttle.Limits(account=5, device=10, network=3, window=WINDOW)
    attempt = throttle.reserve(accounts, limits, NOW, "network:office", "account:sam", None)
    throttle.succeeded(accounts, attempt)

    assert [(t.key, t.attempts) for t in accounts.throttles(
        ["network:office", "account:sam"])] == [("network:office", 0)]


def test_a_totp_step_and_a_recovery_code_are_each_taken_once_under_concurrency(
        accounts: SqlAccounts) -> None:
    user = accounts.save_account("sam", "Sam", Role.FRONT_DOOR_WORKER, None, None, "!none")
    accounts.set_totp(user.id, "sealed", ["hash-1"])
    [(code_id, _hash)] = accounts.recovery_codes(user.id)

    steps = _all_at_once(lambda: accounts.take_totp_step(user.id, 1000), 8)
    codes = _all_at_once(lambda: accounts.use_recovery_code(code_id, NOW), 8)

    assert steps.count(True) == 1 and codes.count(True) == 1
    assert accounts.take_totp_step(user.id, 999) is False  # an older code: never again
    assert accounts.recovery_codes(user.id) == []


def test_the_administrators_audit_refuses_to_be_changed_or_deleted(engine: Engine) -> None:
    """One transaction, rolled back: the row written here never outlives the test."""
    with engine.connect() as conn:
        transaction = conn.begin()
        SqlAccounts(sessionmaker(bind=conn)).record_admin_change(
            AdminChange(NOW, "admin", "disabled", "sam"))
        for statement in ("UPDATE admin_audit SET actor = 'someone else'",
                          "DELETE FROM admin_audit"):
            savepoint = conn.begin_nested()
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text(statement))
            savepoint.rollback()
        assert conn.execute(text("SELECT actor FROM admin_audit")).scalars().all() == [
            "admin"]
        transaction.rollback()
