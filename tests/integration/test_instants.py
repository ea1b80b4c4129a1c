"""Instants are stored in UTC and come back aware, on SQLite as on PostgreSQL.

SQLite's ``DateTime(timezone=True)`` silently drops the offset (ARCHITECTURE.md, known
traps), so every instant goes through ``UTCDateTime``: a naive value is refused before
it reaches SQL, and what comes back is an aware UTC datetime naming the same instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from tests.builders import (
    FRONT_DOOR_WORKER,
    SOCIAL_WORKER,
    intake,
    record_contact,
    record_one,
    walk_to,
)
from workflow.errors import NaiveDatetime
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_people import PersonRow
from workflow.rules import Rules
from workflow.stages import Stage

Fetch = Callable[[Any], list[Any]]
LONDON = ZoneInfo("Europe/London")


def test_a_naive_datetime_is_refused_by_the_column_type_and_nothing_is_written(
        engine: Engine, fetch: Fetch) -> None:
    with Session(engine) as session:
        session.add(PersonRow(first_name="Alex", last_name="Example",
                             created_at=datetime(2026, 3, 4, 10, 0)))

        with pytest.raises(StatementError) as refused:
            session.flush()
        session.rollback()

    assert isinstance(refused.value.orig, NaiveDatetime)
    assert fetch(select(func.count()).select_from(PersonRow)) == [0]


@pytest.mark.parametrize("received", [
    datetime(2026, 7, 1, 9, 30, tzinfo=LONDON),  # summer time: 08:30 UTC
    datetime(2026, 12, 1, 9, 30, tzinfo=LONDON),  # winter: 09:30 UTC
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # half an hour before the clocks go forward
], ids=["bst", "gmt", "before-clock-change"])
def test_instants_come_back_as_aware_utc_naming_the_same_moment(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch,
        received: datetime) -> None:
    now = received + timedelta(hours=1)
    [made] = record_contact(uow_factory(), rules, intake(received), FRONT_DOOR_WORKER, now)

    [contact] = fetch(select(ContactRow).where(ContactRow.id == made["id"]))
    [event] = fetch(select(EventRow).where(EventRow.contact_id == made["id"]))
    [clock] = fetch(select(ClockRow).where(ClockRow.contact_id == made["id"]))

    for stored in (contact.received_at, event.at, clock.started_at, clock.due_at):
        assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert contact.received_at == received
    assert contact.received_at.astimezone(LONDON).hour == received.astimezone(LONDON).hour
    assert event.at == now
    assert clock.due_at == rules.timescales.rule(
        "contact_decision", received.astimezone(LONDON).date()).due(received, rules.calendar)


def test_a_contact_loaded_back_carries_aware_clocks_the_engine_can_keep_counting(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    received = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
    driver = record_one(uow_factory, rules, received, received + timedelta(hours=1))
    walk_to(driver, Stage.STRATEGY_DISCUSSION)
    held = datetime(2026, 3, 23, 14, 0, tzinfo=LONDON)
    driver.now = datetime(2026, 3, 23, 15, 0, tzinfo=UTC)
    driver.fire("hold_strategy_discussion", SOCIAL_WORKER, {
        "held_at": held, "chair": "team.manager", "outcome": "section_47",
        "participation": {"la_social_worker": "attended", "police": "attended",
                          "health": "written", "education": "written"},
        "rationale": "Synthetic", "reasonable_cause": "Synthetic"})
    driver.now = datetime(2026, 3, 24, 10, 0, tzinfo=UTC)

    driver.fire("start_section_47", SOCIAL_WORKER, {"reasonable_cause": "Synthetic"})

    [icpc] = fetch(select(ClockRow).where(ClockRow.contact_id == driver.contact_id,
                                          ClockRow.rule == "icpc"))
    assert icpc.started_at == held
    assert icpc.due_at == datetime(2026, 4, 15, 22, 59, 59, 999999, tzinfo=UTC)
