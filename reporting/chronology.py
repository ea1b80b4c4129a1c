"""A child's multi-agency chronology: one ordered list of everything known, across contacts.

Why from the event table: every change to every contact is already an append-only event
with who, when and why (the engine's audit trail), including each agency's answer and
each meeting's discussion; the chronology reads that, plus the requests table for what an
event cannot say by itself — which requests are overdue right now. So the chronology can
never disagree with the contact pages it summarises.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflow.contact import reference_for
from workflow.mash.config import AgencyBook
from workflow.persistence.tables import ContactRow, EventRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.services import REFERRAL_SOURCES
from workflow.spec import TABLE
from workflow.stages import stage_title

LONDON = ZoneInfo("Europe/London")
_LABELS = {row.trigger: row.label for row in TABLE}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Entry:
    """One line of the chronology."""

    at: datetime
    contact: str
    kind: str
    title: str
    detail: str
    by: str


def chronology(session: Session, child_id: int, agencies: AgencyBook, now: datetime
               ) -> list[Entry]:
    """Everything about one child, oldest first (ties kept in each contact's event order)."""
    contacts = {c.id: c for c in session.scalars(
        select(ContactRow).where(ContactRow.child_id == child_id))}
    contacts |= _linked(session, contacts)  # casework (issue 6): step up / step down
    events = session.scalars(select(EventRow).where(EventRow.contact_id.in_(list(contacts)))
                             .order_by(EventRow.at, EventRow.contact_id, EventRow.seq)).all()
    entries = [_event_entry(e, contacts[e.contact_id], agencies) for e in events]
    entries += _overdue_entries(session, child_id, agencies, now)
    return sorted(entries, key=lambda e: e.at)


def _event_entry(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Entry:
    describe = _DESCRIBERS.get(event.trigger, _generic)
    kind, title, detail = describe(event, contact, agencies)
    # A contact is placed at its receipt (maybe typed in later); everything else when done.
    at = contact.received_at if event.trigger == "receive" else event.at
    return Entry(at, reference_for(contact.id), kind, title, detail,
                 f"{event.actor} ({event.role.replace('_', ' ')})")


Described = tuple[str, str, str]


def _received(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    source = REFERRAL_SOURCES.get(contact.source, contact.source)
    referrer = f" ({contact.referrer})" if contact.referrer else ""
    return ("Contact", f"Contact received from {contact.source}: {source}",
            f"By {contact.channel.replace('_', ' ')}{referrer}. Concerns: {contact.concerns}")


def _rated(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    rag = str(event.payload.get("rag", "")).capitalize()
    return "RAG rating", f"Rated {rag}", event.reason


def _requested(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    p = event.payload
    who = agencies.name(str(p.get("agency", "")))
    return ("Request", f"Information requested from {who}",
            f"{p.get('question', '')} (lawful basis: {p.get('lawful_basis', '')}; authorised "
            f"by {p.get('authorised_by', '')}; due {_local(p.get('due_at'))})")


def _answered(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    p = event.payload
    late = " (after the due time)" if p.get("answered_late") else ""
    return ("Agency response", f"{agencies.name(str(p.get('agency', '')))} answered{late}",
            str(p.get("answer", "")))


def _request_step(verb: str) -> Callable[[EventRow, ContactRow, AgencyBook], Described]:
    def describe(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
        who = agencies.name(str(event.payload.get("agency", "")))
        return "Request", f"Request to {who} {verb}", event.reason

    return describe


def _discussed(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    p = event.payload
    views = "; ".join(f"{agencies.name(a)}: {v}" for a, v in (p.get("views") or {}).items())
    outcome = str(p.get("outcome", "")).replace("_", " ")
    return ("MASH meeting", f"MASH meeting of {p.get('meeting_date')}: recommended {outcome}",
            f"{event.reason} Views: {views}")


def _decided(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    p = event.payload
    outcome = str(p.get("outcome", "")).replace("_", " ")
    return ("Decision", f"Threshold decision: level {p.get('level', '–')}, {outcome}",
            event.reason)


def _generic(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    title = _LABELS.get(event.trigger, event.trigger)
    if event.from_stage and event.from_stage != event.to_stage:
        title += f": {stage_title(event.from_stage)} → {stage_title(event.to_stage)}"
    kind = "Decision" if event.trigger in ("sign_off", "pass_to_allocated_worker") else "Step"
    return kind, title, event.reason


# -- casework (issue 6): linked contacts, strategy discussions, step up ---------------------
def _linked(session: Session, contacts: Mapping[int, ContactRow]) -> dict[int, ContactRow]:
    """Contacts linked to these by a step up (an early-help episode and the new contact it
    became), so the history carries across even if the child was recorded twice."""
    ids = list(contacts)
    linked_ids = {c.linked_contact_id for c in contacts.values() if c.linked_contact_id}
    rows = session.scalars(select(ContactRow).where(
        or_(ContactRow.linked_contact_id.in_(ids), ContactRow.id.in_(linked_ids))))
    return {c.id: c for c in rows if c.id not in contacts}


def _strategy(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    p = event.payload
    reasons, stated = p.get("participation_reasons") or {}, p.get("participation") or {}
    order = ("la_social_worker", *agencies.ids())  # JSONB does not keep the keys' order
    grid = "; ".join(
        f"{_agency(agencies, a)}: {str(stated[a]).replace('_', ' ')}"
        + (f" ({reasons[a]})" if reasons.get(a) else "")
        for a in sorted(stated, key=lambda a: order.index(a) if a in order else len(order)))
    outcome = str(p.get("outcome", "")).replace("_", " ")
    return ("Strategy discussion",
            f"Strategy discussion chaired by {p.get('chair', '–')}: {outcome}",
            f"{event.reason} Agencies: {grid}")


def _agency(agencies: AgencyBook, agency_id: str) -> str:
    return "Local authority social worker" if agency_id == "la_social_worker" \
        else agencies.name(agency_id)


def _stepped_up(event: EventRow, contact: ContactRow, agencies: AgencyBook) -> Described:
    new = (contact.facts or {}).get("stepped_up_to")
    where = f" as {reference_for(int(new))}" if new else ""
    return "Decision", f"Stepped up from early help to the front door{where}", event.reason


_DESCRIBERS: Mapping[str, Callable[[EventRow, ContactRow, AgencyBook], Described]] = {
    "receive": _received, "rate": _rated, "request_information": _requested,
    "answer_request": _answered, "chase_request": _request_step("chased"),
    "withdraw_request": _request_step("withdrawn"),
    "record_mash_discussion": _discussed, "decide": _decided,
    "hold_strategy_discussion": _strategy, "step_up": _stepped_up,
}


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


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell never starts with =, +, -, @."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(entries: list[Entry]) -> str:
    """The chronology as CSV, dates in UK time (dd/mm/yyyy hh:mm), one row per entry."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow([_local(e.at), e.contact, e.kind, _cell(e.title), _cell(e.detail),
                         _cell(e.by)])
    return out.getvalue()
