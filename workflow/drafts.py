"""Drafts: what a person has typed into a long form and not yet sent, kept for them alone.

Why on the server: social workers lose work when a session times out in the middle of a
long case note or decision. The browser saves the form's fields every few seconds, so
after a time-out and sign-in the same form comes back as it was left.

Why drafts are exempt from the append-only audit: a draft is a working copy, not a record.
It is overwritten on every save, readable only by the person who typed it, deleted when the
form is sent or discarded, and forgotten after ``KEEP_FOR``. What the council relies on is
the record the form creates when it is sent, which goes through the command path and its
event history as ever. Keeping every keystroke-save as history would make a log of
unfinished thoughts about a child that nobody decided to record.

A draft is scoped to (person, form, record): the form key names the form (never personal
data: it goes in URLs), the record id is the contact or person it is about (0 for a form
that creates a record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

#: How long a draft is kept after its last save (the sweep purges older ones).
KEEP_FOR = timedelta(days=30)
#: The most text one draft may hold (a contact's concerns alone may be 10,000 characters;
#: six children and every other field fit well inside this).
MAX_CHARACTERS = 100_000
#: The most fields one draft may hold, and the longest field name.
MAX_FIELDS = 300
MAX_NAME = 100

#: One field as the form sends it: (name, value); a name may repeat (checkboxes).
Field = tuple[str, str]


class DraftRefused(ValueError):
    """The draft cannot be kept as sent; the message says what to change. ``status`` is
    the HTTP answer (413 too large, 422 anything else)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Draft:
    """One saved draft of one form, as its owner left it."""

    form: str
    record_id: int
    fields: tuple[Field, ...]
    saved_at: datetime


class Drafts(Protocol):
    """Where drafts are kept. Every call names the owner: there is no way to read or
    change another person's draft."""

    def save(self, user_id: int, form: str, record_id: int, fields: tuple[Field, ...],
             now: datetime) -> None: ...

    def for_record(self, user_id: int, record_id: int, now: datetime) -> list[Draft]: ...

    def discard(self, user_id: int, form: str, record_id: int) -> bool: ...

    def purge(self, now: datetime) -> int: ...


def check_fields(fields: tuple[Field, ...]) -> None:
    """Refuse a draft too large to keep or holding a field name no form has."""
    if len(fields) > MAX_FIELDS:
        raise DraftRefused(f"A draft can hold up to {MAX_FIELDS} fields.", 413)
    if sum(len(name) + len(value) for name, value in fields) > MAX_CHARACTERS:
        raise DraftRefused(f"This form holds more than {MAX_CHARACTERS:,} characters, too "
                           "many to keep as a draft. Send the form, or shorten it.", 413)
    if any(not name or len(name) > MAX_NAME for name, _ in fields):
        raise DraftRefused("A field name in the draft is empty or too long.")
    if any("\x00" in name or "\x00" in value for name, value in fields):  # PostgreSQL refuses
        raise DraftRefused("Remove the NUL character: it cannot be stored.")


def live_since(now: datetime) -> datetime:
    """The oldest save still kept at ``now``; anything older is as good as gone."""
    return now - KEEP_FOR
