"""What Annex A reads besides the referral episodes (``reporting.cin_episodes``).

* **Allocation** as at the end of the period: the contact's ``allocate`` events before it,
  each changing the team, the worker or both (as the action does); a contact that was
  never allocated through the action keeps what intake gave it (an open case's team and
  worker). Codes are shown as names: the team's name, the worker's display name.
* **Visits** to the child (the child seen, seen alone).
* **Early help spells**: a contact's move into the early help stage (a decision of early
  help, a step down after an assessment or from a child in need plan) to its move out
  (early help ended, or stepped up), with the receiving team a step down names.
* **History** per child, for the "in the last 12 months" counts and previous plans: every
  referral, section 47 enquiry, ICPC and child protection plan in our records before the
  end of the period.

Every query selects by indexed columns (contact ids, child ids) for the rows the lists
need, in chunks, never every contact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.cin_episodes import LONDON, local_day, plan_starts
from reporting.kpis import within_twelve_months
from workflow.persistence.tables import ContactRow, EventRow, UserRow
from workflow.persistence.tables_people import TeamRow
from workflow.persistence.tables_strategy import Section47Row, StepDownRow, VisitRow
from workflow.stages import Stage

_CHUNK = 500
EARLY_HELP = Stage.EARLY_HELP.value


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

    def overlaps(self, begin: date, finish: date | None) -> bool:
        """Open on any day of the period: begun by its end, not finished before its start."""
        return begin <= self.end and (finish is None or finish >= self.start)


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), _CHUNK):
        yield ordered[i:i + _CHUNK]


# -- allocation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Allocated:
    """The team's and the worker's names (None: not allocated)."""

    team: str | None = None
    worker: str | None = None


def _folded(rows: Iterable[Any], cutoff: datetime) -> dict[int, tuple[str | None, str | None]]:
    """Per contact, the team and worker its allocate events before ``cutoff`` left it with;
    a contact with allocate events only after the cutoff was not yet allocated."""
    found: dict[int, tuple[str | None, str | None]] = {}
    for contact_id, at, payload in rows:
        team, worker = found.get(contact_id, (None, None))
        if at < cutoff:
            body = payload or {}
            team, worker = body.get("team") or team, body.get("worker") or worker
        found[contact_id] = (team, worker)
    return found


def _names(session: Session, teams: set[str], workers: set[str]
           ) -> tuple[dict[str, str], dict[str, str]]:
    team_names = {code: name for code, name in session.execute(
        select(TeamRow.code, TeamRow.name).where(TeamRow.code.in_(teams)))}
    worker_names = {user: name for user, name in session.execute(
        select(UserRow.username, UserRow.display_name).where(UserRow.username.in_(workers)))}
    return team_names, worker_names


def allocations(session: Session, contact_ids: Iterable[int], cutoff: datetime
                ) -> dict[int, Allocated]:
    """Each contact's allocated team and worker, by name, as at ``cutoff``."""
    codes: dict[int, tuple[str | None, str | None]] = {}
    for chunk in chunks(contact_ids):
        events = session.execute(
            select(EventRow.contact_id, EventRow.at, EventRow.payload)
            .where(EventRow.contact_id.in_(chunk), EventRow.trigger == "allocate")
            .order_by(EventRow.contact_id, EventRow.seq)).all()
        codes |= _folded(events, cutoff)
        intake = session.execute(select(ContactRow.id, ContactRow.team, ContactRow.worker)
                                 .where(ContactRow.id.in_([c for c in chunk if c not in codes])))
        codes |= {cid: (team, worker) for cid, team, worker in intake}
    teams = {t for t, _ in codes.values() if t}
    workers = {w for _, w in codes.values() if w}
    team_names, worker_names = _names(session, teams, workers)
    return {cid: Allocated(team_names.get(t, t) if t else None,
                           worker_names.get(w, w) if w else None)
            for cid, (t, w) in codes.items()}


# -- visits ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Visit:
    at: datetime
    child_seen: bool
    seen_alone: bool | None

    @property
    def day(self) -> date:
        return local_day(self.at)


def visits(session: Session, contact_ids: Iterable[int], cutoff: datetime
           ) -> dict[int, list[Visit]]:
    """Each contact's visits before ``cutoff``, oldest first."""
    found: dict[int, list[Visit]] = defaultdict(list)
    for chunk in chunks(contact_ids):
        for v in session.scalars(select(VisitRow).where(
                VisitRow.contact_id.in_(chunk), VisitRow.visited_at < cutoff)
                .order_by(VisitRow.visited_at, VisitRow.id)):
            found[v.contact_id].append(Visit(v.visited_at, v.child_seen, v.seen_alone))
    return found


# -- early help ------------------------------------------------------------------------------

