"""Ofsted's Annex A lists 1 to 7 for a period, from the workflow's own records.

Why from the workflow: inspectors ask for these child-level lists within days of arriving,
and councils usually assemble them by hand. Built from the same records as the dashboard
and the CIN census (``reporting.cin_episodes``), the three cannot disagree. What this
module decides is what Front Door writes in each *field*; the template's sheets, headings
and words are data (``config/annex_a/<version>.toml``, read by ``reporting.annex_a_spec``).

Which rows a list holds for a period [from, to] (Europe/London dates, both included), as
the records stood at the end of ``to``:

1. contacts: every contact received in the period (one contact per child);
2. early help: every early help spell open on any day of it (a decision of early help,
   a step down after an assessment or from a child in need plan, until early help ends
   or the case steps up);
3. referrals: every referral accepted in it;
4. and 5. every assessment and section 47 enquiry open on any day of it;
6. children in need: per child, the latest referral episode open on any day of it that did
   not end with no further action (a child only the subject of a referral is not listed);
7. child protection: per child, the latest child protection plan open on any day of it.

Counts "in the last 12 months" are the child's *previous* events, never the row's own: the
referrals in the 12 months before this referral, the section 47 enquiries and ICPCs in the
12 months before this enquiry started (``annex_a_sources.previous_in_12_months``), and
every child protection plan before this one (as the census's NumberOfPreviousCPP).
Ages are whole years on the period's last day, the one date the template's own sample
computes every age at. Allocated team and worker are names, as at the end of the period.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from reporting.annex_a_files import (
    AnnexList,
    Cell,
    to_csv,
    to_csv_zip,
    to_xlsx,
    write_csv_files,
    write_csv_zip,
    write_xlsx,
)
from reporting.annex_a_sources import (
    Allocated,
    EarlyHelp,
    History,
    Mark,
    Period,
    Visit,
    allocations,
    early_help_spells,
    history,
    previous_in_12_months,
    visits,
)
from reporting.annex_a_spec import AnnexConfig, AnnexSpec, ListSpec, load_annex_config
from reporting.cells import safe_cell
from reporting.cin_episodes import (
    CLOSING_STAGES,
    Child,
    Episode,
    ProtectionPlan,
    load_children,
    load_episodes,
    local_day,
)
from reporting.cin_rules import age_on
from workflow.persistence.tables import ContactRow, EventRow
from workflow.rules import DEFAULT_CONFIG
from workflow.stages import OPEN_STAGES

__all__ = ["AnnexList", "Period", "build_annex_a", "is_empty", "to_csv", "to_csv_zip",
           "to_xlsx", "write_csv_files", "write_csv_zip", "write_xlsx"]

Value = str | int | date | None
Fields = dict[str, Value]
T = TypeVar("T")


# -- the fields every list shares --------------------------------------------------------------

def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def child_fields(child: Child | None, on: date) -> Fields:
    """The child columns: identifiers and characteristics from the person record, the age
    in whole years on ``on``; disability ``unknown`` when none (not even NONE) is recorded."""
    if child is None:
        return {}
    born = child.date_of_birth
    return {"child_id": child.la_child_id, "sex": child.sex, "ethnicity": child.ethnicity,
            "date_of_birth": born, "age": age_on(born, on) if born and born <= on else None,
            "disability": yes_no(child.disability) or "unknown"}


@dataclass
class Records:
    """Everything the lists are built from, read once for the period."""

    period: Period
    contacts: list[tuple[int | None, date, str]]
    spells: list[EarlyHelp]
    episodes: list[Episode]
    children: dict[int, Child]
    allocated: dict[int, Allocated]
    visits: dict[int, list[Visit]]
    history: History

    def child(self, child_id: int | None) -> Fields:
        return child_fields(self.children.get(child_id or 0), self.period.end)

    def allocation(self, contact_id: int) -> Fields:
        found = self.allocated.get(contact_id, Allocated())
        return {"team": found.team, "worker": found.worker}


# -- the lists ---------------------------------------------------------------------------------

def _contacts(r: Records, config: AnnexConfig) -> list[Fields]:
    return [r.child(child_id) | {"contact_date": day, "source": source}
            for child_id, day, source in r.contacts]


def _early_help(r: Records, config: AnnexConfig) -> list[Fields]:
    """The organisation is the team a step down handed the family to, else the team the
    case is allocated to, else the council's early help service ([annex_a] settings)."""
    default = config.settings.early_help_organisation
    return [r.child(s.child_id) | {
        "early_help_start": s.start, "early_help_end": s.end,
        "organisation": s.team or r.allocated.get(s.contact_id, Allocated()).team or default}
        for s in sorted(r.spells, key=lambda s: (s.start, s.contact_id))]


