"""The contact's typed records to rows and back: each record type has one table.

``SqlCaseRecords`` is the aggregate's lazy reader (the ``CaseRecords`` port): each method
is one indexed query by contact, run only when a rule or an effect asks. ``write`` stores a
new or changed record in the contact's transaction and returns it with its id. Mapping is
by field name, so a record and its row say the same thing once.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflow.bookings.records import Booking, BookingStatus
from workflow.casework.records import (
    Assessment,
    AssessmentStatus,
    CaseActivity,
    ChildProtectionPlan,
    EnquiryStatus,
    Participation,
    PlanMeeting,
    PreProceedings,
    Section47,
    StepDown,
    StrategyDiscussion,
    Visit,
)
from workflow.decision.records import DecisionStamp, DecisionStatus, ThresholdDecision
from workflow.mash.records import AgendaItem, InfoRequest, RequestStatus, Sharing
from workflow.persistence.tables import Base
from workflow.persistence.tables_bookings import MeetingBookingRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_mash import AgendaItemRow, AttendeeRow, InfoRequestRow, MeetingRow
from workflow.persistence.tables_pre_proceedings import PreProceedingsRow
from workflow.persistence.tables_standards import CaseActivityRow
from workflow.persistence.tables_strategy import (
    AssessmentRow,
    ChildProtectionPlanRow,
    PlanMeetingRow,
    Section47Row,
    StepDownRow,
    StrategyDiscussionRow,
    StrategyParticipationRow,
    VisitRow,
)

R = TypeVar("R")
_STAMP = ("catalogue_id", "catalogue_version", "recommended_level", "is_override",
          "matches_recommendation")


def _columns(row: Base) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def _record(kind: type[R], row: Base, **extra: Any) -> R:
    names = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    values = {k: v for k, v in _columns(row).items() if k in names} | extra
    return kind(**values)


# -- rows to records -------------------------------------------------------------------
def _decision(row: ThresholdDecisionRow) -> ThresholdDecision:
    stamp = DecisionStamp(*(getattr(row, n) for n in _STAMP))
    return _record(ThresholdDecision, row, stamp=stamp, status=DecisionStatus(row.status),
                   indicators=tuple(row.indicators or ()))


def _assessment(row: AssessmentRow) -> Assessment:
    return _record(Assessment, row, status=AssessmentStatus(row.status),
                   factors=tuple(row.factors or ()))


def _request(row: InfoRequestRow) -> InfoRequest:
    return _record(InfoRequest, row, status=RequestStatus(row.status),
                   sharing=Sharing(row.sharing) if row.sharing else None)


class SqlCaseRecords:
    """Reads a contact's records on demand, in the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _latest(self, table: type[Any], contact_id: int) -> Any:
        return self.session.scalars(select(table).where(table.contact_id == contact_id)
                                    .order_by(table.id.desc()).limit(1)).first()

    def decision(self, contact_id: int) -> ThresholdDecision | None:
        row = self._latest(ThresholdDecisionRow, contact_id)
        return None if row is None else _decision(row)

    def discussion(self, contact_id: int) -> StrategyDiscussion | None:
        row = self._latest(StrategyDiscussionRow, contact_id)
        if row is None:
            return None
        grid = self.session.scalars(select(StrategyParticipationRow).where(
            StrategyParticipationRow.discussion_id == row.id)
            .order_by(StrategyParticipationRow.id)).all()
        return _record(StrategyDiscussion, row, participation=tuple(
            Participation(p.agency, p.status, p.reason) for p in grid))

    def enquiry(self, contact_id: int) -> Section47 | None:
        row = self._latest(Section47Row, contact_id)
        return None if row is None else _record(Section47, row,
                                                status=EnquiryStatus(row.status))

    def assessment(self, contact_id: int) -> Assessment | None:
        row = self._latest(AssessmentRow, contact_id)
        return None if row is None else _assessment(row)

    def visits(self, contact_id: int) -> tuple[Visit, ...]:
        rows = self.session.scalars(select(VisitRow).where(VisitRow.contact_id == contact_id)
                                    .order_by(VisitRow.visited_at, VisitRow.id)).all()
        return tuple(_record(Visit, r) for r in rows)

    def plan(self, contact_id: int) -> ChildProtectionPlan | None:
        row = self._latest(ChildProtectionPlanRow, contact_id)
        return None if row is None else _record(ChildProtectionPlan, row)

    def step_down(self, contact_id: int) -> StepDown | None:
        row = self._latest(StepDownRow, contact_id)
        return None if row is None else _record(StepDown, row)

    def pre_proceedings(self, contact_id: int) -> PreProceedings | None:
        row = self._latest(PreProceedingsRow, contact_id)
        return None if row is None else _record(PreProceedings, row)

    def open_requests(self, contact_id: int) -> tuple[InfoRequest, ...]:
        rows = self.session.scalars(select(InfoRequestRow).where(
            InfoRequestRow.contact_id == contact_id, InfoRequestRow.status == "open")
            .order_by(InfoRequestRow.id)).all()
        return tuple(_request(r) for r in rows)

    def request(self, contact_id: int, request_id: int) -> InfoRequest | None:
        row = self.session.get(InfoRequestRow, request_id)
        return None if row is None or row.contact_id != contact_id else _request(row)

    def agenda_item(self, contact_id: int, meeting_id: int) -> AgendaItem | None:
        item = self.session.scalars(select(AgendaItemRow).where(
            AgendaItemRow.meeting_id == meeting_id,
            AgendaItemRow.contact_id == contact_id)).first()
        meeting = self.session.get(MeetingRow, meeting_id) if item else None
        if item is None or meeting is None:
            return None
        agencies = self.session.scalars(select(AttendeeRow.agency).where(
            AttendeeRow.meeting_id == meeting_id).distinct()).all()
        return AgendaItem(meeting_id=meeting_id, meeting_date=meeting.held_on,
                          attending_agencies=tuple(sorted(agencies)), id=item.id,
                          views=dict(item.views or {}), outcome=item.outcome,
                          level=item.level, rationale=item.rationale or "",
                          decided_by=item.decided_by, decided_at=item.decided_at)

    def booking(self, contact_id: int, kind: str) -> Booking | None:
        row = self.session.scalars(select(MeetingBookingRow).where(
            MeetingBookingRow.contact_id == contact_id, MeetingBookingRow.kind == kind)
            .order_by(MeetingBookingRow.id.desc()).limit(1)).first()
        return None if row is None else _record(Booking, row, status=BookingStatus(row.status),
                                                invitees=tuple(row.invitees or ()))


