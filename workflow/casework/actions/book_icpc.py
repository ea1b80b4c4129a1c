"""Book the initial child protection conference ahead: its date and time, where or how it
is held, and the agencies invited.

Working Together: the conference is within 15 working days of the strategy discussion
that initiated the enquiry; a booking after that date says why. Booking stops no clock:
the conference's clock runs until it is held (``hold_icpc``), which offers this time.
"""

from __future__ import annotations

from workflow.bookings.rules import Book, book, booking_guards
from workflow.engine.action import Action, Fired, row
from workflow.roles import CASEWORK
from workflow.stages import Stage


def _book(fired: Fired[Book]) -> None:
    book(fired, "icpc")


ACTION: Action[Book] = Action(
    name="book_icpc", order=85, label="Book the initial conference", payload=Book,
    rows=(row((Stage.SECTION_47,), None, CASEWORK, guards=booking_guards("icpc")),),
    effect=_book,
)
