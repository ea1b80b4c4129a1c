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
        return self._on(self.session_factory())

    def _on(self, session: Session) -> SqlUnitOfWork:
        """Every repository on ``session``."""
        self.session = session
        self.contacts = ContactRepository(session)
        self.people = SqlPeople(session)
        self.history = SqlChildHistory(session)
        self.meetings = SqlMeetings(session)
        self.directory = SqlDirectory(session)
        self.audits = SqlAudits(session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class BatchedUnitOfWork(SqlUnitOfWork):
    """One command of a bulk load: a savepoint inside a transaction many commands share.

    Why: the demo walks thousands of contacts through the command path a page takes, and
    a transaction (session, connection, BEGIN IMMEDIATE, commit) per command was much of
    its cost. Here each command still commits or rolls back alone (its savepoint), and
    starts from an empty identity map, as it would in a session of its own; the shared
    transaction commits every ``size`` commands (``Batch.commit``).
    """

    def __init__(self, batch: Batch) -> None:
        super().__init__(batch.sessions)
        self.batch = batch

    def __enter__(self) -> SqlUnitOfWork:
        session = self.batch.session()
        session.expunge_all()  # nothing carried over from the previous command
        self._savepoint = session.begin_nested()
        return self._on(session)

    def __exit__(self, *exc: object) -> None:
        if self._savepoint.is_active:
            self._savepoint.rollback()
        self.batch.done()

    def commit(self) -> None:
        self._savepoint.commit()

    def rollback(self) -> None:
        self._savepoint.rollback()


class Batch:
    """Units of work that share one transaction, committed every ``size`` commands and by
    ``commit`` (call it before anything else reads what the batch wrote)."""

    def __init__(self, sessions: sessionmaker[Session], size: int = 200) -> None:
        self.sessions, self.size = sessions, size
        self._session: Session | None = None
        self._pending = 0

    def __call__(self) -> BatchedUnitOfWork:
        return BatchedUnitOfWork(self)

    def session(self) -> Session:
        if self._session is None:
            self._session = self.sessions()
        return self._session

    def done(self) -> None:
        self._pending += 1
        if self._pending >= self.size:
            self.commit()

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()
            self._session.close()
            self._session, self._pending = None, 0
