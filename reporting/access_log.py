"""Who looked at which child, and who broke the glass: what a manager or the data
protection officer reads, and what a subject access request is answered from.

The access log is append-only (the database refuses UPDATE and DELETE on it), one row per
child a page, list, search or export showed, per refusal, and per reason given to open a
record outside one's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from workflow.contact import reference_for
from workflow.persistence.tables import AccessLogRow, UserRow
from workflow.persistence.tables_people import PersonRow

#: What each outcome means, in words.
OUTCOMES = {"viewed": "Viewed", "denied": "Refused (role)", "outside_scope":
            "Refused (outside their cases)", "break_glass": "Opened outside their cases",
            "exported": "Exported"}


@dataclass(frozen=True)
class AccessLine:
    """One line of the log as a person reads it."""

    at: datetime
    username: str
    display_name: str
    role: str
    child_id: int | None
    child_name: str
    contact: str
    route: str
    outcome: str
    reason: str

    @property
    def outcome_text(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)


def _lines(session: Session, *where: ColumnElement[bool], limit: int) -> list[AccessLine]:
    a, u, p = AccessLogRow, UserRow, PersonRow
    rows = session.execute(
        select(a, u.display_name, u.role, p.first_name, p.last_name)
        .join(u, u.username == a.username, isouter=True)
        .join(p, p.id == a.child_id, isouter=True)
        .where(*where).order_by(a.at.desc(), a.id.desc()).limit(limit))
    return [AccessLine(r.AccessLogRow.at, r.AccessLogRow.username, r.display_name or "",
                       r.role or "", r.AccessLogRow.child_id,
                       f"{r.first_name or ''} {r.last_name or ''}".strip(),
                       reference_for(r.AccessLogRow.contact_id)
                       if r.AccessLogRow.contact_id else "",
                       r.AccessLogRow.route, r.AccessLogRow.outcome, r.AccessLogRow.reason)
            for r in rows]


def glass_broken(session: Session, since: datetime, limit: int = 500) -> list[AccessLine]:
    """Every record opened outside someone's scope since ``since``, newest first, with the
    reason they gave."""
    return _lines(session, AccessLogRow.outcome == "break_glass", AccessLogRow.at >= since,
                  limit=limit)


def who_viewed(session: Session, child_id: int, limit: int = 5000) -> list[AccessLine]:
    """Everything the log holds about one child, newest first (a subject access request,
    or a worry about who has been reading a record)."""
    return _lines(session, AccessLogRow.child_id == child_id, limit=limit)
