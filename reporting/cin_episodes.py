"""The read model both statutory returns share: referral episodes as the DfE counts them.

Why one place: Annex A and the CIN census describe the same assessments, section 47
enquiries and plans. Deriving them once, from the records the workflow keeps, keeps the
returns and the dashboard from ever disagreeing. Everything is "as at" a cutoff instant,
so a return for a past period ignores what happened later.

Where each field comes from (one contact with a referral date = one episode):

* referral date: ``contact.referral_at`` (stamped when the referral is accepted);
* assessment: each ``assessment`` row: start, authorisation, outcome and factors as
  recorded; the child seen when a visit with the child seen falls inside it;
* section 47: each ``section_47`` row: start = the initiating strategy discussion, target
  = the due date of the conference clock that discussion started, ICPC = the conference's
  date, or recorded as not required;
* child protection plans: ``child_protection_plan`` rows (start = the conference's date),
  reviews from the review conferences held on them;
* CIN plans: the spans the contact spends in the ``cin_plan`` stage, from the day of the
  step that moved it (a review conference's own date when it ended a plan);
* closure: the first move into ``closed`` or ``early_help``, with the contact's recorded
  CIN reason for closure;
* referral NFA: recorded when the referral closed with no further action after its
  strategy discussion (it then has no assessment);
* primary need: chosen with the threshold decision in force.

All dates are Europe/London dates. Queries select by indexed columns (``referral_at``,
``contact_id``) and load only the contacts asked for, in chunks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.contact import reference_for
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_people import PersonDisabilityRow, PersonRow
from workflow.persistence.tables_strategy import (
    AssessmentRow,
    ChildProtectionPlanRow,
    PlanMeetingRow,
    Section47Row,
    VisitRow,
)

LONDON = ZoneInfo("Europe/London")
CHILD_ID_PREFIX = "FDC"  # LAchildID: distinct from contact references (FD0000123)
CLOSING_STAGES = ("closed", "early_help")
_CHUNK = 500


def la_child_id(child_id: int) -> str:
    """The child's ID in both returns (LAchildID; Annex A's Child Unique ID)."""
    return f"{CHILD_ID_PREFIX}{child_id:07d}"


def local_day(instant: datetime) -> date:
    """The Europe/London date of an aware instant."""
    return instant.astimezone(LONDON).date()


#: The census's older <GenderCurrent> codes for each <Sex> (until the writer moves on).
_GENDER_OF_SEX = {"M": "1", "F": "2", "U": "0"}


@dataclass(frozen=True)
class Child:
    """What the returns say about a child (identifiers and characteristics)."""

    id: int
    date_of_birth: date | None
    sex: str
    ethnicity: str
    upn: str | None
    disabilities: tuple[str, ...] = ()
    upn_unknown: str | None = None
    expected_date_of_birth: date | None = None

    @property
    def gender(self) -> str:
        """The older GenderCurrent code of the child's sex."""
        return _GENDER_OF_SEX.get(self.sex, "0")

    @property
    def disability(self) -> bool | None:
        """Whether a disability is recorded: None when nothing is, False for NONE."""
        if not self.disabilities:
            return None
        return self.disabilities != ("NONE",)

    @property
    def la_child_id(self) -> str:
        return la_child_id(self.id)


@dataclass(frozen=True)
class Assessment:
    start: date
    authorised: date | None
    ended: date | None  # authorised, or stopped unauthorised when the contact moved on
    child_seen: bool
    outcome: str | None = None
    during_cp_plan: bool = False
    factors: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return self.ended is None


@dataclass(frozen=True)
class Section47:
    start: date
    target: date
    icpc: date | None
    not_required: bool
    ended: date | None  # the ICPC, or when it was recorded as not required
    plan_made: bool | None

    @property
    def open(self) -> bool:
        return self.ended is None


@dataclass
class ProtectionPlan:
    start: date
    initial_category: str | None
    latest_category: str | None
    reviews: list[date] = field(default_factory=list)
    end: date | None = None


@dataclass
class CinPlan:
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Episode:
    """One referral (CINdetails) as at the cutoff."""

    contact_id: int
    child_id: int | None
    referral: date
    source: str
    primary_need: str | None
    nfa: bool
    closure: date | None
    closure_reason: str | None
    assessments: tuple[Assessment, ...]
    section47s: tuple[Section47, ...]
    cp_plans: tuple[ProtectionPlan, ...]
    cin_plans: tuple[CinPlan, ...]
    team: str | None
    worker: str | None

    @property
    def reference(self) -> str:
        return reference_for(self.contact_id)


def _kept(end: date | None, since: date) -> bool:
    return end is None or end >= since


