"""API clients: another system (a police force's case system, a health trust's) that calls
the JSON API with a bearer token instead of a person signing in.

Why scopes and not a role: a role is everything a kind of person may do on every page; a
system needs one or two narrow things ("create contacts and read what became of them"), and
a leaked token should open no more than that. Each scope names the routes it opens and the
role the engine sees when the client acts through them (the engine's transition rows grant
roles: recording a contact is front-door intake, answering a request is a partner's act).
Every scope is bound to the client's agency: a client reads only the contacts it sent and
the requests addressed to its agency.

A token is ``fdt_<key>_<secret>``: the key (8 hex digits, stored as it is) finds the client
and tells an administrator which token a log line is about; the secret (256 random bits) is
stored only as the SHA-256 of the whole token, compared in constant time. A fast hash is as
safe as a slow one for 256 random bits (there is nothing to guess), and a leaked table
cannot be replayed. The token is shown once, when made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from workflow.roles import Role

#: Tokens begin with this, so a secret scanner (and a person) can tell one from noise.
TOKEN_PREFIX = "fdt_"  # noqa: S105 - a marker, not a secret


class Scope(StrEnum):
    """What a client may do; granted one by one by an administrator."""

    CONTACTS_CREATE = "contacts:create"
    CONTACTS_READ_OWN = "contacts:read-own"
    REQUESTS_READ_OWN = "requests:read-own"
    REQUESTS_ANSWER = "requests:answer"
    REFERENCE_READ = "reference:read"

    @property
    def label(self) -> str:
        """What the scope lets a client do, in words for the admin page and the docs."""
        return _LABELS[self]

    @property
    def acts_as(self) -> Role:
        """The role the engine checks when a client acts under this scope."""
        return _ACTS_AS[self]


_LABELS = {
    Scope.CONTACTS_CREATE: "Send contacts (new worries about children)",
    Scope.CONTACTS_READ_OWN: "Read the outcome of contacts this client sent",
    Scope.REQUESTS_READ_OWN: "Read the information requests addressed to its agency",
    Scope.REQUESTS_ANSWER: "Answer information requests addressed to its agency",
    Scope.REFERENCE_READ: "Read reference data (levels of need)",
}
_ACTS_AS = {
    Scope.CONTACTS_CREATE: Role.FRONT_DOOR_WORKER,
    Scope.CONTACTS_READ_OWN: Role.PARTNER,
    Scope.REQUESTS_READ_OWN: Role.PARTNER,
    Scope.REQUESTS_ANSWER: Role.PARTNER,
    Scope.REFERENCE_READ: Role.PARTNER,
}


def parse_scopes(text: str) -> tuple[frozenset[Scope], list[str]]:
    """Scopes from a space- or comma-separated list, and the words that are no scope."""
    words = [w for w in text.replace(",", " ").split() if w]
    known = {s.value: s for s in Scope}
    return (frozenset(known[w] for w in words if w in known),
            [w for w in words if w not in known])


@dataclass(frozen=True)
class ApiClient:
    """One system allowed to call the API, bound to one agency."""

    id: int
    name: str
    agency: str
    scopes: frozenset[Scope]
    key: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def actor_name(self) -> str:
        """How the client appears as the actor in a contact's history."""
        return f"api:{self.name}"

    def usable(self, now: datetime) -> bool:
        """Neither revoked nor past its expiry."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


@dataclass(frozen=True)
class TokenUse:
    """One request made with a token: which client, which route, what it got, when (never
    a body, a query string or anything about a child)."""

    client_id: int | None
    at: datetime
    method: str
    route: str
    status: int


def new_token() -> tuple[str, str]:
    """A fresh token (256 random bits) and its key; the token is shown once, never stored."""
    key = secrets.token_hex(4)
    return f"{TOKEN_PREFIX}{key}_{secrets.token_urlsafe(32)}", key


def key_of(token: str) -> str | None:
    """The key part of a token as Front Door makes them (None: not one of its tokens)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    key, sep, secret = token.removeprefix(TOKEN_PREFIX).partition("_")
    if not sep or not secret or len(key) != 8 or not all(c in "0123456789abcdef" for c in key):
        return None
    return key


def token_hash(token: str) -> str:
    """What is stored and looked up: the token's SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same_hash(stored: str, offered: str) -> bool:
    """Compare two hashes in constant time (no timing hint of how much matched)."""
    return hmac.compare_digest(stored.encode(), offered.encode())


class Clients(Protocol):
    """The API clients, their token-use log and their webhook subscriptions."""

    def create(self, name: str, agency: str, scopes: frozenset[Scope], token: str,
               by: str, now: datetime, expires_at: datetime | None = None) -> ApiClient: ...
    def by_token(self, token: str) -> ApiClient | None: ...
    def by_name(self, name: str) -> ApiClient | None: ...
    def all(self) -> list[ApiClient]: ...
    def revoke(self, client_id: int, now: datetime) -> bool: ...
    def log_use(self, use: TokenUse) -> None: ...
    def uses(self, limit: int, client_id: int | None = None) -> list[TokenUse]: ...
