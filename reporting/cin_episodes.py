"""The read model both statutory returns share: referral episodes as the DfE counts them.

Why one place: Annex A and the CIN census describe the same assessments, section 47
enquiries and plans. Deriving them once, from the clocks the dashboard reads and the
append-only events, keeps the returns and the dashboard from ever disagreeing. Everything
is "as at" a cutoff instant, so a return for a past period ignores what happened later.

Where each field comes from (one contact with a referral date = one episode):

* referral date: ``contact.referral_at`` (stamped when the assessment clock starts);
* assessment: each ``assessment`` clock: start = its start (the referral), authorisation =
  its ``assessment_completed`` stop; factors and outcome from that ``complete_assessment``;
* section 47: each ``icpc`` clock: start = the initiating strategy discussion, target = its
  due date, ICPC = its ``icpc_held`` stop, ``icpc_not_required`` stop = not required (a
  clock superseded by a reconvened discussion belongs to the enquiry after it);
* child protection plans: ``hold_icpc`` events with a plan (start = the conference's
  ``held_at``), reviews and end from ``hold_review_conference`` events;
* CIN plans: the spans the contact spends in the ``cin_plan`` stage;
* closure: the first move into ``closed`` or ``early_help``; RC8/RC9 from the assessment
  outcome, otherwise the ``closure_reason`` recorded when closing;
* referral NFA: a referral whose recorded decision is "no further action", or one closed
  with no further action after its strategy discussion (it then has no assessment);
* factors: from the authorisation, else the author's last submission.

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

from workflow.casework.factors import normalised
from workflow.contact import reference_for
from workflow.persistence.tables import ChildRow, ClockRow, ContactRow, EventRow

LONDON = ZoneInfo("Europe/London")
CHILD_ID_PREFIX = "FDC"  # LAchildID: distinct from contact references (FD0000123)
CLOSING_STAGES = ("closed", "early_help")
CLOSURE_BY_OUTCOME = {"no_further_action": "RC8", "early_help": "RC9"}
_CHUNK = 500


def la_child_id(child_id: int) -> str:
    """The child's ID in both returns (LAchildID; Annex A's Child Unique ID)."""
    return f"{CHILD_ID_PREFIX}{child_id:07d}"


def local_day(instant: datetime) -> date:
    """The Europe/London date of an aware instant."""
    return instant.astimezone(LONDON).date()


@dataclass(frozen=True)
class Child:
    """What the returns say about a child (identifiers and characteristics)."""

    id: int
    date_of_birth: date | None
    gender: str
    ethnicity: str
    upn: str | None
    disability: bool | None

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


# -- reading dates out of events -----------------------------------------------------------

def payload_day(value: Any) -> date | None:
    """A payload date or date-time (ISO text) as a London date; None if not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) == 10 or moment.tzinfo is None:
        return moment.date()
    return local_day(moment)


def event_day(event: EventRow) -> date:
    """When the recorded thing happened: the meeting or visit date given, else the event."""
    for name in ("held_at", "visited_at"):
        day = payload_day(event.payload.get(name))
        if day is not None:
            return day
    return local_day(event.at)


def _stopped(clock: ClockRow, cutoff: datetime) -> bool:
    return clock.stopped_at is not None and clock.stopped_at < cutoff


# -- building an episode ---------------------------------------------------------------------

def _assessment(clock: ClockRow, events: Sequence[EventRow], cutoff: datetime) -> Assessment:
    stopped = _stopped(clock, cutoff) and clock.stopped_at is not None
    done = stopped and clock.stop_event == "assessment_completed"
    completion = next((e for e in events if e.trigger == "complete_assessment"
                       and e.at == clock.stopped_at), None) if done else None
    payload = completion.payload if completion else {}
    until = clock.stopped_at if stopped and clock.stopped_at else cutoff
    seen = any(e.trigger == "record_visit" and e.payload.get("child_seen") is True
               and clock.started_at <= e.at <= until for e in events)
    return Assessment(
        start=local_day(clock.started_at),
        authorised=local_day(clock.stopped_at) if done and clock.stopped_at else None,
        ended=local_day(clock.stopped_at) if stopped and clock.stopped_at else None,
        child_seen=seen,
        outcome=payload.get("assessment_outcome"),
        during_cp_plan=completion is not None and completion.from_stage == "cp_plan",
        factors=tuple(str(f) for f in payload.get("factors")
                      or _submitted_factors(events, clock.started_at, until)))


def _submitted_factors(events: Sequence[EventRow], start: datetime,
                       until: datetime) -> list[str]:
    """The factors of the last submission for authorisation inside the assessment (the
    manager may restate them when authorising; then those win)."""
    submitted = [e for e in events if e.trigger == "submit_assessment"
                 and start <= e.at <= until]
    # Checked against the census rules when submitted, so putting them in order loses nothing.
    return normalised(submitted[-1].payload.get("factors") or ()) if submitted else []


def _section47(clock: ClockRow, conference: EventRow | None, cutoff: datetime,
               first: ClockRow | None = None) -> Section47:
    ended = local_day(clock.stopped_at) if _stopped(clock, cutoff) and clock.stopped_at else None
    held = ended is not None and clock.stop_event == "icpc_held"
    plan = conference.payload.get("plan") if conference is not None and held else None
    initiating = first or clock
    return Section47(
        start=local_day(initiating.started_at), target=local_day(initiating.due_at),
        icpc=ended if held else None,
        not_required=ended is not None and clock.stop_event == "icpc_not_required",
        ended=ended, plan_made=None if plan is None else plan is True)