def within(episode: Episode, since: date) -> Episode:
    """The episode without what ended before ``since`` (the census year reports its own)."""
    plans = tuple(replace(p, reviews=[r for r in p.reviews if r >= since])
                  for p in episode.cp_plans if _kept(p.end, since))
    return replace(
        episode, assessments=tuple(a for a in episode.assessments if _kept(a.ended, since)),
        section47s=tuple(s for s in episode.section47s if _kept(s.ended, since)),
        cp_plans=plans, cin_plans=tuple(c for c in episode.cin_plans if _kept(c.end, since)))


# -- building an episode ---------------------------------------------------------------------

def _before(moment: datetime | None, cutoff: datetime) -> date | None:
    """The London day of a moment before the cutoff (None after it, or when not given)."""
    return local_day(moment) if moment is not None and moment < cutoff else None


@dataclass
class Records:
    """One contact's rows, as the episode is built from them."""

    assessments: list[AssessmentRow] = field(default_factory=list)
    enquiries: list[Section47Row] = field(default_factory=list)
    icpc_clocks: list[ClockRow] = field(default_factory=list)
    plans: list[ChildProtectionPlanRow] = field(default_factory=list)
    reviews: list[PlanMeetingRow] = field(default_factory=list)
    visits: list[VisitRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    primary_need: str | None = None
    nfa_decision: bool = False


def _assessment(row: AssessmentRow, records: Records, cutoff: datetime) -> Assessment:
    authorised = _before(row.authorised_at, cutoff)
    until = row.authorised_at if authorised and row.authorised_at else cutoff
    seen = any(v.child_seen and row.started_at <= v.visited_at <= until
               for v in records.visits)
    on_plan = authorised is not None and any(
        p.started_at <= until and (p.ended_at is None or until <= p.ended_at)
        for p in records.plans)
    return Assessment(start=local_day(row.started_at), authorised=authorised, ended=authorised,
                      child_seen=seen, outcome=row.outcome if authorised else None,
                      during_cp_plan=on_plan, factors=tuple(row.factors or ()))


def _target(row: Section47Row, records: Records) -> date:
    """The conference target: the due date of the clock the initiating discussion started."""
    started = [c for c in records.icpc_clocks if c.started_at >= row.started_at]
    return local_day(started[0].due_at if started else row.started_at)


def _section47(row: Section47Row, records: Records, cutoff: datetime) -> Section47:
    ended = _before(row.closed_at, cutoff)
    held = ended is not None and row.conference_at is not None
    return Section47(start=local_day(row.started_at), target=_target(row, records),
                     icpc=local_day(row.conference_at) if held and row.conference_at else None,
                     not_required=ended is not None and row.conference_at is None,
                     ended=local_day(row.conference_at) if held and row.conference_at
                     else ended, plan_made=row.plan_made if held else None)


def _cp_plan(row: ChildProtectionPlanRow, records: Records, cutoff: datetime
             ) -> ProtectionPlan:
    end = _before(row.ended_at, cutoff)
    reviews = [local_day(m.held_at) for m in records.reviews
               if m.kind == "review_conference" and m.held_at < cutoff
               and row.started_at <= m.held_at and (row.ended_at is None
                                                    or m.held_at <= row.ended_at)]
    return ProtectionPlan(local_day(row.started_at), row.category, row.category, reviews, end)


def event_day(event: EventRow) -> date:
    """When the step happened: the meeting's date where one was given (a review conference
    typed in two days later still ended the plan on its own day), else the event's."""
    held = (event.payload or {}).get("held_at")
    if isinstance(held, str):
        try:
            moment = datetime.fromisoformat(held)
        except ValueError:
            return local_day(event.at)
        return moment.date() if moment.tzinfo is None else local_day(moment)
    return local_day(event.at)


def _cin_plans(events: Sequence[EventRow]) -> tuple[CinPlan, ...]:
    plans: list[CinPlan] = []
    for e in events:
        if e.to_stage == "cin_plan" and e.from_stage != "cin_plan":
            plans.append(CinPlan(event_day(e)))
        elif e.from_stage == "cin_plan" and e.to_stage != "cin_plan" and plans:
            plans[-1].end = event_day(e)
    return tuple(plans)


def _closing_event(events: Sequence[EventRow]) -> EventRow | None:
    return next((e for e in events if e.to_stage in CLOSING_STAGES
                 and e.from_stage is not None and e.from_stage not in CLOSING_STAGES), None)


def build_episode(row: ContactRow, records: Records, cutoff: datetime) -> Episode:
    """One contact's referral episode as at ``cutoff`` (rows already limited to it)."""
    assert row.referral_at is not None
    closing = _closing_event(records.events)
    return Episode(
        contact_id=row.id, child_id=row.child_id, referral=local_day(row.referral_at),
        source=row.source, primary_need=records.primary_need,
        nfa=bool(row.referral_nfa) or records.nfa_decision,
        closure=local_day(closing.at) if closing else None,
        closure_reason=row.closure_reason if closing else None,
        # A referral closed NFA after its strategy discussion: no assessment was carried out.
        assessments=() if row.referral_nfa else tuple(
            _assessment(a, records, cutoff) for a in records.assessments),
        section47s=tuple(_section47(s, records, cutoff) for s in records.enquiries),
        cp_plans=tuple(_cp_plan(p, records, cutoff) for p in records.plans),
        cin_plans=_cin_plans(records.events), team=row.team, worker=row.worker)


# -- loading ---------------------------------------------------------------------------------

def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), _CHUNK):
        yield ordered[i:i + _CHUNK]


