"""Two workers deciding the same contact at the same moment: exactly one decision counts.

Optimistic locking: each worker read the contact at version v; whoever writes first
wins, the other is told someone else changed it (StaleVersion) and nothing of theirs is
written. On SQLite the second writer queues on ``BEGIN IMMEDIATE`` and the busy timeout
instead of failing with "database is locked"; on PostgreSQL the conditional UPDATE
(``WHERE version = v``) lets only one through even when both read inside their
transactions before either wrote.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.builders import (
    FRONT_DOOR_WORKER,
    MASH_CHAIR,
    OnService,
    fire,
    payload,
    record_one,
    walk_to,
)
from workflow.contact import Contact
from workflow.errors import StaleVersion
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.roles import Actor
from workflow.rules import Rules
from workflow.stages import Stage

Fetch = Callable[[Any], list[Any]]
RECEIVED = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
NOW = RECEIVED + timedelta(hours=1)
TIMEOUT = 20


def _at_decision(uow_factory: Callable[[], Any], rules: Rules) -> OnService:
    driver = record_one(uow_factory, rules, RECEIVED, NOW)
    walk_to(driver, Stage.THRESHOLD_DECISION)
    return driver


def _race(*attempts: Callable[[], dict[str, Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run the attempts on their own threads; collect what each returned or raised."""
    won: list[Any] = []
    lost: list[BaseException] = []

    def run(attempt: Callable[[], dict[str, Any]]) -> None:
        try:
            won.append(attempt())
        except BaseException as error:  # collected and asserted on by the test
            lost.append(error)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a worker never finished"
    return won, lost


def _assert_one_decision(fetch: Fetch, contact_id: int, version: int,
                         won: list[Any], lost: list[BaseException]) -> None:
    assert len(won) == 1, f"expected one winner, got {won} and errors {lost!r}"
    assert [type(e) for e in lost] == [StaleVersion], lost
    assert lost[0].expected == version  # type: ignore[attr-defined]
    [row] = fetch(select(ContactRow).where(ContactRow.id == contact_id))
    events = fetch(select(EventRow).where(EventRow.contact_id == contact_id)
                   .order_by(EventRow.seq))
    assert [e.trigger for e in events].count("decide") == 1
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert row.version == version + 1 and row.stage == events[-1].to_stage
    assert row.stage == won[0]["stage"]
    feedback = fetch(select(ClockRow).where(ClockRow.contact_id == contact_id,
                                            ClockRow.rule == "referrer_feedback"))
    assert len(feedback) == 1


def test_two_workers_submitting_a_decision_at_once_only_one_is_recorded(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    driver = _at_decision(uow_factory, rules)
    both_have_read = threading.Barrier(2, timeout=TIMEOUT)

    def decide(who: Actor, variant: str) -> Callable[[], dict[str, Any]]:
        def attempt() -> dict[str, Any]:
            with uow_factory() as uow:  # the worker opens the contact…
                read_version = uow.contacts.get(driver.contact_id).version
            both_have_read.wait()  # …and both press "Save" together
            return fire(uow_factory(), rules, driver.contact_id, "decide", who,
                        payload("decide", NOW, variant), read_version, NOW)
        return attempt

    won, lost = _race(decide(FRONT_DOOR_WORKER, "referral"),
                      decide(MASH_CHAIR, "no_further_action"))

    _assert_one_decision(fetch, driver.contact_id, driver.version, won, lost)


class _ReadThenWait(SqlUnitOfWork):
    """A unit of work that, once it has loaded the contact, waits for the other worker."""

    def __init__(self, factory: Any, barrier: threading.Barrier) -> None:
        super().__init__(factory)
        self.barrier = barrier

    def __enter__(self) -> _ReadThenWait:
        super().__enter__()
        load = self.contacts.get

        def get_then_wait(contact_id: int) -> Contact:
            contact = load(contact_id)
            self.barrier.wait()
            return contact

        self.contacts.get = get_then_wait  # type: ignore[method-assign]
        return self


def test_two_transactions_that_both_read_before_either_writes_record_one_decision(
        database_url: str, uow_factory: Callable[[], Any], rules: Rules,
        fetch: Fetch) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite takes the write lock at BEGIN IMMEDIATE, so two writing "
                    "transactions can never both have read; the test above covers it")
    driver = _at_decision(uow_factory, rules)
    both_have_read = threading.Barrier(2, timeout=TIMEOUT)
    sessions = uow_factory().session_factory

    def decide(who: Actor, variant: str) -> Callable[[], dict[str, Any]]:
        return lambda: fire(_ReadThenWait(sessions, both_have_read), rules, driver.contact_id,
                            "decide", who, payload("decide", NOW, variant), driver.version,
                            NOW)

    won, lost = _race(decide(FRONT_DOOR_WORKER, "referral"),
                      decide(MASH_CHAIR, "early_help"))

    _assert_one_decision(fetch, driver.contact_id, driver.version, won, lost)
