"""Ofsted's Annex A lists 1, 3, 4 and 5 for a period, from the workflow's own records.

Why from the workflow: inspectors ask for these child-level lists within days of
arriving, and councils usually assemble them by hand. Built from the same clocks and
events as the dashboard and the CIN census (``reporting.cin_episodes``), the three can
never disagree. Headings and coded values are exactly those of DOMAIN.md §5: one row per
child per event, dates dd/mm/yyyy, ``a) Yes`` / ``b) No``, sources as ``q) 6: Police``.

Which events a list holds for a period [from, to] (Europe/London dates, both included):
list 1 every contact received in it; list 3 every referral made in it; lists 4 and 5
every assessment and section 47 enquiry that was open on any day of it (started on or
before ``to`` and not finished before ``from``), as the records stood at the end of ``to``.

Counting (each from our records only, including the row's own event): "in the last 12
months" means the 12 months up to and including the row's date: the referral date for
list 3, the enquiry's start for section 47s, and its ICPC date (or, before one is held,
its start) for ICPCs.

Gender and ethnicity are written as the Annex A template codes them, which DOMAIN.md
does not list: our reading (check it against the template in use) is gender ``a) Male``,
``b) Female``, ``c) Not stated/recorded`` (CIN 0), ``d) Neither`` (CIN 9, indeterminate);
ethnicity as the letter of its place in the DfE list and the code (``a) WBRI`` …
``t) NOBT``). Disability is ``a) Yes`` / ``b) No`` / ``c) Unknown``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reporting.cin_codes import ETHNICITIES, SOURCE_LABELS, SOURCE_LETTERS, lettered
from reporting.cin_episodes import (
    LONDON,
    Child,
    Episode,
    load_children,
    load_episodes,
    local_day,
)
from reporting.cin_rules import age_on, dmy
from workflow.persistence.tables import ClockRow, ContactRow

CHILD_COLUMNS = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth",
                 "Age of Child (Years)")
LIST_1 = CHILD_COLUMNS + ("Date of Contact", "Contact Source")
LIST_3 = CHILD_COLUMNS + ("Date of referral", "Referral Source", "Referral NFA?",
                          "Number of Referrals in Last 12 Months", "Allocated Team",
                          "Allocated Worker")
LIST_4 = CHILD_COLUMNS + (
    "Does the Child have a Disability", "Continuous Assessment Start Date",
    "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
    "Was the child assessed as requiring LA children's social care support?",
    "Allocated Team", "Allocated Worker")
LIST_5 = CHILD_COLUMNS + (
    "Does the Child have a Disability",
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months", "Allocated Team", "Allocated Worker")
GENDER = {"1": "a) Male", "2": "b) Female", "0": "c) Not stated/recorded", "9": "d) Neither"}
ETHNICITY_LETTERS = lettered(ETHNICITIES)
Cell = str | int


@dataclass(frozen=True)
class Period:
    """The inspection period: Europe/London dates, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period must end on or after the day it starts")

    @property
    def first_instant(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LONDON)

    @property
    def cutoff(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LONDON)


@dataclass(frozen=True)
class AnnexList:
    """One list: its number, title, headings and rows (cells as written)."""

    number: int
    title: str
    headings: tuple[str, ...]
    rows: list[list[Cell]]

    @property
    def sheet_name(self) -> str:
        return f"List {self.number} {self.title}"[:31]

    @property
    def filename(self) -> str:
        return f"annex_a_list_{self.number}_{self.title.lower().replace(' ', '_')}.csv"


# -- coded values ------------------------------------------------------------------------------

def yes_no(value: bool | None, unknown: str = "") -> str:
    """``a) Yes`` / ``b) No``; ``unknown`` (blank, or ``c) Unknown``) when not known."""
    if value is None:
        return unknown
    return "a) Yes" if value else "b) No"


def source_label(code: str) -> str:
    """``q) 6: Police``: Annex A letter, CIN code, DOMAIN.md label."""
    if code not in SOURCE_LETTERS:
        return code
    return f"{SOURCE_LETTERS[code]}) {code}: {SOURCE_LABELS[code]}"


