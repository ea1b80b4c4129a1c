"""Meetings booked ahead, as the contact page shows them: in what is due, and as the booked
time offered by the form that records the meeting.

Each booking is said in one sentence a manager can read at a glance: "Booked for Tuesday
8 December 2026 at 10am — within timescale (due Thursday 10 December)", or that it is
after the due date, with the reason recorded (or a request to record one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from web.views import LONDON
from web.words import govuk_datetime
from workflow.bookings.records import ANY_BOOKED, KIND_CHOICES
from workflow.bookings.rules import Standing, standing, standings
from workflow.contact import Contact
from workflow.engine.action import Action
from workflow.engine.payload import Kind, asks


def sentence(starts_at: datetime, due_at: datetime | None, late_reason: str = "") -> str:
    """How a booking stands against its timescale, in one sentence."""
    booked = f"Booked for {govuk_datetime(starts_at)}"
    if due_at is None:
        return booked
    due = f"{due_at.astimezone(LONDON):%A %-d %B}"
    if starts_at <= due_at:
        return f"{booked} — within timescale (due {due})"
    if late_reason:
        return f"{booked} — after the due date ({due}). Why: {late_reason}"
    return f"{booked} — booked after the due date ({due}): record why"


def agencies(ids: list[str] | tuple[str, ...]) -> str:
    agencies = current_app.extensions["rules"].mash.agencies
    return ", ".join(agencies.name(a) for a in ids)


def booking_view(s: Standing) -> dict[str, Any]:
    """One current booking as the contact page shows it."""
    b = s.booking
    return {"title": b.meeting.title, "sentence": sentence(b.starts_at, s.due_at, b.late_reason),
            "late": s.within is False, "venue": b.venue, "invited": agencies(b.invitees)}


def contact_bookings(contact: Contact) -> list[dict[str, Any]]:
    """Every meeting booked on the contact, soonest first."""
    return [booking_view(s) for s in standings(contact)]


def _booked_for(action: Action[Any], contact: Contact) -> Standing | None:
    if action.booked == ANY_BOOKED:
        booked = standings(contact)
        return booked[0] if booked else None
    return standing(contact, action.booked) if action.booked else None


def prefilled(action: Action[Any], view: dict[str, Any], contact: Contact) -> dict[str, Any]:
    """An action's form view starting from the meeting booked (the form that records it,
    or rebooks it): the booked time as its date, the meeting chosen, and how the booking
    stands said above the form."""
    found = _booked_for(action, contact)
    if found is None:
        return view
    local = found.booking.starts_at.astimezone(LONDON)
    when = next((s.name for s in asks(action.payload) if s.kind is Kind.DATETIME), None)
    which = next((s.name for s in asks(action.payload) if s.choices == KIND_CHOICES), None)
    defaults: dict[str, str] = {}
    if when:
        defaults[when] = f"{local:%Y-%m-%dT%H:%M}"
    if which:
        defaults[which] = found.booking.kind
    return view | {"defaults": defaults, "notice": booking_view(found)}
