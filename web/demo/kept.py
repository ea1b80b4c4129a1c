"""Units of work for a bulk load that hand the contact a command saved to the next command
on the same contact, instead of reading it back.

Why: a demo contact is walked through a dozen commands one after another, and reading it
back (its row, its open clocks, its records one query each) before every one was a fifth
of the load. The contact kept is exactly what the repository wrote: its fields, its open
clocks with their ids, its records as stored. Anything not certainly current is read again
(the visits, which a new visit does not update in memory, and a contact whose command did
not commit). The rows written are the same as without it (tests/integration/
test_demo_batched.py compares every row of every table).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflow.contact import Contact
from workflow.ports import UnitOfWork


class Remembering:
    """A unit-of-work factory keeping the last contact saved (one contact, the one being
    walked)."""

    def __init__(self, factory: Callable[[], UnitOfWork]) -> None:
        self.factory = factory
        self.kept: Contact | None = None

    def __call__(self) -> _KeptUnitOfWork:
        return _KeptUnitOfWork(self.factory(), self)


class _KeptUnitOfWork:
    """One command's unit of work; ``contacts`` answers from the kept contact when it can."""

    def __init__(self, inner: Any, owner: Remembering) -> None:
        self.inner, self.owner = inner, owner
        self.committed = False

    def __enter__(self) -> _KeptUnitOfWork:
        self.inner.__enter__()
        self.contacts = _KeptContacts(self.inner.contacts, self)
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            self.owner.kept = None  # refused or failed: the one in memory may be half-changed
        self.inner.__exit__(*exc)

    def commit(self) -> None:
        self.inner.commit()
        self.committed = True

    def rollback(self) -> None:
        self.inner.rollback()
        self.owner.kept = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _KeptContacts:
    """The repository, but ``get`` of the contact just saved returns it as saved."""

    def __init__(self, inner: Any, uow: _KeptUnitOfWork) -> None:
        self.inner, self.uow = inner, uow

    def get(self, contact_id: int) -> Contact:
        kept = self.uow.owner.kept
        if kept is None or kept.id != contact_id:
            found: Contact = self.inner.get(contact_id)
            return found
        kept.records = self.inner.records  # read any record not yet read in this session
        kept._cache.pop("visits", None)  # a visit written is not added to the cached list
        return kept

    def save(self, contact: Contact, read_version: int) -> None:
        self.inner.save(contact, read_version)
        self.uow.owner.kept = contact

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