def ethnicity_label(code: str) -> str:
    letter = ETHNICITY_LETTERS.get(code)
    return f"{letter}) {code}" if letter else code


def day_text(day: date | None) -> str:
    return dmy(day) if day else ""


def child_cells(child: Child | None, on: date) -> list[Cell]:
    """The five child columns, the age in whole years on the event's date."""
    if child is None:
        return ["", "", "", "", ""]
    born = child.date_of_birth
    return [child.la_child_id, GENDER.get(child.gender, child.gender),
            ethnicity_label(child.ethnicity), day_text(born),
            age_on(born, on) if born else ""]


def in_last_12_months(days: Iterable[date], anchor: date) -> int:
    """How many of ``days`` fall in the 12 months up to and including ``anchor``."""
    since = anchor - relativedelta(years=1)
    return sum(since < d <= anchor for d in days)


# -- the lists ---------------------------------------------------------------------------------

def _list_1(session: Session, period: Period) -> AnnexList:
    stmt = (select(ContactRow.child_id, ContactRow.received_at, ContactRow.source)
            .where(ContactRow.received_at >= period.first_instant,
                   ContactRow.received_at < period.cutoff)
            .order_by(ContactRow.received_at, ContactRow.id))
    found = session.execute(stmt).all()
    children = load_children(session, [r.child_id for r in found if r.child_id])
    rows = [child_cells(children.get(r.child_id or 0), local_day(r.received_at))
            + [dmy(local_day(r.received_at)), source_label(r.source)] for r in found]
    return AnnexList(1, "Contacts", LIST_1, rows)


@dataclass(frozen=True)
class _History:
    """Per child: referral dates, section 47 starts and ICPC dates in our records."""

    referrals: dict[int, list[date]]
    s47_starts: dict[int, list[date]]
    icpcs: dict[int, list[date]]


def _referral_days(session: Session, child_ids: Sequence[int], since: datetime,
                   cutoff: datetime) -> dict[int, list[date]]:
    found: dict[int, list[date]] = defaultdict(list)
    for child_id, at in session.execute(select(ContactRow.child_id, ContactRow.referral_at).where(
            ContactRow.child_id.in_(child_ids), ContactRow.referral_at >= since,
            ContactRow.referral_at < cutoff)):
        if child_id is not None and at is not None:
            found[child_id].append(local_day(at))
    return found


def _history(session: Session, child_ids: Sequence[int], period: Period) -> _History:
    since = period.first_instant - relativedelta(years=2)
    starts: dict[int, list[date]] = defaultdict(list)
    icpcs: dict[int, list[date]] = defaultdict(list)
    for child_id, clock in session.execute(select(ContactRow.child_id, ClockRow).join(
            ClockRow, ClockRow.contact_id == ContactRow.id).where(
            ContactRow.child_id.in_(child_ids), ClockRow.rule == "icpc",
            ClockRow.started_at >= since, ClockRow.started_at < period.cutoff)):
        if child_id is None:
            continue
        starts[child_id].append(local_day(clock.started_at))
        held = clock.stopped_at if clock.stop_event == "icpc_held" else None
        if held and held < period.cutoff:
            icpcs[child_id].append(local_day(held))
    return _History(_referral_days(session, child_ids, since, period.cutoff), starts, icpcs)


def _overlaps(begin: date, finish: date | None, period: Period) -> bool:
    return begin <= period.end and (finish is None or finish >= period.start)


def _episode_tail(e: Episode) -> list[Cell]:
    return [e.team or "", e.worker or ""]


def _list_3(episodes: Sequence[Episode], children: dict[int, Child], history: _History,
            period: Period) -> AnnexList:
    rows = [child_cells(children.get(e.child_id or 0), e.referral)
            + [dmy(e.referral), source_label(e.source), yes_no(e.nfa),
               in_last_12_months(history.referrals.get(e.child_id or 0, []), e.referral)]
            + _episode_tail(e)
            for e in episodes if period.start <= e.referral <= period.end]
    return AnnexList(3, "Referrals", LIST_3, rows)


