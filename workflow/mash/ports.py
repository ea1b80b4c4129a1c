"""What the MASH services need from persistence, as protocols (Cosmic Python's ports).

The MASH keeps two kinds of record beside the contact: information requests to partner
agencies and the daily meeting. Each change to them is made in the same unit of work
(one transaction) as the engine event it goes with, so a refusal leaves both unchanged.
``workflow.persistence.mash_repository`` implements these with SQL; tests may use fakes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from workflow.intake.matching import KnownChild
from workflow.ports import ChildDetails, UnitOfWork


@dataclass(frozen=True)
class NewRequest:
    """A request about to be sent: everything but its id and its answer."""

    contact_id: int
    child_id: int | None
    agency: str
    question: str
    lawful_basis: str
    lawful_basis_detail: str
    authorised_by: str
    requested_by: str
    requested_at: datetime
    requested_month: str
    rag: str
    rule_version: str
    due_at: datetime


@dataclass(frozen=True)
class InfoRequest:
    """A stored request, as the services need it."""

    id: int
    contact_id: int
    agency: str
    status: str
    due_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True)
class OpenCase:
    """A child's contact that is an open case (assessment, s47, plan ...)."""

    contact_id: int
    stage: str
    team: str | None
    worker: str | None


@dataclass(frozen=True)
class PastContact:
    """An earlier contact about the same child (repeat-contact and re-referral checks)."""

    contact_id: int
    received_at: datetime
    referral_at: datetime | None


@dataclass(frozen=True)
class Meeting:
    """A daily MASH meeting and who attended it, for which agency."""

    id: int
    held_on: date
    chair: str
    attendees: tuple[tuple[str, str], ...] = ()  # (agency, name)

    @property
    def agencies(self) -> tuple[str, ...]:
        """The agencies that attended, each once, in name order."""
        return tuple(sorted({agency for agency, _name in self.attendees}))


class Requests(Protocol):
    def add(self, new: NewRequest) -> int: ...
    def get(self, request_id: int) -> InfoRequest: ...
    def open_ids(self, contact_id: int) -> list[int]: ...
    def count_open(self, contact_id: int) -> int: ...
    def answer(self, request_id: int, text: str, by: str, at: datetime) -> None: ...
    def chase(self, request_id: int, at: datetime) -> None: ...
    def close(self, request_id: int, status: str, by: str, at: datetime, reason: str) -> None: ...


class Meetings(Protocol):
    def on_date(self, day: date) -> Meeting | None: ...
    def get(self, meeting_id: int) -> Meeting: ...
    def open(self, day: date, chair: str, at: datetime) -> int: ...
    def add_attendee(self, meeting_id: int, agency: str, name: str, position: str) -> None: ...
    def agenda_item(self, meeting_id: int, contact_id: int) -> int | None: ...
    def add_to_agenda(self, meeting_id: int, contact_id: int, by: str, at: datetime) -> int: ...
    def record_decision(self, item_id: int, decision: Mapping[str, Any], by: str,
                        at: datetime) -> None: ...


class ChildHistory(Protocol):
    def candidates(self, child: ChildDetails, limit: int) -> list[KnownChild]: ...
    def open_case(self, child_id: int) -> OpenCase | None: ...
    def contacts_since(self, child_id: int, since: datetime,
                       until: datetime) -> list[PastContact]: ...


class MashUnitOfWork(UnitOfWork, Protocol):
    """The engine's unit of work plus the MASH's records, in one transaction."""

    @property
    def requests(self) -> Requests: ...
    @property
    def meetings(self) -> Meetings: ...
    @property
    def history(self) -> ChildHistory: ...