def _referrals(r: Records, config: AnnexConfig) -> list[Fields]:
    rows = []
    for e in r.episodes:
        if r.period.start <= e.referral <= r.period.end:
            marks = r.history.referrals.get(e.child_id or 0, [])
            this = next((m for m in marks if m.id == e.contact_id), None)
            rows.append(r.child(e.child_id) | {
                "referral_date": e.referral, "source": e.source, "referral_nfa": yes_no(e.nfa),
                "previous_referrals": previous_in_12_months(marks, this) if this else 0,
            } | r.allocation(e.contact_id))
    return rows


def _needs_support(outcome: str | None, during_cp_plan: bool) -> bool | None:
    """Assessed as requiring LA children's social care support (a CIN or CP plan)?"""
    if during_cp_plan or outcome == "cin_plan":
        return True
    return False if outcome in ("early_help", "no_further_action") else None


def _assessments(r: Records, config: AnnexConfig) -> list[Fields]:
    return [r.child(e.child_id) | {
        "assessment_start": a.start, "child_seen": yes_no(a.child_seen),
        "assessment_authorised": a.authorised,
        "needs_support": yes_no(_needs_support(a.outcome, a.during_cp_plan))
        if a.authorised else None,
    } | r.allocation(e.contact_id)
        for e in r.episodes for a in e.assessments if r.period.overlaps(a.start, a.ended)]


def _not_needed(not_required: bool, icpc: date | None) -> bool | None:
    if not_required:
        return True
    return False if icpc else None


def _enquiry_counts(r: Records, child: int | None, this: Mark | None) -> Fields:
    """The child's enquiries and ICPCs in the 12 months before this enquiry started."""
    if child is None or this is None:
        return {"previous_s47s": 0, "previous_icpcs": 0}
    return {"previous_s47s": previous_in_12_months(r.history.enquiries.get(child, []), this),
            "previous_icpcs": previous_in_12_months(r.history.conferences.get(child, []),
                                                    Mark(this.at, 0))}


def _enquiries(r: Records, config: AnnexConfig) -> list[Fields]:
    rows = []
    for e in r.episodes:
        # The history lists a contact's enquiries in the episode's own order (started, id).
        marks = r.history.enquiries_of.get(e.contact_id, [])
        for k, s in enumerate(e.section47s):
            if r.period.overlaps(s.start, s.ended):
                rows.append(r.child(e.child_id) | {
                    "s47_start": s.start, "icpc_not_needed": yes_no(_not_needed(
                        s.not_required, s.icpc)), "icpc_date": s.icpc,
                    "icpc_plan": yes_no(s.plan_made),
                } | _enquiry_counts(r, e.child_id, marks[k] if k < len(marks) else None)
                    | r.allocation(e.contact_id))
    return rows


def _case_status(e: Episode) -> str:
    """Where the episode stood at the end of the period (the template's order of
    precedence: closed, protection plan, child in need plan, open assessment)."""
    if e.closure is not None:
        return "closed"
    if any(p.end is None for p in e.cp_plans):
        return "cp_plan"
    if any(c.end is None for c in e.cin_plans):
        return "cin_plan"
    return "open_assessment" if any(a.open for a in e.assessments) else "cin_plan"


def _latest_per_child(found: Iterable[tuple[int | None, tuple[date, int], T]]) -> list[T]:
    """Per child the item with the greatest key (the latest start; on one day, the later
    contact), in the order of those keys."""
    best: dict[int | None, tuple[tuple[date, int], T]] = {}
    for child, key, item in found:
        if child not in best or key > best[child][0]:
            best[child] = (key, item)
    return [item for _, item in sorted(best.values(), key=lambda pair: pair[0])]


def _last(found: Iterable[Visit]) -> Visit | None:
    return max(found, key=lambda v: v.at, default=None)


def _children_in_need(r: Records, config: AnnexConfig) -> list[Fields]:
    chosen = _latest_per_child((e.child_id, (e.referral, e.contact_id), e) for e in r.episodes
                               if not e.nfa and r.period.overlaps(e.referral, e.closure))
    rows = []
    for e in chosen:
        seen = _last(v for v in r.visits.get(e.contact_id, []) if v.child_seen)
        rows.append(r.child(e.child_id) | {
            "cin_start": e.referral, "primary_need": e.primary_need,
            "last_seen": seen.day if seen else None, "cin_closure": e.closure,
            "closure_reason": e.closure_reason if e.closure else None,
            "case_status": _case_status(e)} | r.allocation(e.contact_id))
    return rows


def _seen_alone(visit: Visit) -> str:
    if not visit.child_seen:
        return "no"
    return yes_no(visit.seen_alone) or "unknown"


