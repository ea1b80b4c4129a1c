"""A child's multi-agency chronology: one ordered list of everything known, across contacts.

Why from the event table: every change to every contact is already an append-only event
with who, when and why (the engine's audit trail), including each agency's answer and
each meeting's discussion; each action says how its events read (its ``narrate``, else its
label and the stage change). The requests table adds what an event cannot say by itself —
which requests are overdue right now. So the chronology can never disagree with the
contact pages it summarises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reporting.cells import csv_text
from reporting.names import Names, directory_names
from workflow.casework.config import LA_SOCIAL_WORKER
from workflow.contact import reference_for
from workflow.engine.action import Action, Told
from workflow.engine.payload import field_names
from workflow.engine.registry import actions
from workflow.mash.config import AgencyBook
from workflow.mash.lawful_bases import LawfulBasisBook
from workflow.persistence.tables import ContactRow, EventRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.roles import Role
from workflow.stages import stage_title

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Entry:
    """One line of the chronology."""

    at: datetime
    contact: str
    kind: str
    title: str
    detail: str
    by: str


def chronology(session: Session, child_id: int, agencies: AgencyBook, now: datetime,
               bases: LawfulBasisBook | None = None) -> list[Entry]:
    """Everything about one child, oldest first (ties kept in each contact's event order);
    ``bases`` names the lawful bases requests and answers cite (else their ids)."""
    contacts = {c.id: c for c in session.scalars(
        select(ContactRow).where(ContactRow.child_id == child_id))}
    contacts |= _linked(session, contacts)  # step up and step down carry the history across
    events = session.scalars(select(EventRow).where(EventRow.contact_id.in_(list(contacts)))
                             .order_by(EventRow.at, EventRow.contact_id, EventRow.seq)).all()
    requests = _request_agencies(session, list(contacts))
    stepped = _stepped_up_to(contacts)
    names = directory_names(session)
    entries = [_event_entry(e, _Told(e, contacts[e.contact_id], agencies, requests, stepped,
                                     bases), names) for e in events]
    entries += _overdue_entries(session, child_id, agencies, now)
    return sorted(entries, key=lambda e: e.at)


class _Told:
    """What an action's narrator may ask about the event it tells."""

    def __init__(self, event: EventRow, contact: ContactRow, agencies: AgencyBook,
                 requests: Mapping[int, str], stepped: Mapping[int, int],
                 bases: LawfulBasisBook | None = None) -> None:
        self.event, self.contact, self.agencies = event, contact, agencies
        self.requests, self.stepped, self.bases = requests, stepped, bases

    @property
    def reason(self) -> str:
        return self.event.reason

    def agency(self, agency_id: str) -> str:
        return self.agencies.name(agency_id)

    def in_agency_order(self, agency_ids: Iterable[str]) -> list[str]:
        order = (LA_SOCIAL_WORKER, *self.agencies.ids())  # JSONB keeps no key order
        return sorted(agency_ids, key=lambda a: order.index(a) if a in order else len(order))

    def request_agency(self, request_id: int) -> str:
        return self.agencies.name(self.requests.get(request_id, ""))

    def lawful_basis(self, basis_id: str) -> str:
        return self.bases.label(basis_id) if self.bases else basis_id

    def contact_detail(self, name: str) -> str:
        return str(getattr(self.contact, name, "") or "")

    def linked_contact(self) -> int | None:
        return self.stepped.get(self.contact.id)


def _event_entry(event: EventRow, told: _Told, names: Names) -> Entry:
    action = actions().get(event.trigger)
    if action is not None and action.narrate is not None:
        said = action.narrate(event.payload or {}, told)
    else:
        said = _generic(event, action.label if action else event.trigger,
                        action.chronology_kind if action else "Step")
    # A contact is placed at its receipt (maybe typed in later); everything else when done.
    at = told.contact.received_at if event.from_stage is None else event.at
    detail = _with_comment(said.detail, action, event.payload or {})
    return Entry(at, reference_for(told.contact.id), said.kind, said.title, detail,
                 f"{names.person(event.actor)} ({_role(event.role)})")


def _role(code: str) -> str:
    """The role's label ("Front door worker"); a role no longer defined, made readable."""
    known = {r.value: r.label for r in Role}
    return known.get(code, code.replace("_", " "))


def _with_comment(detail: str, action: Action[Any] | None, payload: Mapping[str, Any]) -> str:
    """The detail, then the comment a manager left on signing off or authorising (a
    return's comment is its reason, already the detail)."""
    comment = str(payload.get("comment") or "")
    if not comment or action is None or "comment" not in field_names(action.payload):
        return detail
    return f"{detail} Comment: {comment}".strip()


def _generic(event: EventRow, label: str, kind: str) -> Told:
    title = label
    if event.from_stage and event.from_stage != event.to_stage:
        title += f": {stage_title(event.from_stage)} → {stage_title(event.to_stage)}"
    return Told(kind, title, event.reason)


def _linked(session: Session, contacts: Mapping[int, ContactRow]) -> dict[int, ContactRow]:
    """Contacts linked to these by a step up (an early-help episode and the new contact it
    became), so the history carries across even if the child was recorded twice."""
    ids = list(contacts)
    linked_ids = {c.linked_contact_id for c in contacts.values() if c.linked_contact_id}
    rows = session.scalars(select(ContactRow).where(
        or_(ContactRow.linked_contact_id.in_(ids), ContactRow.id.in_(linked_ids))))
    return {c.id: c for c in rows if c.id not in contacts}


def _stepped_up_to(contacts: Mapping[int, ContactRow]) -> dict[int, int]:
    """For each early-help contact, the front-door contact its step up created."""
    return {c.linked_contact_id: c.id for c in contacts.values() if c.linked_contact_id}


def _request_agencies(session: Session, contact_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(InfoRequestRow.id, InfoRequestRow.agency).where(
        InfoRequestRow.contact_id.in_(contact_ids))).all()
    return {r.id: r.agency for r in rows}


def _overdue_entries(session: Session, child_id: int, agencies: AgencyBook, now: datetime
                     ) -> list[Entry]:
    rows = session.scalars(select(InfoRequestRow).where(
        InfoRequestRow.child_id == child_id, InfoRequestRow.status == "open",
        InfoRequestRow.due_at < now)).all()
    return [Entry(r.due_at, reference_for(r.contact_id), "Request",
                  f"{agencies.name(r.agency)} answer overdue (still open)",
                  r.question, "") for r in rows]


def _local(value: Any) -> str:
    if not value:
        return "–"
    moment = datetime.fromisoformat(str(value)) if isinstance(value, str) else value
    return moment.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


# -- CSV ------------------------------------------------------------------------------
CSV_HEADER = ("Date and time (UK)", "Contact", "Kind", "What happened", "Detail", "By")


def to_csv(entries: list[Entry]) -> str:
    """The chronology as CSV, dates in UK time (dd/mm/yyyy hh:mm), one row per entry, every
    cell formula-safe (``reporting.cells.csv_text``)."""
    return csv_text(CSV_HEADER, ([_local(e.at), e.contact, e.kind, e.title, e.detail, e.by]
                                 for e in entries))