def _by_contact(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        grouped[r.contact_id].append(r)
    return grouped


def _records(session: Session, chunk: list[int], cutoff: datetime) -> dict[int, Records]:
    """Every row the episodes of these contacts are built from, one query per table."""
    found: dict[int, Records] = defaultdict(Records)

    def rows(table: Any, moment: Any, *where: Any) -> Iterable[Any]:
        return session.scalars(select(table).where(table.contact_id.in_(chunk), moment < cutoff,
                                                   *where).order_by(moment, table.id))

    for a in rows(AssessmentRow, AssessmentRow.started_at, AssessmentRow.status != "closed"):
        found[a.contact_id].assessments.append(a)
    for s47 in rows(Section47Row, Section47Row.started_at):
        found[s47.contact_id].enquiries.append(s47)
    for clock in rows(ClockRow, ClockRow.started_at, ClockRow.rule == "icpc"):
        found[clock.contact_id].icpc_clocks.append(clock)
    for plan in rows(ChildProtectionPlanRow, ChildProtectionPlanRow.started_at):
        found[plan.contact_id].plans.append(plan)
    for meeting in rows(PlanMeetingRow, PlanMeetingRow.held_at):
        found[meeting.contact_id].reviews.append(meeting)
    for visit in rows(VisitRow, VisitRow.visited_at):
        found[visit.contact_id].visits.append(visit)
    for event in rows(EventRow, EventRow.at):
        found[event.contact_id].events.append(event)
    for d in rows(ThresholdDecisionRow, ThresholdDecisionRow.decided_at,
                  ThresholdDecisionRow.status == "in_force"):
        found[d.contact_id].primary_need = d.primary_need or found[d.contact_id].primary_need
        found[d.contact_id].nfa_decision = d.outcome == "no_further_action"
    _revised_needs(found.values())
    return found


def _revised_needs(found: Iterable[Records]) -> None:
    """An assessment that found another primary need revises the decision's (the latest
    assessment's word stands)."""
    for records in found:
        revised = [a.primary_need for a in records.assessments if a.primary_need]
        if revised:
            records.primary_need = revised[-1]


def load_episodes(session: Session, contact_ids: Iterable[int],
                  cutoff: datetime) -> list[Episode]:
    """The episodes of these contacts as at ``cutoff`` (contacts without a referral skipped)."""
    episodes: list[Episode] = []
    for chunk in _chunks(contact_ids):
        rows = session.scalars(select(ContactRow).where(
            ContactRow.id.in_(chunk), ContactRow.referral_at < cutoff)).all()
        records = _records(session, chunk, cutoff)
        episodes += [build_episode(r, records[r.id], cutoff) for r in rows]
    return sorted(episodes, key=lambda e: (e.referral, e.contact_id))


def load_children(session: Session, child_ids: Iterable[int]) -> dict[int, Child]:
    """The children with these ids."""
    found: dict[int, Child] = {}
    for chunk in _chunks(child_ids):
        codes: dict[int, list[str]] = defaultdict(list)
        for person_id, code in session.execute(select(
                PersonDisabilityRow.person_id, PersonDisabilityRow.code).where(
                PersonDisabilityRow.person_id.in_(chunk)).order_by(PersonDisabilityRow.id)):
            codes[person_id].append(code)
        for r in session.scalars(select(PersonRow).where(PersonRow.id.in_(chunk))):
            found[r.id] = Child(r.id, r.date_of_birth, r.sex, r.ethnicity, r.upn,
                                tuple(codes[r.id]), r.upn_unknown, r.expected_date_of_birth)
    return found


def plan_starts(session: Session, child_ids: Iterable[int],
                cutoff: datetime) -> dict[int, list[date]]:
    """Every child protection plan start in our records per child, before ``cutoff``."""
    starts: dict[int, list[date]] = defaultdict(list)
    for chunk in _chunks(child_ids):
        rows = session.execute(select(ContactRow.child_id, ChildProtectionPlanRow.started_at)
                               .join(ChildProtectionPlanRow,
                                     ChildProtectionPlanRow.contact_id == ContactRow.id)
                               .where(ContactRow.child_id.in_(chunk),
                                      ChildProtectionPlanRow.started_at < cutoff)).all()
        for child_id, started in rows:
            if child_id is not None:
                starts[child_id].append(local_day(started))
    return starts
