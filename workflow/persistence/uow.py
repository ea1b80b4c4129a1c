"""The SQL unit of work: one session, one transaction, rolled back unless committed.

Every repository works on the same session, so an action's event, its records and
anything it changes elsewhere (a meeting's agenda, a stepped-up contact) commit together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflow.intake.records import ChildDetails
from workflow.persistence.meetings import SqlChildHistory, SqlMeetings
from workflow.persistence.repository import ContactRepository
from workflow.persistence.tables import ChildRow


class ChildRepository:
    """Children recorded at intake."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, child: ChildDetails, now: datetime) -> int:
        row = ChildRow(first_name=child.first_name, last_name=child.last_name,
                       date_of_birth=child.date_of_birth, gender=child.gender,
                       nhs_number=child.nhs_number, upn=child.upn,
                       disability=child.disability, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def exists(self, child_id: int) -> bool:
        return self.session.scalar(select(ChildRow.id).where(ChildRow.id == child_id)) is not None


class SqlUnitOfWork:
    """Context manager: ``with uow: …; uow.commit()``. Leaving without commit rolls back."""

    session: Session
    contacts: ContactRepository
    children: ChildRepository
    history: SqlChildHistory
    meetings: SqlMeetings

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self.session_factory()
        self.contacts = ContactRepository(self.session)
        self.children = ChildRepository(self.session)
        self.history = SqlChildHistory(self.session)
        self.meetings = SqlMeetings(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
