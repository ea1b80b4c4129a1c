"""The SQL unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflow.persistence.casework_repository import SqlCasework
from workflow.persistence.repository import ContactRepository
from workflow.persistence.tables import ChildRow
from workflow.ports import ChildDetails


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
        self.session.flush()  # flush(objects) is deprecated in SQLAlchemy 2.1
        return row.id

    def exists(self, child_id: int) -> bool:
        return self.session.scalar(select(ChildRow.id).where(ChildRow.id == child_id)) is not None


class SqlUnitOfWork:
    """Context manager: ``with uow: …; uow.commit()``. Leaving without commit rolls back."""

    session: Session
    contacts: ContactRepository
    children: ChildRepository
    casework: SqlCasework

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self.session_factory()
        self.contacts = ContactRepository(self.session)
        self.children = ChildRepository(self.session)
        self.casework = SqlCasework(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
