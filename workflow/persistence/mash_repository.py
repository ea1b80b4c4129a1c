"""SQL adapters for the MASH ports: requests, meetings, and a child's history.

Every state change of a request is one conditional UPDATE (``WHERE status = 'open'``):
if someone else answered or withdrew it first the row count is 0 and the change is
refused, so two people can never both close the same request, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Update, func, or_, select, update
from sqlalchemy.orm import Session

from workflow.errors import InvalidTransition, NotFound
from workflow.intake.matching import KnownChild, swapped
from workflow.mash.ports import InfoRequest, Meeting, NewRequest, OpenCase, PastContact
from workflow.persistence.tables import ChildRow, ContactRow
from workflow.persistence.tables_mash import (
    AgendaItemRow,
    AttendeeRow,
    InfoRequestRow,
    MeetingRow,
)
from workflow.persistence.uow import SqlUnitOfWork
from workflow.ports import ChildDetails

#: A child has an open case while one of their contacts is in one of these stages.
OPEN_CASE_STAGES = ("assessment", "strategy_discussion", "section_47", "cp_plan", "cin_plan")


class SqlRequests:
    """Information requests in table ``info_request``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, new: NewRequest) -> int:
        row = InfoRequestRow(**vars(new), status="open", answer="", chase_count=0,
                             closed_reason="")
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, request_id: int) -> InfoRequest:
        row = self.session.get(InfoRequestRow, request_id)
        if row is None:
            raise NotFound(f"There is no information request {request_id}.")
        return InfoRequest(row.id, row.contact_id, row.agency, row.status, row.due_at,
                           row.answered_at)

    def open_ids(self, contact_id: int) -> list[int]:
        return list(self.session.scalars(select(InfoRequestRow.id).where(
            InfoRequestRow.contact_id == contact_id, InfoRequestRow.status == "open")
            .order_by(InfoRequestRow.id)))

    def count_open(self, contact_id: int) -> int:
        return int(self.session.scalar(select(func.count()).select_from(InfoRequestRow).where(
            InfoRequestRow.contact_id == contact_id, InfoRequestRow.status == "open")) or 0)

    def answer(self, request_id: int, text: str, by: str, at: datetime) -> None:
        self._while_open(request_id, update(InfoRequestRow).values(
            status="answered", answer=text, answered_by=by, answered_at=at))

    def chase(self, request_id: int, at: datetime) -> None:
        self._while_open(request_id, update(InfoRequestRow).values(
            chase_count=InfoRequestRow.chase_count + 1, last_chased_at=at))

    def close(self, request_id: int, status: str, by: str, at: datetime, reason: str) -> None:
        self._while_open(request_id, update(InfoRequestRow).values(
            status=status, closed_by=by, closed_at=at, closed_reason=reason))

    def _while_open(self, request_id: int, statement: Update) -> None:
        result = self.session.execute(statement.where(
            InfoRequestRow.id == request_id, InfoRequestRow.status == "open")
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise InvalidTransition(f"Information request {request_id} is no longer open: "
                                    "someone answered, withdrew or closed it first.")


class SqlMeetings:
    """Daily MASH meetings, their attendees and agenda."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def on_date(self, day: date) -> Meeting | None:
        meeting_id = self.session.scalar(select(MeetingRow.id).where(MeetingRow.held_on == day))
        return None if meeting_id is None else self.get(meeting_id)

    def get(self, meeting_id: int) -> Meeting:
        row = self.session.get(MeetingRow, meeting_id)
        if row is None:
            raise NotFound(f"There is no MASH meeting {meeting_id}.")
        attendees = self.session.execute(select(AttendeeRow.agency, AttendeeRow.name).where(
            AttendeeRow.meeting_id == meeting_id).order_by(AttendeeRow.agency, AttendeeRow.id))
        return Meeting(row.id, row.held_on, row.chair, tuple((a, n) for a, n in attendees))

    def open(self, day: date, chair: str, at: datetime) -> int:
        row = MeetingRow(held_on=day, chair=chair, opened_at=at)
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_attendee(self, meeting_id: int, agency: str, name: str, position: str) -> None:
        self.session.add(AttendeeRow(meeting_id=meeting_id, agency=agency, name=name,
                                     position=position))
        self.session.flush()

    def agenda_item(self, meeting_id: int, contact_id: int) -> int | None:
        return self.session.scalar(select(AgendaItemRow.id).where(
            AgendaItemRow.meeting_id == meeting_id, AgendaItemRow.contact_id == contact_id))

    def add_to_agenda(self, meeting_id: int, contact_id: int, by: str, at: datetime) -> int:
        row = AgendaItemRow(meeting_id=meeting_id, contact_id=contact_id, added_by=by,
                            added_at=at, rationale="")
        self.session.add(row)
        self.session.flush()
        return row.id

    def record_decision(self, item_id: int, decision: Mapping[str, Any], by: str,
                        at: datetime) -> None:
        self.session.execute(update(AgendaItemRow).where(AgendaItemRow.id == item_id).values(
            views=dict(decision["views"]), outcome=decision["outcome"],
            rationale=decision["rationale"], decided_by=by, decided_at=at))


class SqlChildHistory:
    """What is already known about a child: candidates, open cases, earlier contacts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def candidates(self, child: ChildDetails, limit: int = 200) -> list[KnownChild]:
        """Children worth scoring: same identifier, same or swapped birthday, or surname start.

        SQL narrows (indexed columns); ``workflow.intake.matching`` ranks. The surname prefix is
        only used without a date of birth, where nothing else narrows the search.
        """
        rows = self.session.scalars(select(ChildRow).where(or_(*_narrowing(child)))
                                    .order_by(ChildRow.id).limit(limit))
        return [KnownChild(r.id, r.first_name, r.last_name, r.date_of_birth, r.nhs_number,
                           r.upn) for r in rows]

    def open_case(self, child_id: int) -> OpenCase | None:
        row = self.session.execute(
            select(ContactRow.id, ContactRow.stage, ContactRow.team, ContactRow.worker)
            .where(ContactRow.child_id == child_id, ContactRow.stage.in_(OPEN_CASE_STAGES))
            .order_by(ContactRow.received_at.desc(), ContactRow.id.desc()).limit(1)).first()
        return None if row is None else OpenCase(row.id, row.stage, row.team, row.worker)

    def contacts_since(self, child_id: int, since: datetime, until: datetime
                       ) -> list[PastContact]:
        in_range = or_(ContactRow.received_at.between(since, until),
                       ContactRow.referral_at.between(since, until))
        rows = self.session.execute(
            select(ContactRow.id, ContactRow.received_at, ContactRow.referral_at)
            .where(ContactRow.child_id == child_id, in_range).order_by(ContactRow.received_at))
        return [PastContact(r.id, r.received_at, r.referral_at) for r in rows]


def _narrowing(child: ChildDetails) -> list[Any]:
    conditions: list[Any] = []
    if child.nhs_number:
        conditions.append(ChildRow.nhs_number == child.nhs_number.replace(" ", ""))
    if child.upn:
        conditions.append(ChildRow.upn == child.upn.replace(" ", "").upper())
    if child.date_of_birth:
        days = [d for d in (child.date_of_birth, swapped(child.date_of_birth)) if d]
        conditions.append(ChildRow.date_of_birth.in_(days))
    elif child.last_name.strip():
        prefix = child.last_name.strip()[:2].lower()
        conditions.append(func.lower(ChildRow.last_name).startswith(prefix, autoescape=True))
    return conditions or [ChildRow.id.is_(None)]


class SqlMashUnitOfWork(SqlUnitOfWork):
    """The engine's unit of work with the MASH's repositories on the same session."""

    requests: SqlRequests
    meetings: SqlMeetings
    history: SqlChildHistory

    def __enter__(self) -> SqlMashUnitOfWork:
        super().__enter__()
        self.requests = SqlRequests(self.session)
        self.meetings = SqlMeetings(self.session)
        self.history = SqlChildHistory(self.session)
        return self