def _plan_fields(r: Records, e: Episode, plan: ProtectionPlan) -> Fields:
    until = plan.end or r.period.end
    visit = _last(v for v in r.visits.get(e.contact_id, []) if plan.start <= v.day <= until)
    earlier = r.history.plans.get(e.child_id or 0, [])
    return {"plan_start": plan.start, "initial_category": plan.initial_category,
            "latest_category": plan.latest_category,
            "last_visit": visit.day if visit else None,
            "seen_alone": _seen_alone(visit) if visit else None,
            "latest_review": max(plan.reviews, default=None), "plan_end": plan.end,
            # Emergency protection orders and police protection are not recorded here.
            "emergency_protection": "unknown",
            "previous_plans": sum(d < plan.start for d in earlier)}


def _protection(r: Records, config: AnnexConfig) -> list[Fields]:
    chosen = _latest_per_child((e.child_id, (p.start, e.contact_id), (e, p))
                               for e in r.episodes for p in e.cp_plans
                               if r.period.overlaps(p.start, p.end))
    rows = []
    for e, plan in chosen:
        rows.append(r.child(e.child_id) | _plan_fields(r, e, plan) | r.allocation(e.contact_id))
    return rows


LISTS: dict[int, Callable[[Records, AnnexConfig], list[Fields]]] = {
    1: _contacts, 2: _early_help, 3: _referrals, 4: _assessments, 5: _enquiries,
    6: _children_in_need, 7: _protection}


# -- reading the records -----------------------------------------------------------------------

def _episode_contacts(session: Session, period: Period) -> set[int]:
    """Contacts whose referral episode may be open on a day of the period: referred before
    its end and open now, or closed on or after its first day (closures are events)."""
    c = ContactRow
    open_now = select(c.id).where(c.stage.in_([s.value for s in OPEN_STAGES]),
                                  c.referral_at < period.cutoff)
    closed_since = (select(EventRow.contact_id)
                    .join(c, c.id == EventRow.contact_id)
                    .where(EventRow.at >= period.first_instant,
                           EventRow.to_stage.in_(CLOSING_STAGES),
                           EventRow.from_stage.not_in(CLOSING_STAGES),
                           c.referral_at < period.cutoff))
    return set(session.scalars(union(open_now, closed_since)))


def _received(session: Session, period: Period) -> list[tuple[int | None, date, str]]:
    """List 1's contacts (a year is ~100,000 at county volume), read in batches (a
    server-side cursor on PostgreSQL) into the plain tuples the list is built from, so
    the driver's rows are never all held beside them."""
    rows = session.execute(
        select(ContactRow.child_id, ContactRow.received_at, ContactRow.source)
        .where(ContactRow.received_at >= period.first_instant,
               ContactRow.received_at < period.cutoff)
        .order_by(ContactRow.received_at, ContactRow.id)
        .execution_options(yield_per=READ_BATCH))
    return [(child, local_day(at), source) for child, at, source in rows]


#: Rows fetched at a time by the export's longest read.
READ_BATCH = 2000


def read_records(session: Session, period: Period) -> Records:
    """Every row the seven lists need, as at the end of the period."""
    contacts = _received(session, period)
    spells = early_help_spells(session, period)
    episodes = load_episodes(session, _episode_contacts(session, period), period.cutoff)
    in_episodes = {e.child_id for e in episodes if e.child_id is not None}
    child_ids = in_episodes | {c for c, _, _ in contacts if c} | {
        s.child_id for s in spells if s.child_id}
    contact_ids = {e.contact_id for e in episodes}
    return Records(period, contacts, spells, episodes, load_children(session, child_ids),
                   allocations(session, contact_ids | {s.contact_id for s in spells},
                               period.cutoff),
                   visits(session, contact_ids, period.cutoff),
                   history(session, in_episodes, period.cutoff))


def _cells(spec: AnnexSpec, annex: ListSpec, row: Fields) -> list[Cell]:
    """One row as written: coded fields in the template's words, text made formula-safe,
    dates and whole numbers as they are, blanks as None."""
    cells: list[Cell] = []
    for column in annex.columns:
        value = row.get(column.field)
        if value is None or value == "":
            cells.append(None)
        elif column.type == "coded" and column.codes:
            cells.append(spec.written(column.codes, str(value)))
        elif column.type == "text":
            cells.append(safe_cell(str(value)))
        else:
            cells.append(value)
    return cells


def build_annex_a(session: Session, period: Period,
                  config: AnnexConfig | None = None) -> list[AnnexList]:
    """Lists 1 to 7 for the period in the template version in force on its last day."""
    config = config or load_annex_config(DEFAULT_CONFIG, period.end)
    records = read_records(session, period)
    spec = config.spec
    return [AnnexList(annex, [_cells(spec, annex, row) for row in
                              LISTS[annex.number](records, config)],
                      spec.date_format, spec.excel_date_format) for annex in spec.lists]


def is_empty(lists: Sequence[AnnexList]) -> bool:
    """True when no list has a row: the files would hold the headings only."""
    return not any(annex.rows for annex in lists)
