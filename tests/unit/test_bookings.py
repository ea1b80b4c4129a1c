"""Booking a conference, core group or MASH discussion ahead: the rules, on literal dates.

A booking is offered a time still to come, is told its due date from the contact's own
clock (Working Together counts the strategy discussion's day as day 0), asks why when it
is after that date, and stops no clock: only holding the meeting does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.builders import FRONT_DOOR_WORKER, SOCIAL_WORKER, contact_at
from workflow.bookings.records import BookingStatus
from workflow.bookings.rules import current, standing
from workflow.clocks.timescales import TimescaleBook
from workflow.contact import Contact
from workflow.engine.definition import validate_spec
from workflow.engine.engine import Engine
from workflow.engine.registry import actions
from workflow.errors import GuardFailed, NotPermitted
from workflow.stages import Stage

#: The strategy discussion that starts the enquiry: Thursday 19 November 2026, 10:00.
STRATEGY = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
#: Tuesday 8 December 2026 at 10:00 (GMT: London and UTC agree in winter).
TUESDAY_8_DEC = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
ROOM = "Room 2, County Hall"


def _book(engine: Engine, contact: Contact, name: str, starts_at: datetime,
          now: datetime = STRATEGY, **more: object) -> None:
    data = {"starts_at": starts_at, "venue": ROOM, "invitees": ["police", "health"]} | more
    engine.fire(contact, name, SOCIAL_WORKER, data, now)


def _refused(engine: Engine, contact: Contact, name: str, data: dict[str, object],
             now: datetime = STRATEGY) -> dict[str, str]:
    with pytest.raises(GuardFailed) as refused:
        engine.fire(contact, name, SOCIAL_WORKER, data, now)
    return refused.value.errors


def test_an_icpc_booked_for_8_december_is_within_15_working_days_due_10_december(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, STRATEGY)

    _book(workflow_engine, contact, "book_icpc", TUESDAY_8_DEC)

    booked = standing(contact, "icpc")
    assert booked is not None
    assert (booked.booking.starts_at, booked.booking.venue) == (TUESDAY_8_DEC, ROOM)
    assert booked.booking.invitees == ("police", "health")
    assert booked.due_at is not None
    assert booked.due_at.date().isoformat() == "2026-12-10"
    assert booked.within is True


def test_booking_stops_no_clock_and_holding_the_conference_does(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, STRATEGY)
    _book(workflow_engine, contact, "book_icpc", TUESDAY_8_DEC)

    assert "icpc" in {c.rule for c in contact.open_clocks}
    workflow_engine.fire(contact, "hold_icpc", SOCIAL_WORKER,
                         {"held_at": TUESDAY_8_DEC, "plan": True, "category": "NEG"},
                         TUESDAY_8_DEC.replace(hour=12))

    assert "icpc" not in {c.rule for c in contact.open_clocks}
    held = contact.booking("icpc")
    assert held is not None and held.status is BookingStatus.HELD


def test_holding_still_refuses_a_future_date_when_the_meeting_is_booked(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, STRATEGY)
    _book(workflow_engine, contact, "book_icpc", TUESDAY_8_DEC)

    errors = _refused(workflow_engine, contact, "hold_icpc",
                      {"held_at": TUESDAY_8_DEC, "plan": False})

    assert "cannot be in the future" in errors["held_at"]


def test_a_booking_after_the_due_date_asks_why_and_keeps_the_reason(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, STRATEGY)
    friday_11_dec = datetime(2026, 12, 11, 10, 0, tzinfo=UTC)

    errors = _refused(workflow_engine, contact, "book_icpc",
                      {"starts_at": friday_11_dec, "venue": ROOM})
    _book(workflow_engine, contact, "book_icpc", friday_11_dec,
          late_reason="The chair's first free date")

    assert errors == {"late_reason": "Booked after the due date (Thursday 10 December 2026): "
                                     "record why it cannot be sooner."}
    booked = standing(contact, "icpc")
    assert booked is not None and booked.within is False
    assert booked.booking.late_reason == "The chair's first free date"


def test_the_due_date_skips_christmas_and_new_year_bank_holidays(
        workflow_engine: Engine) -> None:
    """Strategy Mon 14 Dec 2026: 15 working days skip 25 and 28 December (Boxing Day's
    substitute) and 1 January, so the conference is due Thursday 7 January 2027."""
    strategy = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.SECTION_47, strategy)

    errors = _refused(workflow_engine, contact, "book_icpc",
                      {"starts_at": datetime(2027, 1, 8, 10, 0, tzinfo=UTC), "venue": ROOM},
                      now=strategy)
    _book(workflow_engine, contact, "book_icpc", datetime(2027, 1, 7, 14, 0, tzinfo=UTC),
          now=strategy)

    assert "Thursday 7 January 2027" in errors["late_reason"]
    booked = standing(contact, "icpc")
    assert booked is not None and booked.within is True


def test_a_past_time_and_a_missing_place_are_refused_together(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, STRATEGY)

    errors = _refused(workflow_engine, contact, "book_icpc",
                      {"starts_at": datetime(2026, 11, 18, 10, 0, tzinfo=UTC),
                       "invitees": ["nobody"]})

    assert set(errors) == {"starts_at", "venue", "invitees"}
    assert "a meeting already held is recorded, not booked" in errors["starts_at"]
    assert current(contact, "icpc") is None


def test_a_meeting_more_than_a_year_ahead_is_taken_for_a_typo(workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, STRATEGY)

    errors = _refused(workflow_engine, contact, "book_review_conference",
                      {"starts_at": datetime(2207, 11, 20, 10, 0, tzinfo=UTC), "venue": ROOM,
                       "late_reason": "Typed in a hurry"})

    assert errors == {"starts_at": "A meeting is booked at most a year ahead: check the year."}


def test_a_conference_is_not_booked_at_a_weekend_but_a_core_group_may_be(
        workflow_engine: Engine) -> None:
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    section_47 = contact_at(workflow_engine, Stage.SECTION_47, STRATEGY)
    on_plan = contact_at(workflow_engine, Stage.CP_PLAN, STRATEGY)

    errors = _refused(workflow_engine, section_47, "book_icpc",
                      {"starts_at": saturday, "venue": ROOM})
    _book(workflow_engine, on_plan, "book_core_group", saturday)

    assert "cannot be at a weekend (Saturday 28 November)" in errors["starts_at"]
    assert current(on_plan, "core_group") is not None


def test_the_first_core_group_is_due_10_working_days_after_the_conference(
        workflow_engine: Engine) -> None:
    """Conference Thu 19 Nov 2026: the core group is due Thursday 3 December."""
    on_plan = contact_at(workflow_engine, Stage.CP_PLAN, STRATEGY)

    _book(workflow_engine, on_plan, "book_core_group", datetime(2026, 12, 3, 15, 0, tzinfo=UTC))
    errors = _refused(workflow_engine, on_plan, "book_review_conference",
                      {"starts_at": datetime(2027, 2, 22, 10, 0, tzinfo=UTC), "venue": ROOM})

    booked = standing(on_plan, "core_group")
    assert booked is not None and booked.within is True
    assert "Friday 19 February 2027" in errors["late_reason"]  # 3 calendar months


def test_a_second_booking_is_a_rebook_which_keeps_its_reason(workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, STRATEGY)
    _book(workflow_engine, contact, "book_icpc", TUESDAY_8_DEC)
    wednesday = datetime(2026, 12, 9, 14, 0, tzinfo=UTC)

    again = _refused(workflow_engine, contact, "book_icpc",
                     {"starts_at": wednesday, "venue": ROOM})
    no_reason = _refused(workflow_engine, contact, "rebook_meeting",
                         {"meeting": "icpc", "starts_at": wednesday})
    workflow_engine.fire(contact, "rebook_meeting", SOCIAL_WORKER,
                         {"meeting": "icpc", "starts_at": wednesday,
                          "reason": "The police officer is in court on the 8th"}, STRATEGY)

    assert "already booked for Tuesday 8 December 2026 at 10am: rebook it" in \
        again["starts_at"]
    assert set(no_reason) == {"reason"}
    booked = current(contact, "icpc")
    assert booked is not None
    assert (booked.starts_at, booked.venue, booked.times_rebooked) == (wednesday, ROOM, 1)
    assert booked.change_reason == "The police officer is in court on the 8th"


def test_a_cancelled_booking_is_no_longer_current_and_the_clock_still_runs(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, STRATEGY)
    before = {a.name for a in workflow_engine.offered(contact, SOCIAL_WORKER, STRATEGY,
                                                        "contact")}
    _book(workflow_engine, contact, "book_icpc", TUESDAY_8_DEC)

    workflow_engine.fire(contact, "cancel_meeting", SOCIAL_WORKER,
                         {"meeting": "icpc", "reason": "The family moved to another area"},
                         STRATEGY)

    assert {"rebook_meeting", "cancel_meeting"}.isdisjoint(before)
    assert current(contact, "icpc") is None
    cancelled = contact.booking("icpc")
    assert cancelled is not None and cancelled.status is BookingStatus.CANCELLED
    assert "icpc" in {c.rule for c in contact.open_clocks}


def test_tomorrows_mash_discussion_is_booked_by_the_front_door_not_casework(
        workflow_engine: Engine) -> None:
    """Received Thu 19 Nov 2026 at 09:00 and rated amber: due within 24 working hours."""
    contact = contact_at(workflow_engine, Stage.INFORMATION_GATHERING, STRATEGY)
    tomorrow = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    data = {"starts_at": tomorrow, "venue": "MASH meeting room", "invitees": ["police"]}

    with pytest.raises(NotPermitted):
        workflow_engine.fire(contact, "book_mash_discussion", SOCIAL_WORKER, data, STRATEGY)
    workflow_engine.fire(contact, "book_mash_discussion", FRONT_DOOR_WORKER, data, STRATEGY)

    booked = standing(contact, "mash_meeting")
    assert booked is not None and booked.within is True


def test_the_definition_check_names_an_action_offering_a_booking_of_no_known_meeting(
        workflow_engine: Engine) -> None:
    held = actions()["hold_core_group"]
    table = {"hold_core_group": replace(held, booked="core_groups")}

    problems = validate_spec(TimescaleBook([]), table)

    assert "'hold_core_group' offers the booking of 'core_groups', which is not a kind of " \
           "meeting" in problems
