"""Team and individual performance: caseloads, visits, overdue work, long assessments and
decisions returned, per worker, within the line of management only.

Each figure is one grouped query by worker over indexed columns (the contact's stage and
worker, running clocks by due instant, assessments by status, events by instant), so the
page costs the same whatever the years of history behind it. Who appears is decided by
``reporting.compliance.Oversight``: a worker sees their own line, a team manager the
workers on the teams they manage, a head of service everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reporting.compliance import Oversight
from workflow.clocks.calendar import WorkingCalendar
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_strategy import AssessmentRow
from workflow.stages import OPEN_STAGES

#: Working Together: an assessment is completed within 45 working days of the referral.
ASSESSMENT_WORKING_DAYS = 45
VISIT_STANDARDS = ("cin_visit", "cp_visit")
#: Actions by which a manager sends a worker's decision or assessment back.
RETURNS = ("return_decision", "return_assessment")
RETURNS_WINDOW = timedelta(days=91)


@dataclass
class WorkerLine:
    """One worker's figures."""

    worker: str
    caseload: int = 0
    weighted: float = 0.0
    visits_overdue: int = 0
    standards_overdue: int = 0
    timescales_overdue: int = 0
    long_assessments: int = 0
    returned: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)


def _scoped(stmt: Any, who: Oversight, worker: str | None) -> Any:
    condition = who.condition()
    stmt = stmt.where(ContactRow.worker.is_not(None))
    if worker:
        stmt = stmt.where(ContactRow.worker == worker)
    return stmt if condition is None else stmt.where(condition)


def _first(stmt: Any, name: str) -> Any:
    """The rows a figure counts, read first from their own table's index (running clocks,
    open assessments, the window's events) and only then joined to their contacts by key.
    MATERIALIZED: otherwise SQLite starts from the contact's worker index, to serve the
    GROUP BY, and reads every contact a worker ever held."""
    return stmt.cte(name).prefix_with("MATERIALIZED")


def _by_worker(t: Any, *columns: Any) -> Any:
    return select(ContactRow.worker, *columns).select_from(t).join(
        ContactRow, ContactRow.id == t.c.contact_id)


def assessment_cutoff(calendar: WorkingCalendar, today: date) -> date:
    """The latest start day of an assessment open longer than 45 working days today."""
    day = today
    while calendar.working_days_between(day, today) <= ASSESSMENT_WORKING_DAYS:
        day -= timedelta(days=1)
    return day


def performance(session: Session, who: Oversight, standards: frozenset[str],
                weights: Mapping[str, float], calendar: WorkingCalendar, now: datetime,
                worker: str | None = None) -> list[WorkerLine]:
    """Every worker in the line of management with their figures, most overdue first."""
    lines: dict[str, WorkerLine] = {}

    def line(name: str) -> WorkerLine:
        return lines.setdefault(name, WorkerLine(name))

    open_stages = [s.value for s in OPEN_STAGES]
    held = _first(_scoped(select(ContactRow.worker, ContactRow.stage)
                          .where(ContactRow.stage.in_(open_stages)), who, worker), "held")
    for name, stage, count in session.execute(
            select(held.c.worker, held.c.stage, func.count())
            .group_by(held.c.worker, held.c.stage)):
        w = line(name)
        w.by_stage[stage] = int(count)
        w.caseload += int(count)
        w.weighted += int(count) * weights.get(stage, 1.0)
    _overdue(session, who, worker, standards, now, line)
    _long_assessments(session, who, worker, calendar, now, line)
    returns = _first(select(EventRow.contact_id).where(
        EventRow.trigger.in_(RETURNS), EventRow.at >= now - RETURNS_WINDOW), "returned")
    for name, count in session.execute(_scoped(_by_worker(returns, func.count()), who, worker)
                                       .group_by(ContactRow.worker)):
        line(name).returned = int(count)
    return sorted(lines.values(), key=lambda w: (-(w.standards_overdue + w.timescales_overdue),
                                                 w.worker))


def _overdue(session: Session, who: Oversight, worker: str | None, standards: frozenset[str],
             now: datetime, line: Any) -> None:
    """Running clocks past due, by worker and rule: standards, timescales, visits."""
    late = _first(select(ClockRow.contact_id, ClockRow.rule).where(
        ClockRow.stopped_at.is_(None), ClockRow.due_at < now), "overdue")
    stmt = _scoped(_by_worker(late, late.c.rule, func.count(),
                              func.count(func.distinct(late.c.contact_id))), who, worker)
    for name, rule, count, cases in session.execute(stmt.group_by(ContactRow.worker,
                                                                  late.c.rule)):
        w = line(name)
        if rule in standards:
            w.standards_overdue += int(count)
        else:
            w.timescales_overdue += int(count)
        if rule in VISIT_STANDARDS:
            w.visits_overdue += int(cases)


def _long_assessments(session: Session, who: Oversight, worker: str | None,
                      calendar: WorkingCalendar, now: datetime, line: Any) -> None:
    cutoff = calendar.end_of_day(assessment_cutoff(calendar, calendar.local_date(now)))
    long = _first(select(AssessmentRow.contact_id).where(
        AssessmentRow.status.in_(("open", "submitted")), AssessmentRow.started_at <= cutoff),
        "long_assessment")
    stmt = _scoped(_by_worker(long, func.count()), who, worker)
    for name, count in session.execute(stmt.group_by(ContactRow.worker)):
        line(name).long_assessments = int(count)


def team_totals(lines: list[WorkerLine]) -> WorkerLine:
    """The sum of the lines shown (a team's or the service's total)."""
    total = WorkerLine("Total")
    for w in lines:
        for name in ("caseload", "weighted", "visits_overdue", "standards_overdue",
                     "timescales_overdue", "long_assessments", "returned"):
            setattr(total, name, getattr(total, name) + getattr(w, name))
    return total
