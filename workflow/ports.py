"""What the service layer needs from persistence, as protocols (Cosmic Python's ports).

``workflow`` never imports SQLAlchemy: the SQL adapters in ``workflow.persistence``
satisfy these protocols and are plugged in at start-up; tests may plug in fakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from workflow.casework.ports import Casework
from workflow.contact import Contact


@dataclass(frozen=True)
class ChildDetails:
    """What the front door records about a child at intake (synthetic in demos and tests)."""

    first_name: str
    last_name: str
    date_of_birth: date | None = None
    gender: str = "0"
    nhs_number: str | None = None
    upn: str | None = None
    disability: bool | None = None  # None = not recorded (the CIN census needs it)


class Contacts(Protocol):
    def get(self, contact_id: int) -> Contact: ...
    def add(self, contact: Contact, **details: Any) -> int: ...
    def save(self, contact: Contact, read_version: int) -> None: ...
    def set_intake(self, contact: Contact, intake: str) -> None: ...


class Children(Protocol):
    def add(self, child: ChildDetails, now: datetime) -> int: ...
    def exists(self, child_id: int) -> bool: ...


class UnitOfWork(Protocol):
    """One transaction: everything inside commits together or not at all."""

    @property
    def contacts(self) -> Contacts: ...
    @property
    def children(self) -> Children: ...
    @property
    def casework(self) -> Casework: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
