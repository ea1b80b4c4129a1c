"""Cancel a booked meeting, with the reason (the family moved, the enquiry ended).

Cancelling stops no clock: the meeting is still due, and a new one is booked when it is
known.
"""

from __future__ import annotations

from workflow.bookings.records import ANY_BOOKED, BookingStatus
from workflow.bookings.rules import (
    ANYTHING_BOOKED,
    MEETING_CHOSEN,
    REASON_GIVEN,
    Cancel,
    change_rows,
    chosen,
    current,
    is_booked,
)
from workflow.engine.action import Action, Fired


def _cancel(fired: Fired[Cancel]) -> None:
    booking = current(fired.contact, str(fired.payload.meeting))
    assert booking is not None  # the guards passed
    fired.contact.put(booking.ended(BookingStatus.CANCELLED, fired.payload.reason))


_GUARDS = (ANYTHING_BOOKED, MEETING_CHOSEN, is_booked(chosen), REASON_GIVEN)
ACTION: Action[Cancel] = Action(
    name="cancel_meeting", order=165, label="Cancel a booked meeting", payload=Cancel,
    rows=change_rows(_GUARDS), booked=ANY_BOOKED,
    effect=_cancel,
)
