"""The read side of audits: lists, one audit's page, a worker's agreed actions, the record
grants an audit gives, and each quarter's learning.

Who sees what is decided by the caller's question: an auditor lists every audit; a
practitioner only the audits of their own work (``practitioner=``); a partner reads only
published learning, which holds no child's details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.audits.records import audit_reference
from workflow.contact import reference_for
from workflow.persistence.tables import UserRow
from workflow.persistence.tables_audits import (
    AuditActionRow,
    AuditGradeRow,
    AuditLearningRow,
    AuditRow,
    AuditSampleRow,
)
from workflow.persistence.tables_people import PersonRow

LONDON = ZoneInfo("Europe/London")
#: Audits whose case an auditor still needs to read: not yet agreed at moderation.
OPEN = ("not_started", "draft", "submitted")


@dataclass(frozen=True)
class AuditLine:
    id: int
    kind: str
    status: str
    form_id: str
    form_version: str
    contact_id: int | None
    child_id: int | None
    child_name: str
    practitioner: str | None
    auditor: str
    moderator: str | None
    overall: str | None
    created_at: datetime
    submitted_at: datetime | None
    moderated_at: datetime | None
    sample_id: int | None
    version: int

    @property
    def reference(self) -> str:
        return audit_reference(self.id)

    @property
    def contact_reference(self) -> str:
        return reference_for(self.contact_id) if self.contact_id else ""


def _audits(session: Session, *where: object, limit: int = 500) -> list[AuditLine]:
    a, p = AuditRow, PersonRow
    rows = session.execute(select(a, p.first_name, p.last_name)
                           .join(p, p.id == a.child_id, isouter=True)
                           .where(*where).order_by(a.id).limit(limit))  # type: ignore[arg-type]
    return [AuditLine(r.AuditRow.id, r.AuditRow.kind, r.AuditRow.status, r.AuditRow.form_id,
                      r.AuditRow.form_version, r.AuditRow.contact_id, r.AuditRow.child_id,
                      f"{r.first_name or ''} {r.last_name or ''}".strip(),
                      r.AuditRow.practitioner, r.AuditRow.auditor, r.AuditRow.moderator,
                      r.AuditRow.overall, r.AuditRow.created_at, r.AuditRow.submitted_at,
                      r.AuditRow.moderated_at, r.AuditRow.sample_id, r.AuditRow.version)
            for r in rows]


def audits(session: Session, *, practitioner: str | None = None,
           sample_id: int | None = None, status: str | None = None) -> list[AuditLine]:
    """Audits, oldest first: all of them, one practitioner's, one sample's, or by status."""
    where = [c for c in (
        AuditRow.practitioner == practitioner if practitioner else None,
        AuditRow.sample_id == sample_id if sample_id else None,
        AuditRow.status == status if status else None) if c is not None]
    return _audits(session, *where)


def audit(session: Session, audit_id: int) -> AuditLine | None:
    found = _audits(session, AuditRow.id == audit_id)
    return found[0] if found else None


@dataclass(frozen=True)
class AuditDetail:
    """What an audit's page adds to its line: grades, actions, response and note."""

    line: AuditLine
    grades: dict[str, tuple[str, str, str | None, str]]  # question → grade, evidence, …
    actions: list[ActionLine]
    moderation_note: str
    response: str
    response_at: datetime | None


@dataclass(frozen=True)
class ActionLine:
    id: int
    audit_id: int
    text: str
    owner: str
    owner_name: str
    due_on: date
    done_at: datetime | None
    done_by: str | None
    contact_id: int | None
    status: str

    @property
    def audit_reference(self) -> str:
        return audit_reference(self.audit_id)

    def overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_on < today


def _actions(session: Session, *where: object) -> list[ActionLine]:
    act, a, u = AuditActionRow, AuditRow, UserRow
    rows = session.execute(
        select(act, a.contact_id, a.status, u.display_name)
        .join(a, a.id == act.audit_id).join(u, u.username == act.owner, isouter=True)
        .where(*where).order_by(act.due_on, act.id))  # type: ignore[arg-type]
    return [ActionLine(r.AuditActionRow.id, r.AuditActionRow.audit_id, r.AuditActionRow.text,
                       r.AuditActionRow.owner, r.display_name or r.AuditActionRow.owner,
                       r.AuditActionRow.due_on, r.AuditActionRow.done_at,
                       r.AuditActionRow.done_by, r.contact_id, r.status) for r in rows]


