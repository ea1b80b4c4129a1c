"""A child's information-sharing ledger: every request and every answer, in time order.

Why a ledger of its own: a manager who answers for a decision to share, or not to share,
needs in one place what was asked of whom, on what lawful basis, who authorised it, what
each agency gave and — where it kept anything back — why and who decided (Children Act
2004 s16LA and DOMAIN.md §7: record what was shared, the basis, and any decision not to
share with the reason and who decided). One query over the indexed ``info_request`` rows
of the child's contacts; each row gives its request and, once answered, its answer.

The CSV passes every cell through ``safe_cell`` (a question typed as ``=HYPERLINK``
stays text) and writes dates in UK time, as the chronology does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.cells import csv_text
from reporting.names import Names, directory_names
from workflow.contact import reference_for
from workflow.mash.config import AgencyBook
from workflow.mash.lawful_bases import LawfulBasisBook
from workflow.mash.records import Sharing
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.persistence.tables_people import PersonRow

LONDON = ZoneInfo("Europe/London")
ASKED, ANSWERED = "Asked of the agency", "Answered by the agency"
#: How much of a question the ledger repeats (the contact page has the whole of it).
SUMMARY_LENGTH = 120
NOT_RECORDED = "Not recorded (answered before sharing was recorded)"


@dataclass(frozen=True)
class LedgerEntry:
    """One request or one answer, as a manager reads it."""

    at: datetime
    contact: str
    request: str
    agency: str
    direction: str
    question: str
    basis: str
    basis_detail: str
    shared: str
    reason: str
    decided_by: str
    authorised_by: str
    recorded_by: str


@dataclass(frozen=True)
class Ledger:
    """The child the ledger is about (their name for the page's heading) and its entries."""

    person_id: int
    name: str
    entries: list[LedgerEntry]


def sharing_ledger(session: Session, person_id: int, agencies: AgencyBook,
                   bases: LawfulBasisBook) -> Ledger | None:
    """Every request and answer about any contact for the person, oldest first (None when
    there is no such person)."""
    person = session.get(PersonRow, person_id)
    if person is None:
        return None
    rows = session.scalars(select(InfoRequestRow)
                           .join(ContactRow, ContactRow.id == InfoRequestRow.contact_id)
                           .where(ContactRow.child_id == person_id)
                           .order_by(InfoRequestRow.requested_at, InfoRequestRow.id)).all()
    names = directory_names(session)
    entries = [e for row in rows for e in _entries(row, agencies, bases, names)]
    entries.sort(key=lambda e: (e.at, e.direction != ASKED))  # stable: request order kept
    name = f"{person.first_name or ''} {person.last_name or ''}".strip()
    return Ledger(person_id, name, entries)


def _entries(row: InfoRequestRow, agencies: AgencyBook, bases: LawfulBasisBook,
             names: Names) -> list[LedgerEntry]:
    """The request, and its answer once there is one (each person by name)."""
    asked = LedgerEntry(
        row.requested_at, reference_for(row.contact_id), _request_ref(row.id),
        agencies.name(row.agency), ASKED, summary(row.question), bases.label(row.lawful_basis),
        row.lawful_basis_detail or "", "", "", "", row.authorised_by,
        _named(names, row.requested_by))
    if row.answered_at is None:
        return [asked]
    sharing = Sharing(row.sharing) if row.sharing else None
    decided = ", ".join(part for part in (row.decided_by_name, row.decided_by_role) if part)
    answer = LedgerEntry(
        row.answered_at, asked.contact, asked.request, asked.agency, ANSWERED, asked.question,
        bases.label(row.answer_basis), row.answer_basis_detail or "",
        sharing.label if sharing else NOT_RECORDED, row.not_shared_reason or "", decided,
        row.authorised_by, _named(names, row.answered_by))
    return [asked, answer]


def _request_ref(request_id: int) -> str:
    return f"REQ{request_id:06d}"


def summary(question: str) -> str:
    """The question on one line, cut at a word near ``SUMMARY_LENGTH`` characters."""
    flat = " ".join(question.split())
    if len(flat) <= SUMMARY_LENGTH:
        return flat
    cut = flat[:SUMMARY_LENGTH].rsplit(" ", 1)[0] or flat[:SUMMARY_LENGTH]
    return cut + " …"


# -- CSV ------------------------------------------------------------------------------
CSV_HEADER = ("Date and time (UK)", "Contact", "Request", "Agency", "Direction",
              "Question (summary)", "Lawful basis", "Basis detail", "Shared",
              "Reason not shared", "Decided by (name, role)", "Request authorised by",
              "Recorded by")


def _local(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def _cells(e: LedgerEntry) -> list[Any]:
    return [_local(e.at), e.contact, e.request, e.agency, e.direction, e.question, e.basis,
            e.basis_detail, e.shared, e.reason, e.decided_by, e.authorised_by, e.recorded_by]


def to_csv(entries: list[LedgerEntry]) -> str:
    """The ledger as CSV, one row per request or answer, every cell formula-safe
    (``reporting.cells.csv_text``)."""
    return csv_text(CSV_HEADER, (_cells(e) for e in entries))


def _named(names: Names, username: str | None) -> str:
    return names.person(username) if username else ""
