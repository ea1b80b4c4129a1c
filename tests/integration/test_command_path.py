"""What the one command path promises, on SQLite and PostgreSQL.

Nobody can say a decision is or is not an override (the command path stamps it); a
contact about a child whose case is open is one receipt at version 1, already passed to
the worker; a clock the contact leaves without needing what it times closes as not
applicable, and the dashboard never counts it as a breach.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from reporting.dashboard import Scope, historic_breaches
from tests.builders import (
    FRONT_DOOR_WORKER,
    REASON,
    TEAM_MANAGER,
    payload,
    record_contact,
    record_one,
    walk_to,
)
from tests.integration.stored import stored
from workflow.errors import InvalidInput
from workflow.intake.commands import NewContact
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.stages import Stage

Fetch = Callable[[Any], list[Any]]
UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # Wednesday, GMT


@pytest.mark.parametrize("forged", [{"is_override": True},
                                    {"is_override": True, "recommended_level": 3}],
                         ids=["is_override", "with_recommended_level"])
def test_a_decision_that_says_it_is_an_override_is_refused_and_nothing_changes(
        uow_factory: UowFactory, rules: Rules, engine: Engine,
        forged: dict[str, Any]) -> None:
    driver = record_one(uow_factory, rules, NOW - timedelta(hours=1), NOW)
    walk_to(driver, Stage.THRESHOLD_DECISION)
    before = stored(engine, driver.contact_id)

    with pytest.raises(InvalidInput) as refused:
        driver.fire("decide", FRONT_DOOR_WORKER,
                    payload("decide", NOW, "no_further_action", **forged))

    assert set(refused.value.errors) == set(forged)
    assert "not one this action takes" in refused.value.errors["is_override"]
    assert stored(engine, driver.contact_id) == before
    assert before["threshold_decision"] == []


def test_a_contact_for_a_child_with_an_open_case_is_one_receipt_at_version_1(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    earlier = record_one(uow_factory, rules, NOW - timedelta(days=20), NOW - timedelta(days=20))
    walk_to(earlier, Stage.ASSESSMENT)
    earlier.fire("allocate", TEAM_MANAGER, payload("allocate", NOW))
    [child_id] = fetch(select(ContactRow.child_id).where(ContactRow.id == earlier.contact_id))
    received = NOW - timedelta(minutes=10)

    [made] = record_contact(uow_factory(), rules,
                            NewContact(received, "2A", [child_id], concerns="Synthetic"),
                            FRONT_DOOR_WORKER, NOW)

    assert (made["stage"], made["version"]) == ("passed_to_allocated_worker", 1)
    [row] = fetch(select(ContactRow).where(ContactRow.id == made["id"]))
    assert (row.version, row.event_seq, row.open_case_contact_id) == (1, 1, earlier.contact_id)
    [event] = fetch(select(EventRow).where(EventRow.contact_id == made["id"]))
    assert (event.seq, event.trigger, event.from_stage, event.to_stage, event.at) == (
        1, "receive", None, "passed_to_allocated_worker", NOW)
    clocks = fetch(select(ClockRow).where(ClockRow.contact_id == made["id"],
                                          ClockRow.rule == "contact_decision"))
    assert [(c.started_at, c.stopped_at, c.stop_event, c.result) for c in clocks] == [
        (received, NOW, "decision_made", "met")]


def test_a_contact_decided_straight_from_screening_leaves_its_mash_clock_not_applicable(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch, engine: Engine) -> None:
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday
    driver = record_one(uow_factory, rules, received, received)
    walk_to(driver, Stage.SCREENING)
    driver.fire("rate", FRONT_DOOR_WORKER, payload("rate", received, "red"))
    driver.now = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # Wednesday: every clock past due
    driver.fire("proceed_to_decision", FRONT_DOOR_WORKER, {"reason": REASON})
    driver.fire("decide", FRONT_DOOR_WORKER, payload("decide", driver.now, "no_further_action"))

    [mash] = fetch(select(ClockRow).where(ClockRow.contact_id == driver.contact_id,
                                          ClockRow.rule == "mash_red"))
    assert mash.due_at < driver.now  # it would have been a breach
    assert (mash.result, mash.stop_event, mash.stopped_at) == (
        "not_applicable", "left_for_threshold_decision", driver.now)
    with Session(engine) as session:
        breaches = historic_breaches(session, received, driver.now + timedelta(hours=1),
                                     Scope())
    # The decision itself was late (due by the end of Tuesday) and is counted; the MASH
    # checks nobody needed are not.
    assert [(b["contact_id"], b["rule"], b["result"]) for b in breaches] == [
        (driver.contact_id, "contact_decision", "late")]
