"""SQL adapters for the daily meeting and for what is already known about a child."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from workflow.errors import NotFound
from workflow.intake.matching import KnownChild, swapped
from workflow.people.records import PersonDetails
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_mash import (
    AgendaItemRow,
    AttendeeRow,
    MeetingRow,
)
from workflow.persistence.tables_people import PersonRow
from workflow.ports import Meeting, OpenCase, PastContact

#: A child has an open case while one of their contacts is in one of these stages.
OPEN_CASE_STAGES = ("assessment", "strategy_discussion", "section_47", "cp_plan", "cin_plan")


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


class SqlChildHistory:
    """What is already known about a child: candidates, open cases, earlier contacts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def candidates(self, child: PersonDetails, limit: int = 200) -> list[KnownChild]:
        """Children worth scoring: same identifier, same or swapped birthday, or surname start.

        SQL narrows (indexed columns); ``workflow.intake.matching`` ranks. The surname prefix is
        only used without a date of birth, where nothing else narrows the search.
        """
        rows = self.session.scalars(select(PersonRow).where(or_(*_narrowing(child)))
                                    .order_by(PersonRow.id).limit(limit))
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


def _narrowing(child: PersonDetails) -> list[Any]:
    conditions: list[Any] = []
    if child.nhs_number:
        conditions.append(PersonRow.nhs_number == child.nhs_number.replace(" ", ""))
    if child.upn:
        conditions.append(PersonRow.upn == child.upn.replace(" ", "").upper())
    if child.date_of_birth:
        days = [d for d in (child.date_of_birth, swapped(child.date_of_birth)) if d]
        conditions.append(PersonRow.date_of_birth.in_(days))
    elif child.last_name.strip():
        prefix = child.last_name.strip()[:2].lower()
        conditions.append(func.lower(PersonRow.last_name).startswith(prefix, autoescape=True))
    return conditions or [PersonRow.id.is_(None)]
