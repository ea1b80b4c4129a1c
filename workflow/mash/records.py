"""The MASH's records about a contact: its information requests and its agenda items.

An information request is one question to one partner agency with its own due instant
(from the contact's RAG rating), asked on a recorded lawful basis; the agency's answer says
whether it shared, on what basis, and — when it kept anything back — why and who decided
(Children Act 2004 s16LA, DOMAIN.md §7: a decision not to share is recorded with its reason
and who made it). An agenda item is the contact's place on a daily meeting,
carrying each attending agency's view and the joint recommendation once recorded. Both are
frozen values replaced through ``contact.put`` and written in the contact's transaction.
"Overdue" is never stored: it is ``status = 'open' AND due_at < now``, read in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum


class RequestStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"


class Sharing(StrEnum):
    """What an agency's answer gave: everything asked, part of it, or nothing."""

    SHARED = "shared"
    SHARED_IN_PART = "shared_in_part"
    NOT_SHARED = "not_shared"

    @property
    def label(self) -> str:
        return _SHARING_LABELS[self]

    @property
    def withholds(self) -> bool:
        """True when something asked for was kept back (its reason must be recorded)."""
        return self is not Sharing.SHARED


_SHARING_LABELS = {Sharing.SHARED: "Shared", Sharing.SHARED_IN_PART: "Shared in part",
                   Sharing.NOT_SHARED: "Not shared"}


@dataclass(frozen=True)
class Reply:
    """An agency's answer as given: what it shared, on what basis, and what it kept back.

    ``reason``, ``decided_by_name`` and ``decided_by_role`` say why something was not
    shared and who decided; ``more_detrimental`` is the decision-maker's judgement that
    sharing would be more detrimental to the child than not (asked while s16LA is in force).
    """

    sharing: Sharing
    text: str = ""
    basis: str | None = None
    basis_detail: str = ""
    reason: str = ""
    decided_by_name: str = ""
    decided_by_role: str = ""
    more_detrimental: bool | None = None


@dataclass(frozen=True)
class InfoRequest:
    """One question to one partner agency about one contact."""

    agency: str
    question: str
    lawful_basis: str
    authorised_by: str
    requested_by: str
    requested_at: datetime
    requested_month: str
    rag: str
    rule_version: str
    due_at: datetime
    lawful_basis_detail: str = ""
    status: RequestStatus = RequestStatus.OPEN
    answered_at: datetime | None = None
    answered_by: str | None = None
    answer: str = ""
    sharing: Sharing | None = None
    answer_basis: str | None = None
    answer_basis_detail: str = ""
    not_shared_reason: str = ""
    decided_by_name: str = ""
    decided_by_role: str = ""
    more_detrimental: bool | None = None
    chase_count: int = 0
    last_chased_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    closed_reason: str = ""
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is RequestStatus.OPEN

    def answered(self, reply: Reply, by: str, at: datetime) -> InfoRequest:
        """The request closed by the agency's reply (``by`` recorded it, at ``at``)."""
        return replace(self, status=RequestStatus.ANSWERED, answer=reply.text, answered_by=by,
                       answered_at=at, sharing=reply.sharing, answer_basis=reply.basis,
                       answer_basis_detail=reply.basis_detail, not_shared_reason=reply.reason,
                       decided_by_name=reply.decided_by_name,
                       decided_by_role=reply.decided_by_role,
                       more_detrimental=reply.more_detrimental)

    def chased(self, at: datetime) -> InfoRequest:
        return replace(self, chase_count=self.chase_count + 1, last_chased_at=at)

    def withdrawn(self, by: str, at: datetime, reason: str) -> InfoRequest:
        return replace(self, status=RequestStatus.WITHDRAWN, closed_by=by, closed_at=at,
                       closed_reason=reason)


@dataclass(frozen=True)
class AgendaItem:
    """A contact on one daily meeting's agenda, with the meeting's attendance."""

    meeting_id: int
    meeting_date: date
    attending_agencies: tuple[str, ...]
    id: int
    views: Mapping[str, str] = field(default_factory=dict)
    outcome: str | None = None
    level: int | None = None
    rationale: str = ""
    decided_by: str | None = None
    decided_at: datetime | None = None

    def decided(self, views: Mapping[str, str], outcome: str, level: int | None,
                rationale: str, by: str, at: datetime) -> AgendaItem:
        return replace(self, views=dict(views), outcome=outcome, level=level,
                       rationale=rationale, decided_by=by, decided_at=at)
