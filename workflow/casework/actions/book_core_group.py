"""Book a core group meeting ahead (the first within 10 working days of the initial
conference: local procedures). Booking stops no clock; recording the meeting
(``hold_core_group``) does, and offers this time."""

from __future__ import annotations

from workflow.bookings.rules import Book, book, booking_guards
from workflow.engine.action import Action, Fired, row
from workflow.roles import CASEWORK
from workflow.stages import Stage


def _book(fired: Fired[Book]) -> None:
    book(fired, "core_group")


ACTION: Action[Book] = Action(
    name="book_core_group", order=105, label="Book a core group meeting", payload=Book,
    rows=(row((Stage.CP_PLAN,), None, CASEWORK, guards=booking_guards("core_group")),),
    effect=_book,
)
