"""The MASH's records about a contact: its information requests and its agenda items.

An information request is one question to one partner agency with its own due instant
(from the contact's RAG rating); an agenda item is the contact's place on a daily meeting,
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
    chase_count: int = 0
    last_chased_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    closed_reason: str = ""
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is RequestStatus.OPEN

    def answered(self, text: str, by: str, at: datetime) -> InfoRequest:
        return replace(self, status=RequestStatus.ANSWERED, answer=text, answered_by=by,
                       answered_at=at)

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
