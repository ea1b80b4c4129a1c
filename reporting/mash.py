"""Read side of the MASH: agency inboxes, a contact's requests and meetings, the daily
meeting, a child's multi-agency chronology, and agency performance.

SQL over indexed columns; "overdue" is computed in SQL from ``status`` and ``due_at``
at the moment of reading, never stored. The one Python loop is the median response time
in working hours, over one month's answered requests (the working-hours calendar is not
something SQL can do).

What a partner may see is decided here, by what the inbox query selects: the question,
its due time and the child's name and date of birth — nothing else about the child or
the contact.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from workflow.clocks.calendar import WorkingCalendar
from workflow.contact import reference_for
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_mash import (
    AgendaItemRow,
    AttendeeRow,
    InfoRequestRow,
    MeetingRow,
)
from workflow.persistence.tables_people import PersonRow

R = InfoRequestRow
DISCUSSABLE = ("information_gathering", "threshold_decision")


def overdue(now: datetime) -> Any:
    """SQL: the request is open and past its due instant."""
    return and_(R.status == "open", R.due_at < now)


# -- partner inbox --------------------------------------------------------------------
_INBOX_COLUMNS = (R.id, R.child_id, R.question, R.requested_at, R.due_at, R.status, R.answer,
                  R.sharing, R.answered_at, R.answered_by, R.lawful_basis, R.authorised_by, R.rag,
                  PersonRow.first_name, PersonRow.last_name, PersonRow.date_of_birth)


def inbox(session: Session, agency: str, now: datetime, answered_days: int = 30,
          limit: int = 200) -> dict[str, list[dict[str, Any]]]:
    """The requests addressed to one agency: open ones soonest due first, then recent answers."""
    base = (select(*_INBOX_COLUMNS, overdue(now).label("overdue"))
            .join(PersonRow, PersonRow.id == R.child_id, isouter=True)
            .where(R.agency == agency))
    open_rows = session.execute(base.where(R.status == "open")
                                .order_by(R.due_at, R.id).limit(limit)).all()
    since = now - timedelta(days=answered_days)
    answered = session.execute(base.where(R.status == "answered", R.answered_at >= since)
                               .order_by(R.answered_at.desc()).limit(limit)).all()
    return {"open": [_inbox_row(r) for r in open_rows],
            "answered": [_inbox_row(r) for r in answered]}


def _inbox_row(r: Any) -> dict[str, Any]:
    return {"id": r.id, "child_id": r.child_id, "question": r.question,
            "requested_at": r.requested_at,
            "due_at": r.due_at, "status": r.status, "overdue": bool(r.overdue),
            "answer": r.answer, "sharing": r.sharing, "answered_at": r.answered_at,
            "answered_by": r.answered_by,
            "lawful_basis": r.lawful_basis, "authorised_by": r.authorised_by, "rag": r.rag,
            "child": f"{r.first_name or ''} {r.last_name or ''}".strip() or "Not recorded",
            "date_of_birth": r.date_of_birth}


def child_exists(session: Session, child_id: int) -> dict[str, Any] | None:
    """A child's name and date of birth (None when there is no such child)."""
    row = session.get(PersonRow, child_id)
    if row is None:
        return None
    return {"id": row.id, "first_name": row.first_name, "last_name": row.last_name,
            "date_of_birth": row.date_of_birth}


# -- a contact's requests and meetings -------------------------------------------------
def meetings_for_contact(session: Session, contact_id: int) -> list[dict[str, Any]]:
    """The meetings that had this contact on their agenda, most recent first."""
    rows = session.execute(
        select(MeetingRow.id, MeetingRow.held_on, AgendaItemRow.outcome,
               AgendaItemRow.rationale, AgendaItemRow.decided_by)
        .join(AgendaItemRow, AgendaItemRow.meeting_id == MeetingRow.id)
        .where(AgendaItemRow.contact_id == contact_id)
        .order_by(MeetingRow.held_on.desc())).all()
    return [dict(r._mapping) for r in rows]


# -- meetings -----------------------------------------------------------------------
def meetings(session: Session, limit: int = 60) -> list[dict[str, Any]]:
    """Meetings by date, newest first, with how many attended and were discussed."""
    attended = (select(AttendeeRow.meeting_id, func.count().label("n"))
                .group_by(AttendeeRow.meeting_id).subquery())
    agenda = (select(AgendaItemRow.meeting_id, func.count().label("n"),
                     func.count(AgendaItemRow.outcome).label("decided"))
              .group_by(AgendaItemRow.meeting_id).subquery())
    rows = session.execute(
        select(MeetingRow.id, MeetingRow.held_on, MeetingRow.chair,
               func.coalesce(attended.c.n, 0).label("attendees"),
               func.coalesce(agenda.c.n, 0).label("agenda"),
               func.coalesce(agenda.c.decided, 0).label("decided"))
        .join(attended, attended.c.meeting_id == MeetingRow.id, isouter=True)
        .join(agenda, agenda.c.meeting_id == MeetingRow.id, isouter=True)
        .order_by(MeetingRow.held_on.desc()).limit(limit)).all()
    return [dict(r._mapping) for r in rows]