def _needs_support(outcome: str | None, during_cp_plan: bool) -> bool | None:
    """Assessed as requiring LA children's social care support (a CIN or CP plan)?"""
    if during_cp_plan or outcome == "cin_plan":
        return True
    return False if outcome in ("early_help", "no_further_action") else None


def _list_4(episodes: Sequence[Episode], children: dict[int, Child],
            period: Period) -> AnnexList:
    rows = []
    for e in episodes:
        child = children.get(e.child_id or 0)
        for a in e.assessments:
            if _overlaps(a.start, a.ended, period):
                rows.append(child_cells(child, a.start) + [
                    yes_no(child.disability if child else None, "c) Unknown"), dmy(a.start),
                    yes_no(a.child_seen), day_text(a.authorised),
                    yes_no(_needs_support(a.outcome, a.during_cp_plan) if a.authorised
                           else None)] + _episode_tail(e))
    return AnnexList(4, "Assessments", LIST_4, rows)


def _not_needed(not_required: bool, icpc: date | None) -> bool | None:
    if not_required:
        return True
    return False if icpc else None


def _list_5(episodes: Sequence[Episode], children: dict[int, Child], history: _History,
            period: Period) -> AnnexList:
    rows = []
    for e in episodes:
        child, key = children.get(e.child_id or 0), e.child_id or 0
        for s in e.section47s:
            if _overlaps(s.start, s.ended, period):
                rows.append(child_cells(child, s.start) + [
                    yes_no(child.disability if child else None, "c) Unknown"), dmy(s.start),
                    yes_no(_not_needed(s.not_required, s.icpc)), day_text(s.icpc),
                    yes_no(s.plan_made),
                    in_last_12_months(history.s47_starts.get(key, []), s.start),
                    in_last_12_months(history.icpcs.get(key, []), s.icpc or s.start),
                ] + _episode_tail(e))
    return AnnexList(5, "Section 47s and ICPCs", LIST_5, rows)


def _episode_contacts(session: Session, period: Period) -> set[int]:
    """Contacts with a referral in the period or an assessment or s47 open during it."""
    referred = select(ContactRow.id).where(ContactRow.referral_at >= period.first_instant,
                                           ContactRow.referral_at < period.cutoff)
    clocked = select(ClockRow.contact_id).where(
        ClockRow.rule.in_(("assessment", "icpc")), ClockRow.started_at < period.cutoff,
        or_(ClockRow.stopped_at.is_(None), ClockRow.stopped_at >= period.first_instant))
    return set(session.scalars(referred)) | set(session.scalars(clocked))


def build_annex_a(session: Session, period: Period) -> list[AnnexList]:
    """Lists 1, 3, 4 and 5 for the period, as the records stood at its end."""
    episodes = load_episodes(session, _episode_contacts(session, period), period.cutoff)
    child_ids = sorted({e.child_id for e in episodes if e.child_id is not None})
    children = load_children(session, child_ids)
    history = _history(session, child_ids, period)
    return [_list_1(session, period), _list_3(episodes, children, history, period),
            _list_4(episodes, children, period), _list_5(episodes, children, history, period)]


# -- files -------------------------------------------------------------------------------------

def to_xlsx(lists: Sequence[AnnexList]) -> bytes:
    """One workbook, one sheet per list, headings in bold on the first row."""
    book = Workbook()
    book.remove(book.active)
    for annex in lists:
        sheet = book.create_sheet(annex.sheet_name)
        sheet.append(list(annex.headings))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in annex.rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(annex: AnnexList) -> str:
    """One list as CSV text (headings first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(annex.headings)
    writer.writerows(annex.rows)
    return out.getvalue()


def to_csv_zip(lists: Sequence[AnnexList]) -> bytes:
    """A zip holding one CSV file per list."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for annex in lists:
            archive.writestr(annex.filename, to_csv(annex))
    return buffer.getvalue()


def write_csv_files(lists: Sequence[AnnexList], folder: Path) -> list[Path]:
    """One CSV file per list in ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for annex in lists:
        path = folder / annex.filename
        path.write_text(to_csv(annex), encoding="utf-8", newline="")
        written.append(path)
    return written

