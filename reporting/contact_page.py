"""Everything the contact page and the contact API show, as plain data.

One function reads the contact, its child, siblings, clocks and history, its threshold
decision, the casework records (discussions, the section 47 enquiry, assessments, visits,
step down, linked contacts) and the MASH's (requests, meetings, the joint recommendation,
the intake alerts) — each an indexed query by contact id. The web layer formats what it
gets; it never sees a table.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.assessments import Visit, assessments_for_contact, visits
from reporting.mash import meetings_for_contact
from reporting.people import Relative, family
from reporting.strategy import Discussion, discussions_for_contact
from workflow.casework.records import Assessment, AssessmentStatus, StepDown
from workflow.contact import Contact, reference_for
from workflow.decision.records import DecisionStamp, DecisionStatus, ThresholdDecision
from workflow.errors import NotFound
from workflow.mash.records import InfoRequest, RequestStatus, Sharing
from workflow.persistence.repository import ContactRepository
from workflow.persistence.tables import ClockRow, ContactRow, EventRow, UserRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_mash import AgendaItemRow, InfoRequestRow, MeetingRow
from workflow.persistence.tables_people import PersonRow, PersonWarningRow, TeamRow
from workflow.persistence.tables_strategy import Section47Row, StepDownRow

_CONTACT_FIELDS = ("id", "child_id", "intake", "received_at", "source", "channel", "referrer",
                   "concerns", "consent", "stage", "version", "rag", "team", "worker",
                   "referral_at", "linked_contact_id", "closure_reason", "referral_nfa",
                   "open_case_reference", "open_case_contact_id", "re_referral_of",
                   "repeat_contacts", "repeat_window_days")


@dataclass(frozen=True)
class ContactView:
    """The contact's own fields."""

    id: int
    child_id: int | None
    intake: str | None
    received_at: datetime
    source: str
    channel: str
    referrer: str
    concerns: str
    consent: str
    stage: str
    version: int
    rag: str | None
    team: str | None
    worker: str | None
    referral_at: datetime | None
    linked_contact_id: int | None
    closure_reason: str | None
    referral_nfa: bool
    open_case_reference: str | None
    open_case_contact_id: int | None
    re_referral_of: int | None
    repeat_contacts: int | None
    repeat_window_days: int | None

    @property
    def reference(self) -> str:
        return reference_for(self.id)


@dataclass(frozen=True)
class ChildView:
    id: int
    first_name: str
    last_name: str
    date_of_birth: date | None
    nhs_number: str | None
    upn: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class ClockLine:
    rule: str
    rule_version: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    stop_event: str | None
    result: str | None
    note: str


@dataclass(frozen=True)
class EventLine:
    seq: int
    trigger: str
    from_stage: str | None
    to_stage: str
    actor: str
    role: str
    at: datetime
    reason: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Enquiry:
    started_at: datetime
    open: bool
    conference_at: datetime | None
    plan_made: bool | None
    lead_practitioner: str | None = None
    lead_appointed_at: datetime | None = None


@dataclass(frozen=True)
class CaseContact:
    """Another contact named on this one (the open case, the earlier referral)."""

    id: int
    stage: str
    team: str | None
    worker: str | None
    referral_at: datetime | None

    @property
    def reference(self) -> str:
        return reference_for(self.id)


@dataclass(frozen=True)
class Recommendation:
    """A MASH meeting's joint recommendation for this contact."""

    meeting_id: int
    meeting_date: date
    outcome: str
    level: int | None
    rationale: str
    decided_by: str | None


@dataclass(frozen=True)
class ReturnedWork:
    """Work a manager sent back to its author, not yet done again: what it was, who
    returned it, when, and what they said needs to change."""

    what: str
    by: str
    at: datetime
    says: str