@dataclass(frozen=True)
class EarlyHelp:
    """One contact's time in early help, as at the end of the period."""

    contact_id: int
    child_id: int | None
    start: date
    end: date | None
    team: str | None  # the receiving team a step down named (typed by the manager)


def _spell_rows(session: Session, period: Period) -> list[Any]:
    """Moves into early help before the cutoff, of contacts that had not left it before
    the period began (a contact enters early help once: it ends in a final stage)."""
    left_before = select(EventRow.contact_id).where(
        EventRow.from_stage == EARLY_HELP, EventRow.to_stage != EARLY_HELP,
        EventRow.at < period.first_instant)
    return list(session.execute(
        select(EventRow.contact_id, EventRow.seq, EventRow.at, ContactRow.child_id)
        .join(ContactRow, ContactRow.id == EventRow.contact_id)
        .where(EventRow.to_stage == EARLY_HELP, EventRow.from_stage != EARLY_HELP,
               EventRow.at < period.cutoff, EventRow.contact_id.not_in(left_before))
        .order_by(EventRow.at, EventRow.contact_id)).all())


def early_help_spells(session: Session, period: Period) -> list[EarlyHelp]:
    """Every early help spell open on any day of the period."""
    entered = _spell_rows(session, period)
    ids = [r.contact_id for r in entered]
    ended: dict[int, datetime] = {}
    handed: dict[tuple[int, int], tuple[str, date]] = {}
    for chunk in chunks(ids):
        ended |= {cid: moment for cid, moment in session.execute(
            select(EventRow.contact_id, EventRow.at).where(
                EventRow.contact_id.in_(chunk), EventRow.from_stage == EARLY_HELP,
                EventRow.to_stage != EARLY_HELP, EventRow.at < period.cutoff))}
        for s in session.scalars(select(StepDownRow).where(StepDownRow.contact_id.in_(chunk))):
            handed[(s.contact_id, s.event_seq)] = (s.team, s.handover_on)
    spells = []
    for r in entered:
        team, handover = handed.get((r.contact_id, r.seq), (None, None))
        leaving = ended.get(r.contact_id)
        spell = EarlyHelp(r.contact_id, r.child_id, handover or local_day(r.at),
                          local_day(leaving) if leaving else None, team)
        if period.overlaps(spell.start, spell.end):
            spells.append(spell)
    return spells


# -- history ---------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Mark:
    """An event in a child's history: when, and its row id (which came first on a tie)."""

    at: datetime
    id: int


@dataclass
class History:
    """Per child (by person id): referrals, enquiries, conferences and plan starts."""

    referrals: dict[int, list[Mark]]
    enquiries: dict[int, list[Mark]]
    conferences: dict[int, list[Mark]]
    plans: dict[int, list[date]]
    #: Per contact, its enquiries in the order the episode lists them (started, id).
    enquiries_of: dict[int, list[Mark]]


def previous_in_12_months(marks: Iterable[Mark], this: Mark) -> int:
    """How many of ``marks`` came before ``this`` (earlier; at the same instant, a lower
    id) and fell on or after the same London date twelve months before it. The event
    itself is never counted; twelve calendar months as the re-referral KPI counts them
    (``reporting.kpis.within_twelve_months``: 29 February goes back to 28 February)."""
    return sum(m < this and within_twelve_months(m.at, this.at) for m in marks)


def history(session: Session, child_ids: Iterable[int], cutoff: datetime) -> History:
    """Everything in the children's records before ``cutoff`` the counts need."""
    found = History(defaultdict(list), defaultdict(list), defaultdict(list), {},
                    defaultdict(list))
    ids = list(child_ids)
    for chunk in chunks(ids):
        for child, at, cid in session.execute(
                select(ContactRow.child_id, ContactRow.referral_at, ContactRow.id)
                .where(ContactRow.child_id.in_(chunk), ContactRow.referral_at < cutoff)):
            if child is not None and at is not None:
                found.referrals[child].append(Mark(at, cid))
        for child, s in session.execute(
                select(ContactRow.child_id, Section47Row)
                .join(Section47Row, Section47Row.contact_id == ContactRow.id)
                .where(ContactRow.child_id.in_(chunk), Section47Row.started_at < cutoff)
                .order_by(Section47Row.started_at, Section47Row.id)):
            if child is not None:
                _enquiry(found, child, s, cutoff)
    found.plans = dict(plan_starts(session, ids, cutoff))
    return found


def _enquiry(found: History, child: int, s: Section47Row, cutoff: datetime) -> None:
    mark = Mark(s.started_at, s.id)
    found.enquiries[child].append(mark)
    found.enquiries_of[s.contact_id].append(mark)
    held = s.conference_at is not None and s.closed_at is not None and s.closed_at < cutoff
    if held and s.conference_at is not None:
        found.conferences[child].append(Mark(s.conference_at, s.id))
