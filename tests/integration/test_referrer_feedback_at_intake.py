"""Feedback to the referrer recorded with the intake, on SQLite and PostgreSQL: a contact
passed to the allocated worker of an open case on receipt is decided then, so what the
referrer was told is its second event in the same transaction, and feedback that cannot
be recorded leaves nothing stored at all."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.builders import FRONT_DOOR_WORKER, intake, record_contact, record_one, walk_to
from workflow.errors import InvalidInput
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.rules import Rules
from workflow.stages import Stage

Fetch = Callable[[Any], list[Any]]
RECEIVED = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # a Wednesday
NOW = RECEIVED + timedelta(hours=1)
TOLD = {"method": "phone", "reason": "Passed to the allocated worker, who will call you."}


def _known_with_open_case(uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> int:
    driver = record_one(uow_factory, rules, RECEIVED - timedelta(days=2), NOW)
    walk_to(driver, Stage.ASSESSMENT)
    [child_id] = fetch(select(ContactRow.child_id).where(ContactRow.id == driver.contact_id))
    return int(child_id)


def test_feedback_given_with_the_intake_is_recorded_on_the_contact_passed_on(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    child_id = _known_with_open_case(uow_factory, rules, fetch)
    linked = dataclasses.replace(intake(RECEIVED), children=[child_id], referrer_feedback=TOLD)

    [made] = record_contact(uow_factory(), rules, linked, FRONT_DOOR_WORKER, NOW)

    events = fetch(select(EventRow).where(EventRow.contact_id == made["id"])
                   .order_by(EventRow.seq))
    assert [(e.seq, e.trigger) for e in events] == [(1, "receive"),
                                                   (2, "give_referrer_feedback")]
    assert events[1].payload == TOLD and events[1].reason == TOLD["reason"]
    [row] = fetch(select(ContactRow).where(ContactRow.id == made["id"]))
    assert (row.stage, row.version) == ("passed_to_allocated_worker", 2)
    [clock] = fetch(select(ClockRow).where(ClockRow.contact_id == made["id"],
                                           ClockRow.rule == "referrer_feedback"))
    assert clock.result == "met"


def test_feedback_on_a_contact_not_yet_decided_is_not_recorded(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch) -> None:
    new_child = dataclasses.replace(intake(RECEIVED), referrer_feedback=TOLD)

    [made] = record_contact(uow_factory(), rules, new_child, FRONT_DOOR_WORKER, NOW)

    assert fetch(select(EventRow.trigger).where(EventRow.contact_id == made["id"])) == [
        "receive"]


@pytest.mark.parametrize(("told", "field"), [
    ({"method": "phone"}, "referrer_feedback.reason"),
    ({"reason": "x" * 5001}, "referrer_feedback.reason"),
    ({"reason": "Told", "method": "pigeon"}, "referrer_feedback.method"),
    ({"reason": "Told", "sent_by": "owl"}, "referrer_feedback.sent_by"),
])
def test_feedback_that_cannot_be_recorded_stores_no_contact(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch, told: dict[str, str],
        field: str) -> None:
    child_id = _known_with_open_case(uow_factory, rules, fetch)
    before = fetch(select(func.count()).select_from(ContactRow))
    linked = dataclasses.replace(intake(RECEIVED), children=[child_id], referrer_feedback=told)

    with pytest.raises(InvalidInput) as refused:
        record_contact(uow_factory(), rules, linked, FRONT_DOOR_WORKER, NOW)

    assert list(refused.value.errors) == [field]
    assert fetch(select(func.count()).select_from(ContactRow)) == before
