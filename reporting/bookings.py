"""The team's upcoming meetings: conferences, core groups and MASH discussions booked.

One SQL query per page over ``meeting_booking (status, starts_at)``, filtered, ordered and
paged by the database with the total counted by the same filters (nothing dropped after a
limit), then one query for the running clocks of that page's contacts, so each row says
whether its meeting is inside its timescale. Only the contacts the person may open are
listed (``reporting.scope``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from reporting.scope import scoped
from workflow.bookings.records import KINDS
from workflow.contact import reference_for
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.persistence.tables_bookings import MeetingBookingRow
from workflow.persistence.tables_people import PersonRow
from workflow.scope import RecordScope


@dataclass(frozen=True)
class MeetingFilter:
    """Which upcoming meetings a list shows, and which page of them."""

    since: datetime
    team: str | None = None
    kind: str | None = None
    scope: RecordScope | None = None
    limit: int = 50
    offset: int = 0


def _where_it_belongs() -> Any:
    """A booking is current only while its contact is where that meeting belongs."""
    return or_(*(and_(MeetingBookingRow.kind == k.id,
                      ContactRow.stage.in_([s.value for s in k.stages]))
                 for k in KINDS.values()))


def _booked(f: MeetingFilter, *columns: Any) -> Any:
    stmt = (select(*columns).select_from(MeetingBookingRow)
            .join(ContactRow, ContactRow.id == MeetingBookingRow.contact_id)
            .where(MeetingBookingRow.status == "booked", MeetingBookingRow.starts_at >= f.since,
                   _where_it_belongs()))
    if f.team:
        stmt = stmt.where(ContactRow.team == f.team)
    if f.kind:
        stmt = stmt.where(MeetingBookingRow.kind == f.kind)
    return scoped(stmt, f.scope)


def upcoming_total(session: Session, f: MeetingFilter) -> int:
    """How many meetings the filters select (for "Showing 1 to 50 of 74")."""
    return int(session.scalar(_booked(f, func.count())) or 0)


def upcoming_meetings(session: Session, f: MeetingFilter) -> list[dict[str, Any]]:
    """One page of booked meetings, soonest first, each with its child and its due date."""
    stmt = _booked(f, MeetingBookingRow, ContactRow.team, ContactRow.worker, ContactRow.child_id,
                   PersonRow.first_name, PersonRow.last_name)
    stmt = (stmt.join(PersonRow, PersonRow.id == ContactRow.child_id, isouter=True)
            .order_by(MeetingBookingRow.starts_at, MeetingBookingRow.id)
            .limit(f.limit).offset(f.offset))
    rows = [_row(r) for r in session.execute(stmt)]
    dues = _running_clocks(session, {r["contact_id"] for r in rows})
    for row in rows:
        timed_by = KINDS[row["kind"]].clocks
        row["due_at"] = min((d for rule, d in dues.get(row["contact_id"], ()) if rule in timed_by),
                            default=None)
        row["within"] = None if row["due_at"] is None else row["starts_at"] <= row["due_at"]
    return rows


def _row(r: Any) -> dict[str, Any]:
    b = r.MeetingBookingRow
    return {"id": b.id, "contact_id": b.contact_id, "reference": reference_for(b.contact_id),
            "kind": b.kind, "title": KINDS[b.kind].title, "starts_at": b.starts_at,
            "venue": b.venue, "invitees": list(b.invitees or ()), "late_reason": b.late_reason,
            "team": r.team, "worker": r.worker, "child_id": r.child_id,
            "first_name": r.first_name,
            "last_name": r.last_name}


def _running_clocks(session: Session, contact_ids: set[int]
                    ) -> dict[int, list[tuple[str, datetime]]]:
    if not contact_ids:
        return {}
    rules = sorted({rule for k in KINDS.values() for rule in k.clocks})
    found: dict[int, list[tuple[str, datetime]]] = {}
    for contact_id, rule, due in session.execute(
            select(ClockRow.contact_id, ClockRow.rule, ClockRow.due_at).where(
                ClockRow.contact_id.in_(sorted(contact_ids)), ClockRow.stopped_at.is_(None),
                ClockRow.rule.in_(rules))):
        found.setdefault(contact_id, []).append((rule, due))
    return found
