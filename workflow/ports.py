"""What the service layer needs from persistence, as protocols (Cosmic Python's ports).

``workflow`` never imports SQLAlchemy: the SQL adapters in ``workflow.persistence`` satisfy
these protocols and are plugged in at start-up; tests may plug in fakes. One unit of work
is one transaction over every repository, so an action's event, its records and anything
it changes elsewhere (a meeting's agenda, a stepped-up contact) commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from workflow.accounts import Directory
from workflow.contact import Contact
from workflow.intake.matching import KnownChild
from workflow.people.records import Address, Change, Person, PersonDetails


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


class Contacts(Protocol):
    def get(self, contact_id: int) -> Contact: ...
    def add(self, contact: Contact, **details: Any) -> int: ...
    def save(self, contact: Contact, read_version: int) -> None: ...
    def set_intake(self, contact: Contact, intake: str) -> None: ...
    def owner_of(self, record: str, record_id: int) -> int | None: ...


class People(Protocol):
    def add(self, details: PersonDetails, now: datetime, by: str) -> int: ...
    def exists(self, person_id: int) -> bool: ...
    def get(self, person_id: int) -> Person: ...
    def save(self, person: Person, read_version: int, changes: list[Change], reason: str,
             by: str, now: datetime) -> None: ...
    def move(self, person_id: int, address: Address, by: str, now: datetime) -> int: ...
    def relate(self, person_id: int, relative_id: int, kind: str,
               parental_responsibility: bool, lives_with: bool, by: str,
               now: datetime) -> int: ...
    def warn(self, person_id: int, text: str, by: str, now: datetime) -> int: ...


class ChildHistory(Protocol):
    def candidates(self, child: PersonDetails, limit: int) -> list[KnownChild]: ...
    def open_case(self, child_id: int) -> OpenCase | None: ...
    def contacts_since(self, child_id: int, since: datetime,
                       until: datetime) -> list[PastContact]: ...


class Meetings(Protocol):
    def on_date(self, day: date) -> Meeting | None: ...
    def get(self, meeting_id: int) -> Meeting: ...
    def open(self, day: date, chair: str, at: datetime) -> int: ...
    def add_attendee(self, meeting_id: int, agency: str, name: str, position: str) -> None: ...
    def agenda_item(self, meeting_id: int, contact_id: int) -> int | None: ...
    def add_to_agenda(self, meeting_id: int, contact_id: int, by: str, at: datetime) -> int: ...


class UnitOfWork(Protocol):
    """One transaction: everything inside commits together or not at all."""

    @property
    def contacts(self) -> Contacts: ...
    @property
    def people(self) -> People: ...
    @property
    def history(self) -> ChildHistory: ...
    @property
    def meetings(self) -> Meetings: ...
    @property
    def directory(self) -> Directory: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
