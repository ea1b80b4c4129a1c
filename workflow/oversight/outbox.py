"""Queued notifications as the delivery side sees them, and the port it reads them through.

The breach sweep only queues (a row per message); delivery is separate so a mail server
being down never blocks or repeats the sweep. Messages carry a contact reference and the
timescale's name, never a child's name, so an email or a log line holds no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Note:
    """One message to one person."""

    id: int
    kind: str
    recipient: str
    contact_id: int
    subject: str
    body: str
    created_at: datetime


class Outbox(Protocol):
    def unsent(self, limit: int) -> list[Note]: ...
    def mark_sent(self, note_id: int, at: datetime) -> None: ...
    def mark_all_read(self, username: str, at: datetime) -> None: ...
