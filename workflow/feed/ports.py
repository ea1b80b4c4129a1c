"""What sending the feed needs from outside: the DfE's API, and the send log.

Errors a caller can act on (the ``httpx`` habit: one class per thing to do about it)::

    FeedError                    the feed could not be sent; the message says why
    ├── FeedAuthError            the token endpoint or the API refused our credentials
    └── FeedUnavailable          no answer in time, or the connection failed (retried)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from workflow.errors import FrontDoorError
from workflow.feed.records import Batch, FeedKind, Refusal


class FeedError(FrontDoorError):
    """The feed could not be sent."""


class FeedAuthError(FeedError):
    """The DfE refused our client id, secret or scope (or the token it gave)."""


class FeedUnavailable(FeedError):
    """A timeout or a failed connection: worth another try later."""


@dataclass(frozen=True)
class Answer:
    """The DfE's answer to one POST: the HTTP status, how long it asked us to wait, and the
    receipt it gave for data received (``Receipt``: a UUID)."""

    status: int
    retry_after: float | None = None
    receipt: str | None = None

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


class Transport(Protocol):
    """The DfE's API: an OAuth2 client-credentials token, then a POST per batch."""

    def token(self) -> str: ...  # raises FeedAuthError, FeedUnavailable

    def submit(self, body: bytes, batch_id: str, token: str) -> Answer: ...  # FeedUnavailable


@dataclass(frozen=True)
class RunStart:
    """A run as it starts: what kind, the instant its records were read, the cohort window."""

    run_id: str
    kind: FeedKind
    as_at: datetime
    window_start: date
    started_at: datetime
    children: int
    purges: int


class FeedLog(Protocol):
    """The send log (no personal data: LA ids, counts, ids, statuses and HTTP codes)."""

    def start_run(self, run: RunStart, refusals: Sequence[Refusal]) -> None: ...

    def add_batch(self, run_id: str, batch: Batch, at: datetime) -> None: ...

    def batch_done(self, run_id: str, batch: Batch, answer: Answer | None, attempts: int,
                   at: datetime) -> None: ...  # accepted: the ledger takes its records

    def finish_run(self, run_id: str, status: str, at: datetime, note: str = "") -> None: ...