def meeting_detail(session: Session, meeting_id: int) -> dict[str, Any] | None:
    """One meeting: attendees, agenda with each contact's child and state, and what to add."""
    meeting = session.get(MeetingRow, meeting_id)
    if meeting is None:
        return None
    attendees = session.scalars(select(AttendeeRow).where(AttendeeRow.meeting_id == meeting_id)
                                .order_by(AttendeeRow.agency, AttendeeRow.id)).all()
    items = session.execute(_contact_columns(AgendaItemRow)
                            .join(AgendaItemRow, AgendaItemRow.contact_id == ContactRow.id)
                            .where(AgendaItemRow.meeting_id == meeting_id)
                            .order_by(AgendaItemRow.id)).all()
    on_agenda = select(AgendaItemRow.contact_id).where(AgendaItemRow.meeting_id == meeting_id)
    addable = session.execute(_contact_columns().where(
        ContactRow.stage.in_(DISCUSSABLE), ContactRow.id.not_in(on_agenda))
        .order_by(ContactRow.received_at).limit(200)).all()
    return {"meeting": {"id": meeting.id, "held_on": meeting.held_on, "chair": meeting.chair},
            "attendees": [{"agency": a.agency, "name": a.name, "position": a.position}
                          for a in attendees],
            "agenda": [dict(r._mapping) for r in items],
            "addable": [dict(r._mapping) for r in addable]}


def _contact_columns(item: type[AgendaItemRow] | None = None) -> Any:
    columns: list[Any] = [ContactRow.id.label("contact_id"), ContactRow.child_id,
                          ContactRow.stage, ContactRow.rag, ContactRow.version,
                          PersonRow.first_name, PersonRow.last_name]
    if item is not None:
        columns += [item.id.label("item_id"), item.views, item.outcome, item.level,
                    item.rationale, item.decided_by]
    return select(*columns).join(PersonRow, PersonRow.id == ContactRow.child_id, isouter=True)


# -- agency performance --------------------------------------------------------------
@dataclass(frozen=True)
class AgencyMonth:
    """One agency's record for one month of requests (by the month they were sent)."""

    agency: str
    month: str
    sent: int
    withdrawn: int
    answered: int
    in_time: int
    overdue_now: int
    median_hours: float | None

    @property
    def expected(self) -> int:
        """Requests that needed an answer (withdrawn ones are not held against the agency)."""
        return self.sent - self.withdrawn

    @property
    def in_time_percent(self) -> float | None:
        return round(100 * self.in_time / self.expected, 1) if self.expected else None


def agency_performance(session: Session, calendar: WorkingCalendar, now: datetime,
                       months: Sequence[str]) -> list[AgencyMonth]:
    """Per agency and month: sent, answered in time (count, %), median working hours, overdue."""
    counts = session.execute(
        select(R.agency, R.requested_month, func.count().label("sent"),
               _count(R.status == "withdrawn").label("withdrawn"),
               _count(R.status == "answered").label("answered"),
               _count(and_(R.status == "answered", R.answered_at <= R.due_at)).label("in_time"),
               _count(overdue(now)).label("overdue_now"))
        .where(R.requested_month.in_(list(months)))
        .group_by(R.agency, R.requested_month)
        .order_by(R.requested_month.desc(), R.agency)).all()
    medians = _median_hours(session, calendar, months)
    return [AgencyMonth(r.agency, r.requested_month, r.sent, r.withdrawn, r.answered,
                        r.in_time, r.overdue_now, medians.get((r.agency, r.requested_month)))
            for r in counts]


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _median_hours(session: Session, calendar: WorkingCalendar, months: Sequence[str]
                  ) -> dict[tuple[str, str], float]:
    rows = session.execute(select(R.agency, R.requested_month, R.requested_at, R.answered_at)
                           .where(R.requested_month.in_(list(months)),
                                  R.status == "answered")).all()
    hours: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        spent = calendar.working_hours_between(r.requested_at, r.answered_at)
        hours.setdefault((r.agency, r.requested_month), []).append(spent)
    return {key: round(statistics.median(values), 1) for key, values in hours.items()}


def recent_months(calendar: WorkingCalendar, now: datetime, count: int = 6) -> list[str]:
    """The last ``count`` London months, newest first ("2026-03", "2026-02", ...)."""
    day = calendar.local_date(now).replace(day=1)
    months = []
    for _ in range(count):
        months.append(day.strftime("%Y-%m"))
        day = (day - timedelta(days=1)).replace(day=1)
    return months


def contact_reference(contact_id: int) -> str:
    """The reference people quote (re-exported so templates need not import workflow)."""
    return reference_for(contact_id)