@dataclass
class ContactPage:
    contact: ContactView
    child: ChildView | None
    siblings: list[int]
    clocks: list[ClockLine]
    events: list[EventLine]
    decision: ThresholdDecision | None = None
    pending: ThresholdDecision | None = None
    discussions: list[Discussion] = field(default_factory=list)
    enquiry: Enquiry | None = None
    assessment: Assessment | None = None
    assessments: list[Assessment] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    step_down: StepDown | None = None
    #: The Family Help episode of the contact this one was stepped up from (its history).
    stepped_up_from: StepDown | None = None
    stepped_up_to: list[int] = field(default_factory=list)
    requests: list[tuple[InfoRequest, bool]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    recommendation: Recommendation | None = None
    open_case: CaseContact | None = None
    re_referral: CaseContact | None = None
    repeats: list[int] = field(default_factory=list)
    family: list[Relative] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    team_name: str | None = None
    worker_name: str | None = None
    #: A return the worker has still to act on (shown at the top of the page).
    returned: ReturnedWork | None = None


def _view(row: Any, kind: type, names: tuple[str, ...] | None = None) -> Any:
    fields = names or tuple(f.name for f in dataclasses.fields(kind))
    return kind(**{n: getattr(row, n) for n in fields})


def _decision(row: ThresholdDecisionRow) -> ThresholdDecision:
    stamp = DecisionStamp(row.catalogue_id, row.catalogue_version, row.recommended_level,
                          row.is_override, row.matches_recommendation)
    return ThresholdDecision(
        event_seq=row.event_seq, level=row.level, outcome=row.outcome, rationale=row.rationale,
        decided_by=row.decided_by, decided_at=row.decided_at, stamp=stamp,
        indicators=tuple(row.indicators or ()), override_reason=row.override_reason,
        reasonable_cause=row.reasonable_cause, primary_need=row.primary_need,
        status=DecisionStatus(row.status), signed_off_by=row.signed_off_by,
        signed_off_at=row.signed_off_at, sign_off_comment=row.sign_off_comment,
        returned_by=row.returned_by, returned_at=row.returned_at,
        return_reason=row.return_reason, id=row.id)


def _decisions(session: Session, page: ContactPage) -> None:
    rows = session.scalars(select(ThresholdDecisionRow).where(
        ThresholdDecisionRow.contact_id == page.contact.id)
        .order_by(ThresholdDecisionRow.id)).all()
    decided = [_decision(r) for r in rows]
    page.decision = next((d for d in reversed(decided) if d.status is DecisionStatus.IN_FORCE),
                         None)
    page.pending = next((d for d in reversed(decided) if d.awaiting_signoff), None)
    last = decided[-1] if decided else None
    deciding = page.contact.stage == "threshold_decision"  # else the worker moved it on
    if deciding and last is not None and last.status is DecisionStatus.RETURNED \
            and last.returned_at:
        page.returned = ReturnedWork("threshold decision", last.returned_by or "",
                                     last.returned_at, last.return_reason)


def _returned_assessment(page: ContactPage) -> None:
    """An assessment back with its author, open again and not yet resubmitted: who
    returned it and when are on the return's event."""
    current = page.assessment
    if current is None or current.status is not AssessmentStatus.OPEN \
            or not current.returned_reason:
        return
    event = next((e for e in reversed(page.events) if e.trigger == "return_assessment"), None)
    if event is not None:
        page.returned = ReturnedWork("assessment", event.actor, event.at,
                                     current.returned_reason)


def family_help_episode(session: Session, contact_id: int) -> StepDown | None:
    """The latest step down on a contact: the hand-over, the service's answer, the family
    help assessment, plan and reviews."""
    step = session.scalars(select(StepDownRow).where(StepDownRow.contact_id == contact_id)
                           .order_by(StepDownRow.id.desc()).limit(1)).first()
    if step is None:
        return None
    return StepDown(**{f.name: getattr(step, f.name) for f in dataclasses.fields(StepDown)})


def _casework(session: Session, page: ContactPage) -> None:
    contact_id = page.contact.id
    page.discussions = discussions_for_contact(session, contact_id)
    enquiry = session.scalars(select(Section47Row).where(Section47Row.contact_id == contact_id)
                              .order_by(Section47Row.id.desc()).limit(1)).first()
    if enquiry is not None:
        page.enquiry = Enquiry(enquiry.started_at, enquiry.status == "open",
                               enquiry.conference_at, enquiry.plan_made,
                               enquiry.lead_practitioner, enquiry.lead_appointed_at)
    page.assessments = [Assessment(
        kind=a.kind, started_at=a.started_at, status=AssessmentStatus(a.status),
        author=a.author, submitted_at=a.submitted_at, summary=a.summary,
        factors=tuple(a.factors or ()), returned_reason=a.returned_reason,
        authorised_by=a.authorised_by, authorised_at=a.authorised_at, outcome=a.outcome,
        lateness_reason=a.lateness_reason, primary_need=a.primary_need,
        authorised_not_seen=a.authorised_not_seen, not_seen_reason=a.not_seen_reason, id=a.id)
        for a in assessments_for_contact(session, contact_id)]
    page.assessment = page.assessments[-1] if page.assessments else None
    _returned_assessment(page)
    page.visits = visits(session, contact_id)
    page.step_down = family_help_episode(session, contact_id)
    linked = page.contact.linked_contact_id
    page.stepped_up_from = family_help_episode(session, linked) if linked else None
    page.stepped_up_to = list(session.scalars(select(ContactRow.id).where(
        ContactRow.linked_contact_id == contact_id).order_by(ContactRow.id)))


def _request(row: InfoRequestRow) -> InfoRequest:
    values = {n: getattr(row, n) for n in InfoRequest.__dataclass_fields__
              if n not in ("status", "sharing")}
    return InfoRequest(**values, status=RequestStatus(row.status),
                       sharing=Sharing(row.sharing) if row.sharing else None)


def _mash(session: Session, page: ContactPage, now: datetime) -> None:
    contact_id = page.contact.id
    rows = session.scalars(select(InfoRequestRow).where(InfoRequestRow.contact_id == contact_id)
                           .order_by(InfoRequestRow.id)).all()
    page.requests = [(_request(r), r.status == "open" and r.due_at < now) for r in rows]
    page.meetings = meetings_for_contact(session, contact_id)
    latest = session.execute(
        select(AgendaItemRow, MeetingRow.held_on).join(MeetingRow,
                                                       MeetingRow.id == AgendaItemRow.meeting_id)
        .where(AgendaItemRow.contact_id == contact_id, AgendaItemRow.outcome.is_not(None))
        .order_by(AgendaItemRow.decided_at.desc()).limit(1)).first()
    if latest is not None:
        item, held_on = latest
        page.recommendation = Recommendation(item.meeting_id, held_on, str(item.outcome),
                                             item.level, item.rationale, item.decided_by)


def _named_contact(session: Session, contact_id: int | None) -> CaseContact | None:
    if contact_id is None:
        return None
    row = session.get(ContactRow, contact_id)
    return None if row is None else CaseContact(row.id, row.stage, row.team, row.worker,
                                                row.referral_at)


def _alerts(session: Session, page: ContactPage) -> None:
    c = page.contact
    page.open_case = _named_contact(session, c.open_case_contact_id)
    page.re_referral = _named_contact(session, c.re_referral_of)
    if c.repeat_contacts and c.child_id is not None:
        earlier = session.scalars(select(ContactRow.id).where(
            ContactRow.child_id == c.child_id, ContactRow.id != c.id,
            ContactRow.received_at <= c.received_at)
            .order_by(ContactRow.received_at.desc()).limit(c.repeat_contacts - 1)).all()
        page.repeats = sorted(earlier)


def contact_page(session: Session, contact_id: int, now: datetime) -> ContactPage | None:
    """The whole contact page's data, or None when there is no such contact."""
    row = session.get(ContactRow, contact_id)
    if row is None:
        return None
    child = session.get(PersonRow, row.child_id) if row.child_id else None
    clocks = session.scalars(select(ClockRow).where(ClockRow.contact_id == contact_id)
                             .order_by(ClockRow.started_at, ClockRow.id)).all()
    events = session.scalars(select(EventRow).where(EventRow.contact_id == contact_id)
                             .order_by(EventRow.seq)).all()
    siblings = list(session.scalars(select(ContactRow.id).where(
        ContactRow.intake == row.intake, ContactRow.id != contact_id))) if row.intake else []
    page = ContactPage(
        contact=_view(row, ContactView, _CONTACT_FIELDS),
        child=_view(child, ChildView) if child else None, siblings=siblings,
        clocks=[_view(c, ClockLine) for c in clocks],
        events=[EventLine(e.seq, e.trigger, e.from_stage, e.to_stage, e.actor, e.role, e.at,
                          e.reason, dict(e.payload or {})) for e in events])
    _decisions(session, page)
    _casework(session, page)
    _mash(session, page, now)
    _alerts(session, page)
    _allocated(session, page)
    if row.child_id is not None:
        page.family = family(session, row.child_id)
        page.warnings = list(session.scalars(select(PersonWarningRow.text).where(
            PersonWarningRow.person_id == row.child_id, PersonWarningRow.ended_at.is_(None))))
    return page


def _allocated(session: Session, page: ContactPage) -> None:
    """The names of the team and worker the contact is allocated to (the codes are what
    the contact holds; people read names)."""
    c = page.contact
    if c.team:
        page.team_name = session.scalar(select(TeamRow.name).where(TeamRow.code == c.team))
    if c.worker:
        page.worker_name = session.scalar(select(UserRow.display_name)
                                          .where(UserRow.username == c.worker))


def load_contact(session: Session, contact_id: int) -> Contact | None:
    """The contact aggregate on a read session: what a page asks the engine to offer
    (its records come on demand, exactly as the command path reads them)."""
    try:
        return ContactRepository(session).get(contact_id)
    except NotFound:
        return None
