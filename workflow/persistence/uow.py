"""The SQL unit of work: one session, one transaction, rolled back unless committed.

Every repository works on the same session, so an action's event, its records and
anything it changes elsewhere (a meeting's agenda, a stepped-up contact) commit together.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from workflow.persistence.accounts import SqlDirectory
from workflow.persistence.audits import SqlAudits
from workflow.persistence.meetings import SqlChildHistory, SqlMeetings
from workflow.persistence.people import SqlPeople
from workflow.persistence.repository import ContactRepository


class SqlUnitOfWork:
    """Context manager: ``with uow: …; uow.commit()``. Leaving without commit rolls back."""

    session: Session
    contacts: ContactRepository
    people: SqlPeople
    history: SqlChildHistory
    meetings: SqlMeetings
    directory: SqlDirectory
    audits: SqlAudits

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self.session_factory()
        self.contacts = ContactRepository(self.session)
        self.people = SqlPeople(self.session)
        self.history = SqlChildHistory(self.session)
        self.meetings = SqlMeetings(self.session)
        self.directory = SqlDirectory(self.session)
        self.audits = SqlAudits(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
