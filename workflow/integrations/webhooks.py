"""Outbound webhooks: Front Door tells a subscribed client that something happened to a
record of its agency, signed so the receiver can trust it, retried until it is heard.

Why these choices (each is what an integrator expects from Stripe- or GitHub-style hooks):

- **Signed**: ``Front-Door-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`` over
  ``"<t>.<body>"`` with the subscription's secret. The timestamp is inside the signature so
  a captured request cannot be replayed later: receivers refuse one older than
  ``REPLAY_WINDOW``.
- **Idempotent**: every event has an id (``Front-Door-Event-Id`` and ``id`` in the body)
  that stays the same across retries, so a receiver that got a delivery whose answer was
  lost ignores the repeat.
- **Retried with exponential backoff**: 1, 2, 4 … minutes (capped at six hours) until
  ``MAX_ATTEMPTS``, then the delivery is marked failed for an administrator to see.
- **No personal data**: a payload carries references, stages and outcomes only, never a
  name, a date of birth or the text of a concern; the receiver asks the API for more,
  under its own scopes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from workflow.integrations.clients import Scope

SIGNATURE_HEADER = "Front-Door-Signature"
EVENT_ID_HEADER = "Front-Door-Event-Id"
#: How old a signed timestamp a receiver should accept (and the docs tell it to).
REPLAY_WINDOW = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
#: How long Front Door waits for a receiver to answer one delivery.
TIMEOUT_SECONDS = 10.0


class EventKind(StrEnum):
    """What a client may subscribe to, each tied to the scope that lets it see the record."""

    CONTACT_CREATED = "contact.created"
    CONTACT_DECIDED = "contact.decided"
    REQUEST_CREATED = "request.created"
    REQUEST_ANSWERED = "request.answered"

    @property
    def needs(self) -> Scope:
        """The scope a client must hold to subscribe (it would read the same by polling)."""
        if self in (EventKind.CONTACT_CREATED, EventKind.CONTACT_DECIDED):
            return Scope.CONTACTS_READ_OWN
        return Scope.REQUESTS_READ_OWN

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    EventKind.CONTACT_CREATED: "A contact this client sent was recorded",
    EventKind.CONTACT_DECIDED: "A threshold decision on a contact this client sent is in force",
    EventKind.REQUEST_CREATED: "An information request was sent to the client's agency",
    EventKind.REQUEST_ANSWERED: "An information request to the client's agency was answered",
}

#: The contact-history triggers each event is read from.
TRIGGERS: dict[str, EventKind] = {
    "receive": EventKind.CONTACT_CREATED,
    "decide": EventKind.CONTACT_DECIDED,
    "sign_off": EventKind.CONTACT_DECIDED,
    "request_information": EventKind.REQUEST_CREATED,
    "answer_request": EventKind.REQUEST_ANSWERED,
}


@dataclass(frozen=True)
class Subscription:
    """One client's wish to hear of one kind of event at one URL."""

    id: int
    client_id: int
    event: EventKind
    url: str
    created_at: datetime
    active: bool = True


@dataclass(frozen=True)
class Sent:
    """What one attempt to deliver got: the receiver's status (None: no answer at all)."""

    status: int | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


#: How a delivery is sent: (url, body bytes, headers, timeout seconds) → what came back.
HttpPost = Callable[[str, bytes, dict[str, str], float], Sent]


def new_secret() -> str:
    """A subscription's signing secret (shown once to the administrator who subscribes)."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value: ``t=<timestamp>,v1=<HMAC-SHA256 of "<timestamp>.<body>">``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: datetime) -> bool:
    """What a receiver does (and the tests' stand-in receiver does): recompute the HMAC,
    compare in constant time, and refuse a timestamp outside the replay window."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > REPLAY_WINDOW.total_seconds():
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected.encode(), f"t={timestamp},v1={parts.get('v1', '')}"
                               .encode())


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failures (None: give up, it has failed)."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)
