"""Feedback to the referrer, sent: which recorded feedback goes by email, and its words.

The worker records what the referrer was told (``give_referrer_feedback``). When they say
it went by email or secure email and give the referrer's address, the breach sweep queues
it in the notification outbox, one note per feedback event (its dedupe key is the event's
id, so no sweep queues it twice), and the notification job sends it like any other note.
A phone call, a letter or a meeting is recorded only: nothing is sent.

Why the message carries the worker's words as recorded: the record must show what the
referrer heard, and what was sent is what was recorded. The note's subject names only the
contact reference, so a mail log or the outbox line of the file sink holds no case detail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.contact import reference_for

ACTION = "give_referrer_feedback"
KIND = "feedback"
#: The ways of telling that are emails, so the message is sent.
SENT_BY = {"secure_email": "secure email", "email": "email"}


@dataclass(frozen=True)
class Outgoing:
    """One feedback message to send: to whom, by what, and its words."""

    address: str
    method: str
    subject: str
    body: str


def dedupe_key(event_id: int) -> str:
    """The note's key in the outbox: one per feedback event."""
    return f"{KIND}:{event_id}"


def subject_for(contact_id: int) -> str:
    return f"Feedback on your referral: {reference_for(contact_id)}"


def outgoing(contact_id: int, payload: Mapping[str, Any]) -> Outgoing | None:
    """The message a feedback event sends, or None when it is recorded only (not by email,
    or no address given)."""
    method = str(payload.get("method") or "")
    address = str(payload.get("referrer_email") or "").strip()
    if method not in SENT_BY or not address:
        return None
    words = str(payload.get("reason") or "").strip()
    subject = subject_for(contact_id)
    return Outgoing(address, method, subject, f"{subject}\n\n{words}\n")


def masked(address: str) -> str:
    """``r…@police.example``: enough for the worker to recognise the address on the page."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"
