"""Book the next review child protection conference ahead (Working Together: the first
within 3 months of the initial conference, then at most 6 months apart). Booking stops
no clock; recording the review (``hold_review_conference``) does, and offers this time."""

from __future__ import annotations

from workflow.bookings.rules import Book, book, booking_guards
from workflow.engine.action import Action, Fired, row
from workflow.roles import CASEWORK
from workflow.stages import Stage


def _book(fired: Fired[Book]) -> None:
    book(fired, "review_conference")


ACTION: Action[Book] = Action(
    name="book_review_conference", order=115, label="Book a review conference", payload=Book,
    rows=(row((Stage.CP_PLAN,), None, CASEWORK, guards=booking_guards("review_conference")),),
    effect=_book,
)
