"""Move a booked meeting to another time (or place), with the reason.

The reason is kept on the booking and in the contact's history (each rebook is an event),
so a manager sees why a conference slipped. A new time after the due date says why, as a
first booking does; the statutory clock is untouched.
"""

from __future__ import annotations

from workflow.bookings.records import ANY_BOOKED
from workflow.bookings.rules import (
    AHEAD,
    ANYTHING_BOOKED,
    MEETING_CHOSEN,
    REASON_GIVEN,
    Rebook,
    change_rows,
    chosen,
    current,
    in_time_or_why,
    is_booked,
    on_a_weekday,
)
from workflow.engine.action import Action, Fired


def _rebook(fired: Fired[Rebook]) -> None:
    p = fired.payload
    booking = current(fired.contact, str(p.meeting))
    assert booking is not None and p.starts_at is not None  # the guards passed
    fired.contact.put(booking.rebooked(p.starts_at, p.venue, p.reason, p.late_reason))


_GUARDS = (ANYTHING_BOOKED, MEETING_CHOSEN, is_booked(chosen), AHEAD, on_a_weekday(chosen),
           REASON_GIVEN, in_time_or_why(chosen))
ACTION: Action[Rebook] = Action(
    name="rebook_meeting", order=160, label="Rebook a meeting", payload=Rebook,
    rows=change_rows(_GUARDS), booked=ANY_BOOKED,
    effect=_rebook,
)