# -- records to rows -------------------------------------------------------------------
_TABLES: dict[type, type[Any]] = {
    ThresholdDecision: ThresholdDecisionRow, StrategyDiscussion: StrategyDiscussionRow,
    Section47: Section47Row, Assessment: AssessmentRow, ChildProtectionPlan: ChildProtectionPlanRow,
    StepDown: StepDownRow, Visit: VisitRow, PlanMeeting: PlanMeetingRow,
    InfoRequest: InfoRequestRow, AgendaItem: AgendaItemRow,
    PreProceedings: PreProceedingsRow, CaseActivity: CaseActivityRow,
    Booking: MeetingBookingRow,
}
#: Record fields that are not columns of their table (kept elsewhere, or computed).
_NOT_COLUMNS = {"participation", "stamp", "meeting_date", "attending_agencies"}


def _values(record: Any) -> dict[str, Any]:
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)
              if f.name not in _NOT_COLUMNS and f.name != "id"}
    for name, value in list(values.items()):
        if isinstance(value, tuple):
            values[name] = list(value)
        elif hasattr(value, "value") and not isinstance(value, int | str):
            values[name] = value.value
    if isinstance(record, ThresholdDecision):
        values |= {n: getattr(record.stamp, n) for n in _STAMP}
    if isinstance(record, AgendaItem):
        values = {k: values[k] for k in ("views", "outcome", "level", "rationale",
                                         "decided_by", "decided_at")}
        values["views"] = dict(record.views)
    return values


def write(session: Session, contact_id: int, record: Any, **on_insert: Any) -> Any:
    """Insert a new record or update a stored one; the record as stored (with its id).
    ``on_insert`` gives columns a new row needs beside the record (an information
    request's child, for the partner's inbox)."""
    table = _TABLES[type(record)]
    values = _values(record)
    if record.id is not None:
        session.execute(update(table).where(table.id == record.id).values(**values)
                        .execution_options(synchronize_session=False))
        return record
    extra = {k: v for k, v in on_insert.items() if k in table.__table__.columns}
    row = table(contact_id=contact_id, **values, **extra)
    session.add(row)
    session.flush()
    if isinstance(record, StrategyDiscussion):
        session.add_all(StrategyParticipationRow(discussion_id=row.id, agency=p.agency,
                                                 status=p.status, reason=p.reason)
                        for p in record.participation)
    return dataclasses.replace(record, id=row.id)