def _section47s(clocks: Sequence[ClockRow], events: Sequence[EventRow],
                cutoff: datetime) -> tuple[Section47, ...]:
    """Each enquiry paired, in order, with the conference (or no-conference) event after it."""
    conferences = [e for e in events if e.trigger in ("hold_icpc", "icpc_not_required")]
    enquiries = _enquiries(clocks, cutoff)
    return tuple(_section47(c, conferences[i] if i < len(conferences) else None, cutoff,
                            first)
                 for i, (first, c) in enumerate(enquiries))


def _enquiries(clocks: Sequence[ClockRow], cutoff: datetime) -> list[tuple[ClockRow, ClockRow]]:
    """(first clock, last clock) per enquiry. A council counting the ICPC from the last
    strategy discussion replaces the clock when one is reconvened (stopped "superseded");
    the census still dates the enquiry from the initiating discussion, the first clock."""
    enquiries: list[tuple[ClockRow, ClockRow]] = []
    first: ClockRow | None = None
    for clock in clocks:
        first = first or clock
        if clock.result == "superseded" and _stopped(clock, cutoff):
            continue
        enquiries.append((first, clock))
        first = None
    return enquiries


def _cp_plans(events: Sequence[EventRow]) -> tuple[ProtectionPlan, ...]:
    plans: list[ProtectionPlan] = []
    for e in events:
        if e.trigger == "hold_icpc" and e.payload.get("plan") is True:
            category = e.payload.get("category")
            plans.append(ProtectionPlan(event_day(e), category, category))
        elif e.trigger == "hold_review_conference" and plans and plans[-1].end is None:
            plan = plans[-1]
            plan.reviews.append(event_day(e))
            plan.latest_category = e.payload.get("category") or plan.latest_category
            if e.payload.get("plan_continues") is False:
                plan.end = event_day(e)
    return tuple(plans)


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


def _closure_reason(closing: EventRow, row: ContactRow) -> str | None:
    payload = closing.payload
    reason = payload.get("closure_reason") or CLOSURE_BY_OUTCOME.get(
        str(payload.get("assessment_outcome")))
    return reason or (row.facts or {}).get("closure_reason")


def _primary_need(events: Sequence[EventRow]) -> str | None:
    needs = [e.payload["primary_need"] for e in events if e.payload.get("primary_need")]
    return str(needs[-1]) if needs else None


def _is_nfa(row: ContactRow) -> bool:
    """NFA at the decision, or after a strategy discussion (no assessment carried out)."""
    facts = row.facts or {}
    return (facts.get("decision") or {}).get("outcome") == "no_further_action" or bool(
        facts.get("referral_nfa"))


def build_episode(row: ContactRow, clocks: Sequence[ClockRow], events: Sequence[EventRow],
                  cutoff: datetime) -> Episode:
    """One contact's referral episode as at ``cutoff`` (rows already limited to it)."""
    assert row.referral_at is not None
    closing = _closing_event(events)
    return Episode(
        contact_id=row.id, child_id=row.child_id, referral=local_day(row.referral_at),
        source=row.source, primary_need=_primary_need(events), nfa=_is_nfa(row),
        closure=event_day(closing) if closing else None,
        closure_reason=_closure_reason(closing, row) if closing else None,
        # A referral closed NFA after its strategy discussion had its assessment clock
        # running, but no assessment was carried out (census: NFA referrals have none).
        assessments=() if (row.facts or {}).get("referral_nfa") else tuple(
            _assessment(c, events, cutoff) for c in clocks if c.rule == "assessment"),
        section47s=_section47s([c for c in clocks if c.rule == "icpc"], events, cutoff),
        cp_plans=_cp_plans(events), cin_plans=_cin_plans(events), team=row.team,
        worker=row.worker)


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


def load_episodes(session: Session, contact_ids: Iterable[int],
                  cutoff: datetime) -> list[Episode]:
    """The episodes of these contacts as at ``cutoff`` (contacts without a referral skipped)."""
    episodes: list[Episode] = []
    for chunk in _chunks(contact_ids):
        rows = session.scalars(select(ContactRow).where(
            ContactRow.id.in_(chunk), ContactRow.referral_at < cutoff)).all()
        clocks = _by_contact(session.scalars(select(ClockRow).where(
            ClockRow.contact_id.in_(chunk), ClockRow.rule.in_(("assessment", "icpc")),
            ClockRow.started_at < cutoff).order_by(ClockRow.started_at, ClockRow.id)))
        events = _by_contact(session.scalars(select(EventRow).where(
            EventRow.contact_id.in_(chunk), EventRow.at < cutoff).order_by(EventRow.seq)))
        episodes += [build_episode(r, clocks[r.id], events[r.id], cutoff) for r in rows]
    return sorted(episodes, key=lambda e: (e.referral, e.contact_id))


def load_children(session: Session, child_ids: Iterable[int]) -> dict[int, Child]:
    """The children with these ids."""
    found: dict[int, Child] = {}
    for chunk in _chunks(child_ids):
        for r in session.scalars(select(ChildRow).where(ChildRow.id.in_(chunk))):
            found[r.id] = Child(r.id, r.date_of_birth, r.gender, r.ethnicity, r.upn,
                                r.disability)
    return found


def plan_starts(session: Session, child_ids: Iterable[int],
                cutoff: datetime) -> dict[int, list[date]]:
    """Every child protection plan start in our records per child, before ``cutoff``."""
    starts: dict[int, list[date]] = defaultdict(list)
    for chunk in _chunks(child_ids):
        rows = session.execute(select(ContactRow.child_id, EventRow).join(
            EventRow, EventRow.contact_id == ContactRow.id).where(
            ContactRow.child_id.in_(chunk), EventRow.trigger == "hold_icpc",
            EventRow.at < cutoff)).all()
        for child_id, event in rows:
            if child_id is not None and event.payload.get("plan") is True:
                starts[child_id].append(event_day(event))
    return starts
