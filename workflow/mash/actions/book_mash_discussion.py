"""Book a contact's discussion at a coming MASH meeting (tomorrow's, or after a weekend),
with the time, where or how it is held and the agencies invited.

The discussion is due inside the contact's RAG timescale (local: red 4 hours, amber 24
working hours, green 72); one booked after that says why. Booking stops no clock: the
joint decision (``record_mash_discussion``) is what the meeting records.
"""

from __future__ import annotations

from workflow.bookings.rules import Book, book, booking_guards
from workflow.engine.action import Action, Fired, row
from workflow.roles import FRONT_DOOR
from workflow.stages import Stage


def _book(fired: Fired[Book]) -> None:
    book(fired, "mash_meeting")


ACTION: Action[Book] = Action(
    name="book_mash_discussion", order=55, label="Book a MASH meeting discussion", payload=Book,
    rows=(row((Stage.INFORMATION_GATHERING, Stage.THRESHOLD_DECISION), None, FRONT_DOOR,
              guards=booking_guards("mash_meeting")),),
    effect=_book,
)
