"""Meetings booked ahead, stored on SQLite and PostgreSQL: a booking, its rebook and its
end are one row read back the same, the clock the meeting is timed by keeps running,
and holding the conference marks its booking held."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from reporting.bookings import MeetingFilter, upcoming_meetings, upcoming_total
from tests.builders import SOCIAL_WORKER, OnService, record_one, walk_to
from workflow.bookings.records import BookingStatus
from workflow.bookings.rules import current
from workflow.persistence.tables import ClockRow
from workflow.persistence.tables_bookings import MeetingBookingRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.stages import Stage

Fetch = Callable[[Any], list[Any]]
UowFactory = Callable[[], SqlUnitOfWork]
STRATEGY = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
TUESDAY_8_DEC = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)


def _in_section_47(uow_factory: UowFactory, rules: Rules) -> OnService:
    driver = record_one(uow_factory, rules, STRATEGY, STRATEGY)
    walk_to(driver, Stage.SECTION_47)
    return driver


def _booking(uow_factory: UowFactory, contact_id: int, kind: str) -> Any:
    with uow_factory() as uow:
        contact = uow.contacts.get(contact_id)
        return contact.booking(kind), current(contact, kind)


def test_a_booking_and_its_rebook_are_one_row_read_back_the_same(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _in_section_47(uow_factory, rules)
    driver.fire("book_icpc", SOCIAL_WORKER, {"starts_at": TUESDAY_8_DEC.isoformat(),
                                             "venue": "Room 2, County Hall",
                                             "invitees": ["police", "health"]})
    wednesday = datetime(2026, 12, 9, 14, 0, tzinfo=UTC)
    driver.fire("rebook_meeting", SOCIAL_WORKER, {"meeting": "icpc",
                                                  "starts_at": wednesday.isoformat(),
                                                  "reason": "The chair is on leave"})

    stored, booked = _booking(uow_factory, driver.contact_id, "icpc")
    rows = [(r.kind, r.status) for r in fetch(select(MeetingBookingRow))]
    running = fetch(select(ClockRow.rule).where(ClockRow.rule == "icpc",
                                                ClockRow.stopped_at.is_(None)))

    assert rows == [("icpc", "booked")]
    assert booked == stored
    assert (stored.starts_at, stored.venue, stored.invitees) == (
        wednesday, "Room 2, County Hall", ("police", "health"))
    assert (stored.times_rebooked, stored.change_reason) == (1, "The chair is on leave")
    assert running == ["icpc"]


def test_holding_the_conference_marks_its_booking_held_and_a_cancel_ends_another(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _in_section_47(uow_factory, rules)
    driver.fire("book_icpc", SOCIAL_WORKER, {"starts_at": TUESDAY_8_DEC.isoformat(),
                                             "venue": "Video call"})
    driver.now = TUESDAY_8_DEC.replace(hour=12)
    driver.fire("hold_icpc", SOCIAL_WORKER, {"held_at": TUESDAY_8_DEC.isoformat(),
                                             "plan": "yes", "category": "NEG"})
    driver.fire("book_core_group", SOCIAL_WORKER,
                {"starts_at": datetime(2026, 12, 15, 10, 0, tzinfo=UTC).isoformat(),
                 "venue": "Family centre", "late_reason": ""})
    driver.fire("cancel_meeting", SOCIAL_WORKER, {"meeting": "core_group",
                                                  "reason": "Booked again by the chair"})

    held, _ = _booking(uow_factory, driver.contact_id, "icpc")
    cancelled, now_booked = _booking(uow_factory, driver.contact_id, "core_group")

    assert held.status is BookingStatus.HELD
    assert (cancelled.status, cancelled.change_reason) == (BookingStatus.CANCELLED,
                                                           "Booked again by the chair")
    assert now_booked is None
    assert sorted((r.kind, r.status) for r in fetch(select(MeetingBookingRow))) == [
        ("core_group", "cancelled"), ("icpc", "held")]


def test_the_upcoming_list_pages_current_bookings_soonest_first_with_their_due_dates(
        uow_factory: UowFactory, rules: Rules, engine: Engine) -> None:
    later, sooner, ended = (_in_section_47(uow_factory, rules) for _ in range(3))
    for driver, day in ((later, 9), (sooner, 8), (ended, 7)):
        driver.fire("book_icpc", SOCIAL_WORKER, {
            "starts_at": datetime(2026, 12, day, 10, 0, tzinfo=UTC).isoformat(),
            "venue": "Video call"})
    ended.fire("icpc_not_required", SOCIAL_WORKER, {"reason": "Concerns not substantiated"})
    everyone = MeetingFilter(since=STRATEGY, limit=1)

    with Session(engine) as session:
        first = upcoming_meetings(session, everyone)
        second = upcoming_meetings(session, replace(everyone, offset=1))
        total = upcoming_total(session, everyone)
        none_for_mash = upcoming_total(session, replace(everyone, kind="mash_meeting"))

    assert total == 2 and none_for_mash == 0  # the enquiry that needed none is not listed
    assert [r["contact_id"] for r in first + second] == [sooner.contact_id, later.contact_id]
    assert first[0]["within"] is True
    assert first[0]["due_at"] == datetime(2026, 12, 10, 23, 59, 59, 999999, tzinfo=UTC)
