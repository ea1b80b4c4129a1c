"""The service layer on a real database: what is written when a contact is recorded or
moved, and that a refusal — of any kind — writes nothing at all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from tests.builders import (
    FRONT_DOOR_WORKER,
    SOCIAL_WORKER,
    child,
    fire,
    intake,
    payload,
    record_contact,
    record_one,
    walk_to,
)
from tests.integration.stored import stored
from workflow.errors import GuardFailed, InvalidInput, NaiveDatetime, NotFound, StaleVersion
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_people import PersonRow
from workflow.persistence.tables_strategy import VisitRow
from workflow.rules import Rules
from workflow.stages import STAGES, Stage

Fetch = Callable[[Any], list[Any]]
RECEIVED = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)  # Thursday before Christmas
NOW = RECEIVED + timedelta(hours=1)
LONDON = ZoneInfo("Europe/London")


def _events(fetch: Fetch, contact_id: int) -> list[EventRow]:
    return fetch(select(EventRow).where(EventRow.contact_id == contact_id)
                 .order_by(EventRow.seq))


def _clocks(fetch: Fetch, contact_id: int, *, open_only: bool = False) -> list[ClockRow]:
    query = select(ClockRow).where(ClockRow.contact_id == contact_id)
    if open_only:
        query = query.where(ClockRow.stopped_at.is_(None))
    return fetch(query.order_by(ClockRow.id))


def test_two_siblings_recorded_together_get_a_contact_each_sharing_one_intake(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    made = record_contact(uow_factory(), rules,
                          intake(RECEIVED, child("Sam", "Sibling"), child("Jo", "Sibling")),
                          FRONT_DOOR_WORKER, NOW)

    rows = fetch(select(ContactRow).order_by(ContactRow.id))
    assert [r.id for r in rows] == [m["id"] for m in made]
    assert len({r.child_id for r in rows}) == 2
    assert {r.intake for r in rows} == {made[0]["reference"]}
    assert fetch(select(func.count()).select_from(PersonRow)) == [2]
    for row in rows:
        [event] = _events(fetch, row.id)
        assert (event.seq, event.trigger, event.from_stage, event.to_stage) == (
            1, "receive", None, "received")
        [decision] = _clocks(fetch, row.id, open_only=True)
        assert decision.rule == "contact_decision"
        # Christmas Day and the Boxing Day substitute (Mon 28) skipped.
        assert decision.due_at == datetime(2026, 12, 29, 23, 59, 59, 999999, tzinfo=UTC)
        assert (row.stage, row.version, row.event_seq) == ("received", 1, 1)


def test_a_contact_for_a_child_who_does_not_exist_is_refused_and_nothing_is_written(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    sibling_then_ghost = dataclasses.replace(intake(RECEIVED), children=[child(), 9999])

    with pytest.raises(NotFound):
        record_contact(uow_factory(), rules, sibling_then_ghost, FRONT_DOOR_WORKER, NOW)

    assert fetch(select(func.count()).select_from(ContactRow)) == [0]
    assert fetch(select(func.count()).select_from(PersonRow)) == [0]


@pytest.mark.parametrize("stage", [s for s in Stage if s != Stage.RECEIVED],
                         ids=lambda s: s.value)
def test_each_stage_is_stored_with_a_gap_free_history_ending_in_that_stage(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch, stage: Stage) -> None:
    driver = record_one(uow_factory, rules, RECEIVED, NOW)

    walk_to(driver, stage)

    [row] = fetch(select(ContactRow).where(ContactRow.id == driver.contact_id))
    events = _events(fetch, driver.contact_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert row.stage == events[-1].to_stage == stage.value
    assert row.event_seq == row.version == len(events)
    assert {c.rule for c in _clocks(fetch, driver.contact_id, open_only=True)} <= set(
        STAGES[stage].timed_by)


def test_accepting_a_referral_stamps_the_referral_date_the_census_reports(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    driver = record_one(uow_factory, rules, RECEIVED, NOW)

    walk_to(driver, Stage.ASSESSMENT)

    [row] = fetch(select(ContactRow).where(ContactRow.id == driver.contact_id))
    assert row.referral_at == NOW
    stored = {c.rule: c for c in _clocks(fetch, driver.contact_id, open_only=True)}
    assert stored["assessment"].started_at == NOW


def test_a_change_made_on_an_old_version_is_refused_and_nothing_is_written(
        uow_factory: Callable[[], Any], rules: Rules, engine: Engine) -> None:
    driver = record_one(uow_factory, rules, RECEIVED, NOW)
    walk_to(driver, Stage.SCREENING)
    before = stored(engine, driver.contact_id)

    with pytest.raises(StaleVersion) as stale:
        fire(uow_factory(), rules, driver.contact_id, "rate", FRONT_DOOR_WORKER,
             payload("rate", NOW), 1, NOW)

    assert (stale.value.expected, stale.value.actual) == (1, 2)
    assert "Reload it" in stale.value.message
    assert stored(engine, driver.contact_id) == before


def test_a_refused_decision_writes_nothing(uow_factory: Callable[[], Any], rules: Rules,
                                           engine: Engine) -> None:
    driver = record_one(uow_factory, rules, RECEIVED, NOW)
    walk_to(driver, Stage.THRESHOLD_DECISION)
    before = stored(engine, driver.contact_id)

    with pytest.raises(GuardFailed):
        driver.fire("decide", FRONT_DOOR_WORKER,
                    payload("decide", NOW, "strategy_discussion", reasonable_cause=""))

    assert stored(engine, driver.contact_id) == before
    assert before["threshold_decision"] == []


def test_firing_on_a_contact_that_does_not_exist_is_not_found(
        uow_factory: Callable[[], Any], rules: Rules) -> None:
    with pytest.raises(NotFound):
        fire(uow_factory(), rules, 424242, "start_screening", FRONT_DOOR_WORKER, {}, 1, NOW)


def test_a_contact_received_at_a_naive_time_is_refused_and_nothing_is_written(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    with pytest.raises(NaiveDatetime):
        record_contact(uow_factory(), rules, intake(RECEIVED.replace(tzinfo=None)),
                       FRONT_DOOR_WORKER, NOW)

    assert fetch(select(func.count()).select_from(ContactRow)) == [0]


def test_a_contact_received_in_the_future_is_refused(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    with pytest.raises(InvalidInput, match="received_at: The contact cannot be received"):
        record_contact(uow_factory(), rules, intake(NOW + timedelta(days=1)),
                       FRONT_DOOR_WORKER, NOW)

    assert fetch(select(func.count()).select_from(ContactRow)) == [0]


def test_a_visit_recorded_by_date_alone_is_kept_as_that_date_in_the_history(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    driver = record_one(uow_factory, rules, RECEIVED, NOW)
    walk_to(driver, Stage.ASSESSMENT)

    driver.fire("record_visit", SOCIAL_WORKER,
                payload("record_visit", NOW, visited_at="2026-12-24"))  # a date-only field

    [visit] = fetch(select(VisitRow).where(VisitRow.contact_id == driver.contact_id))
    assert visit.visited_at == datetime(2026, 12, 24, tzinfo=LONDON)  # that day, in London
    assert visit.child_seen is True
    assert _events(fetch, driver.contact_id)[-1].payload["visited_at"].startswith("2026-12-24")


def test_a_re_rating_changes_the_rating_and_nothing_else_on_the_contact(
        uow_factory: Callable[[], Any], rules: Rules, engine: Engine, fetch: Fetch) -> None:
    driver = record_one(uow_factory, rules, RECEIVED, NOW)
    walk_to(driver, Stage.INFORMATION_GATHERING)
    [before] = stored(engine, driver.contact_id)["contact"]
    running = {c.rule for c in _clocks(fetch, driver.contact_id, open_only=True)}

    driver.fire("rate", FRONT_DOOR_WORKER, payload("rate", NOW, "red"))

    [after] = stored(engine, driver.contact_id)["contact"]
    columns = [c.name for c in ContactRow.__table__.columns]
    changed = {name for name, old, new in zip(columns, before, after, strict=True) if old != new}
    assert changed == {"rag", "version", "event_seq"}
    assert after[columns.index("rag")] == "red"
    # Every clock that was running came back with the contact (one joined load), so the
    # amber clock was the one stopped and the others still run beside the red one.
    shown = {c["rule"] for c in driver.results[-1]["open_clocks"]}
    assert shown == running - {"mash_amber"} | {"mash_red"}
    assert len(running) > 1
