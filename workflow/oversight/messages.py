"""The words of a notification, the same on the notifications page, in an email and in a
GOV.UK Notify message: "Decision on a contact is overdue: FD0000290, due Tue 1 Dec 17:00".

Why composed when shown or sent rather than stored: the clock (its rule and due instant)
is the one home of those values, so a message is never out of step with it, and rows
queued before the wording changed read as well as new ones. A message names the
timescale by its title from config/timescales.toml (never the rule id), the contact by its
reference and the due time in Europe/London; never a child's name or any case detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from workflow.contact import reference_for

LONDON = ZoneInfo("Europe/London")
UNKNOWN_TIMESCALE = "A timescale"
_STATE = {"warning": "is due soon", "breach": "is overdue",
          "escalation": "is still overdue (escalated to you)"}
KIND_LABELS = {"warning": "Due soon", "breach": "Overdue", "escalation": "Escalated"}


@dataclass(frozen=True)
class Message:
    """What a person reads: a one-line subject and a short body ending in a sign-in link."""

    subject: str
    body: str
    reference: str
    due: str
    link: str


def due_words(due_at: datetime) -> str:
    """``Tue 1 Dec 17:00``: the GOV.UK style day, in London time."""
    local = due_at.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def compose(kind: str, rule_title: str | None, contact_id: int, due_at: datetime,
            link: str) -> Message:
    """The message about one clock; ``link`` is where the recipient signs in to see it."""
    title = rule_title or UNKNOWN_TIMESCALE
    reference, due = reference_for(contact_id), due_words(due_at)
    subject = f"{title} {_STATE.get(kind, 'needs attention')}: {reference}, due {due}"
    body = f"{subject}.\n\nSign in to Front Door to see the contact: {link}\n"
    return Message(subject, body, reference, due, link)
