"""Queued notifications as the delivery side sees them, and the port it reads them through.

The breach sweep only queues (a row per message); delivery is separate so a mail server
being down never blocks or repeats the sweep. A note carries the clock it is about (its
rule and due instant) and the contact's id, never a child's name, so an email or a log
line holds no personal data; ``workflow.oversight.messages`` puts it into words.

Delivery is at least once up to the provider and exactly once where the provider can be
asked: ``attempted_at`` is stamped before a send and ``sent_at`` after it, so a note with
the first and not the second is one whose worker died in between, and the sink is asked
(by the note's id, its reference at the provider) whether it already went before it is
sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Note:
    """One message to one person, about one clock; or feedback to a referrer (kind
    ``feedback``), about no clock, whose words are the ones recorded (``subject``, ``body``)."""

    id: int
    kind: str
    recipient: str
    address: str | None  # the recipient's email address, where the directory has one
    contact_id: int
    rule: str | None
    due_at: datetime | None
    created_at: datetime
    attempted_at: datetime | None = None
    sent_at: datetime | None = None
    subject: str = ""
    body: str = ""

    @property
    def reference(self) -> str:
        """The provider-side reference that makes a resend detectable: the note's id."""
        return f"frontdoor-note-{self.id}"


class Outbox(Protocol):
    def unsent(self, limit: int) -> list[Note]: ...
    def note(self, note_id: int) -> Note | None: ...
    def mark_attempted(self, note_id: int, at: datetime) -> None: ...
    def mark_sent(self, note_id: int, at: datetime) -> None: ...
    def mark_all_read(self, username: str, at: datetime) -> None: ...