def audit_detail(session: Session, audit_id: int) -> AuditDetail | None:
    line = audit(session, audit_id)
    if line is None:
        return None
    row = session.get(AuditRow, audit_id)
    assert row is not None
    grades = {g.question_id: (g.grade, g.evidence, g.moderated_grade, g.moderation_reason)
              for g in session.scalars(select(AuditGradeRow).where(
                  AuditGradeRow.audit_id == audit_id))}
    return AuditDetail(line, grades, _actions(session, AuditActionRow.audit_id == audit_id),
                       row.moderation_note, row.response, row.response_at)


def open_actions_for(session: Session, owner: str) -> list[ActionLine]:
    """A worker's agreed actions not yet done, soonest due first (an action is agreed once
    a second auditor has moderated the audit)."""
    return _actions(session, AuditActionRow.owner == owner, AuditActionRow.done_at.is_(None),
                    AuditRow.status == "moderated")


def all_actions(session: Session) -> list[ActionLine]:
    """Every action, soonest due first: what the principal social worker tracks."""
    return _actions(session)


def audit_grants(session: Session, username: str) -> dict[int, str]:
    """child → audit reference, for every child whose case this auditor is auditing or
    may moderate now (the audit is the reason logged when they read the record)."""
    rows = session.execute(select(AuditRow.child_id, AuditRow.id).where(
        AuditRow.child_id.is_not(None), AuditRow.status.in_(OPEN),
        (AuditRow.auditor == username) | (AuditRow.status == "submitted"))
        .order_by(AuditRow.id))
    return {child: audit_reference(audit_id) for child, audit_id in rows if child is not None}


@dataclass(frozen=True)
class SampleLine:
    id: int
    title: str
    method: str
    team: str | None
    rule_id: str | None
    seed: int | None
    drawn_by: str
    drawn_at: datetime
    cases: int


def samples(session: Session) -> list[SampleLine]:
    s = AuditSampleRow
    rows = session.execute(select(s, func.count(AuditRow.id).label("cases"))
                           .join(AuditRow, AuditRow.sample_id == s.id, isouter=True)
                           .group_by(s.id).order_by(s.id.desc()).limit(200))
    return [SampleLine(r.AuditSampleRow.id, r.AuditSampleRow.title, r.AuditSampleRow.method,
                       r.AuditSampleRow.team, r.AuditSampleRow.rule_id, r.AuditSampleRow.seed,
                       r.AuditSampleRow.drawn_by, r.AuditSampleRow.drawn_at, r.cases)
            for r in rows]


def sample(session: Session, sample_id: int) -> SampleLine | None:
    return next((s for s in samples(session) if s.id == sample_id), None)


# -- learning -----------------------------------------------------------------------------
def quarter_of(instant: datetime) -> str:
    """``2026-Q4`` for an instant in October to December 2026, London time."""
    local = instant.astimezone(LONDON)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    """The quarter's first instant and the next quarter's, London time, as UTC."""
    year, number = int(quarter[:4]), int(quarter[-1])
    start = datetime(year, 3 * number - 2, 1, tzinfo=LONDON)
    end = datetime(year + number // 4, 3 * number % 12 + 1, 1, tzinfo=LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class Theme:
    id: int
    quarter: str
    theme: str
    summary: str
    published: bool
    recorded_by: str
    recorded_at: datetime


def themes(session: Session, quarter: str | None = None,
           published_only: bool = False) -> list[Theme]:
    """The learning themes, newest quarter first (published ones only, for partners)."""
    t = AuditLearningRow
    stmt = select(t).order_by(t.quarter.desc(), t.id)
    if quarter:
        stmt = stmt.where(t.quarter == quarter)
    if published_only:
        stmt = stmt.where(t.published.is_(True))
    return [Theme(r.id, r.quarter, r.theme, r.summary, r.published, r.recorded_by,
                  r.recorded_at) for r in session.scalars(stmt.limit(1000))]


def agreed_grades(session: Session, quarter: str) -> list[tuple[str, str, str, str, int]]:
    """(form, version, question, agreed grade, how many) over the audits moderated in the
    quarter: what the learning summary counts per practice standard area."""
    start, end = quarter_bounds(quarter)
    g = AuditGradeRow
    agreed = func.coalesce(g.moderated_grade, g.grade)
    rows = session.execute(
        select(AuditRow.form_id, AuditRow.form_version, g.question_id, agreed.label("grade"),
               func.count().label("n"))
        .join(AuditRow, AuditRow.id == g.audit_id)
        .where(AuditRow.status == "moderated", AuditRow.moderated_at >= start,
               AuditRow.moderated_at < end)
        .group_by(AuditRow.form_id, AuditRow.form_version, g.question_id, agreed))
    return [(r.form_id, r.form_version, r.question_id, r.grade, r.n) for r in rows]
