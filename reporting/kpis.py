"""The improvement plan's KPIs, month by month, from the same rows as the dashboard.

Each KPI is a numerator and a denominator for a month (Europe/London boundaries);
``config/kpis.toml`` holds the title, the target and the sentence that says exactly how it
is counted. Computing from the workflow's own clocks and events is what keeps the
dashboard, the KPIs and the statutory returns from disagreeing.

A KPI's whole series is one SQL query, whatever the history behind it: the London month
boundaries are computed here, in Python (zoneinfo knows when summer time starts; SQLite
knows no time zones, and PostgreSQL's date arithmetic would follow the session's zone),
and passed as instants, so the same SQL runs on SQLite and PostgreSQL and reads only the
series' months through the existing indexes on the counted instant: one aggregate per
month's range, the months joined by ``UNION ALL`` (or, where each row must be compared with
another, a ``CASE`` naming each row's month and a ``GROUP BY``). No month column is
stored: it would be one more value to keep right on every write, for a key that the
indexes already give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, and_, case, func, literal, select, text, union_all
from sqlalchemy.orm import Session

from reporting.strategy import KPI_AGENCIES
from workflow.casework.config import CONTRIBUTED
from workflow.clocks.calendar import WorkingCalendar
from workflow.config_schema import Flag, Number, OneOf, Text, load_entries
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_strategy import (
    AssessmentRow,
    StrategyDiscussionRow,
    StrategyParticipationRow,
)
from workflow.persistence.types import UTCDateTime

LONDON = ZoneInfo("Europe/London")
#: DfE children in need statistics: a re-referral follows a previous one within 12 months.
RE_REFERRAL_MONTHS = 12


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI as configured."""

    id: str
    title: str
    target: float
    counting: str
    lower_is_better: bool = False
    #: "share" (a percentage of the month's rows), "count" (how many in the month) or
    #: "working_days" (an average of working days per row).
    measure: str = "share"

    @property
    def unit(self) -> str:
        """What the target and the figures are counted in, for the page."""
        return {"share": "%", "count": " a month", "working_days": " working days"}[self.measure]


@dataclass(frozen=True)
class MonthFigure:
    """One month of one KPI."""

    month: date
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if not self.denominator else round(100 * self.numerator / self.denominator, 1)

    def value(self, measure: str) -> float | None:
        """The figure a KPI of this measure shows: a percentage, a count, or an average."""
        if measure == "count":
            return float(self.numerator)
        if measure == "working_days":
            return None if not self.denominator else round(self.numerator / self.denominator, 1)
        return self.percent


def load_kpis(config_dir: Path) -> list[KpiDefinition]:
    """Read config/kpis.toml; unknown ids or a missing target stop start-up."""
    entry = {"id": OneOf(tuple(all_counters()), required=True),
             "title": Text(load_default=None),
             "target": Number(0, 100, required=True), "counting": Text(required=True),
             "lower_is_better": Flag(load_default=False),
             "measure": OneOf(MEASURES, load_default="share")}
    return [KpiDefinition(kpi["id"], kpi["title"] or kpi["id"], kpi["target"], kpi["counting"],
                          kpi["lower_is_better"], kpi["measure"])
            for kpi in load_entries(config_dir / "kpis.toml", "kpi", entry)]


#: How a KPI is measured (KpiDefinition.measure).
MEASURES = ("share", "count", "working_days")


def all_counters() -> dict[str, Any]:
    """The KPIs of this module and the Family Help quality measures (imported here, as
    they are built from this module's month helpers)."""
    from reporting.family_help_kpis import COUNTERS as FAMILY_HELP

    return {**COUNTERS, **FAMILY_HELP}


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """First instant of the month and of the next, in Europe/London."""
    start = datetime(month.year, month.month, 1, tzinfo=LONDON)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


# -- months as instants ------------------------------------------------------------------------

MONTH, KIND, AT, PREVIOUS = "kpi_month", "kpi_kind", "kpi_at", "kpi_previous"


@dataclass(frozen=True)
class Month:
    """One London month: its first day, the instants it starts and ends, and a number that
    orders months and subtracts to a distance in months (year * 12 + month - 1)."""

    first: date
    start: datetime
    end: datetime

    @property
    def number(self) -> int:
        return self.first.year * 12 + self.first.month - 1

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.replace(day=1), *month_bounds(day.replace(day=1)))


def _months(firsts: Sequence[date]) -> list[Month]:
    """The distinct months asked for, oldest first."""
    return [Month.of(d) for d in sorted({d.replace(day=1) for d in firsts})]


def _month_number(column: Any, months: Sequence[Month]) -> Any:
    """SQL: the number of the month ``column`` falls in, or NULL outside ``months``.

    A month that follows the one before it needs no lower bound (the branch before it has
    already failed, so ``column`` is past that month's end): one comparison a month."""
    branches, previous_end = [], None
    for m in months:
        inside = column < m.end if m.start == previous_end else and_(column >= m.start,
                                                                      column < m.end)
        branches.append((inside, m.number))
        previous_end = m.end
    return case(*branches, else_=None)


def _within(column: Any, months: Sequence[Month]) -> ColumnElement[bool]:
    """SQL: ``column`` between the first month's start and the last one's end (the range
    an index on ``column`` serves; rows in a gap between months get a NULL month)."""
    return and_(column >= months[0].start, column < months[-1].end)


def _share(good: Any) -> Any:
    """SUM over a boolean condition, the same on SQLite and PostgreSQL."""
    return func.sum(case((good, 1), else_=0))


Figures = dict[int, tuple[int, int]]  # month number -> (numerator, denominator)
SeriesCounter = Callable[[Session, list[Month]], Figures]


def _monthly_share(session: Session, months: list[Month], at: Any, good: Any,
                   *where: Any) -> Figures:
    """One query: per month of ``at``, (rows where ``good``, all rows) among ``where``.

    A ``UNION ALL`` of one aggregate per month, each over its own range of the index on
    ``at``: the same rows as a ``GROUP BY`` over a ``CASE`` naming each row's month, without
    working out twelve comparisons per row and sorting the rows by month (SQLite: 305 ->
    230 ms for a year of contacts at 1,000,000; PostgreSQL 136 -> 78 ms, under load)."""
    if not months:
        return {}
    stmt = union_all(*(select(literal(m.number).label(MONTH), func.count(), _share(good))
                       .where(at >= m.start, at < m.end, *where) for m in months))
    return {number: (int(good_rows or 0), int(total))
            for number, total, good_rows in session.execute(stmt) if total}


# -- the KPIs ----------------------------------------------------------------------------------

def _clock_share(rules: tuple[str, ...], stop_events: tuple[str, ...]) -> SeriesCounter:
    """Clocks stopped in the month by one of ``stop_events``, met or not (the index on
    ``stopped_at, rule`` reads only the series' months)."""
    def count(session: Session, months: list[Month]) -> Figures:
        return _monthly_share(session, months, ClockRow.stopped_at, ClockRow.result == "met",
                              ClockRow.rule.in_(rules), ClockRow.stop_event.in_(stop_events))

    return count


def _strategy_contributions(session: Session, months: list[Month]) -> Figures:
    """Discussions held in the month, and those where police, health and education all
    attended or wrote: the same rows and condition as ``reporting.strategy.overall`` (the
    per-agency table), counted for every month at once."""
    d, p = StrategyDiscussionRow, StrategyParticipationRow
    contributing = (select(func.count()).select_from(p).where(
        p.discussion_id == d.id, p.agency.in_(KPI_AGENCIES), p.status.in_(CONTRIBUTED))
        .scalar_subquery())
    return _monthly_share(session, months, d.held_at, contributing == len(set(KPI_AGENCIES)))


def _conversion(session: Session, months: list[Month]) -> Figures:
    """Contacts received in the month, and those accepted as referrals."""
    return _monthly_share(session, months, ContactRow.received_at,
                          ContactRow.referral_at.is_not(None))


def _authorised_child_seen(session: Session, months: list[Month]) -> Figures:
    """Assessments authorised in the month, and those authorised with the child seen (not
    flagged "authorised with the child not seen"), by the index on ``authorised_at``."""
    a = AssessmentRow
    return _monthly_share(session, months, a.authorised_at, a.authorised_not_seen.is_(False),
                          a.status == "authorised")


def _consistency(session: Session, months: list[Month]) -> Figures:
    """Threshold decisions made in the month (each row of the decisions table, a returned
    override included: it was a decision), and those whose level matched the catalogue's
    recommendation. Read from the decision rows, where the stamp is kept, by their index on
    ``decided_at``."""
    d = ThresholdDecisionRow
    return _monthly_share(session, months, d.decided_at, d.matches_recommendation.is_(True))


def _re_referrals(session: Session, months: list[Month]) -> Figures:
    """Referrals accepted in the month, and those whose child had a previous referral
    within the 12 calendar months before it.

    The DfE's children in need statistics ("Characteristics of children in need" and "Children
    in need: a focus on re-referrals", methodology on explore-education-statistics.service.gov.uk)
    define a re-referral as a child "referred within 12 months of a previous referral",
    counted from the census's referral dates (``CINreferralDate``, a date, not an instant):
    twelve calendar months, not 365 days, on London dates. The publications do not say
    whether the day exactly twelve months on is inside; it is counted inside here
    (previous 2025-03-04, new 2026-03-04: a re-referral; new 2026-03-05: not), as the
    contact page's re-referral flag counts it (``workflow.intake``: "since" is the same
    day a year earlier, inclusive). Twelve months before 29 February is 28 February.

    One query: each referral of the series with its child's latest earlier one (a correlated
    lookup, one probe of the index on ``child_id, referral_at`` per referral; a referral at
    the very same instant is not "previous"; SQLite 81 -> 15 ms for a year at 1,000,000
    against a window sorting 25 months of referrals by child, PostgreSQL the same). A
    previous referral eleven or fewer months before the new one's month is within 12
    months, thirteen or more is not; only one in the month exactly a year earlier depends on
    the day, and those few pairs come back as rows and are compared here on London dates.
    The months are a MATERIALIZED CTE: SQLite would otherwise fold it into the outer query
    and work out each row's months again at every mention, 2.4 times the work. (Needs
    SQLite 3.35+ and PostgreSQL 12+, for MATERIALIZED.)
    """
    c, earlier = ContactRow, ContactRow.__table__.alias("earlier")
    history = _months([_shift(m.first, -k) for m in months for k in range(RE_REFERRAL_MONTHS + 1)])
    # Bounded below by the first month of the history: _month_number's branches assume it.
    previous = (select(func.max(earlier.c.referral_at, type_=UTCDateTime()))
                .where(earlier.c.child_id == c.child_id, earlier.c.referral_at < c.referral_at,
                       earlier.c.referral_at >= history[0].start)
                .scalar_subquery())
    instants = (select(c.child_id, c.referral_at, previous.label("previous"))
                .where(_within(c.referral_at, months)).cte("instants").prefix_with("MATERIALIZED"))
    placed = (select(instants, _month_number(instants.c.referral_at, months).label(MONTH),
                     _month_number(instants.c.previous, history).label("previous_month"))
              .cte("placed").prefix_with("MATERIALIZED"))
    return _resolve(session.execute(_classified(placed)).all())


def _classified(placed: Any) -> Any:
    """Per month: referrals counted as within (2), not within (0), and, one row per pair,
    those whose previous referral is in the month a year earlier (1: decided by the day)."""
    apart = placed.c[MONTH] - placed.c.previous_month
    known = placed.c.child_id.is_not(None)
    kind = case((and_(known, apart < RE_REFERRAL_MONTHS), 2),
                (and_(known, apart == RE_REFERRAL_MONTHS), 1), else_=0)
    borderline = and_(known, apart == RE_REFERRAL_MONTHS)
    return (select(placed.c[MONTH], kind.label(KIND),
                   case((borderline, placed.c.referral_at), else_=None).label(AT),
                   case((borderline, placed.c.previous), else_=None).label(PREVIOUS),
                   func.count())
            .group_by(text(MONTH), text(KIND), text(AT), text(PREVIOUS)))


def _resolve(rows: Sequence[Any]) -> Figures:
    """Add up the classified rows; the day decides the pairs a year apart by month."""
    found: dict[int, list[int]] = {}
    for number, kind, at, before, n in rows:
        if number is None:
            continue
        figure = found.setdefault(number, [0, 0])
        figure[1] += int(n)
        if kind == 2 or (kind == 1 and within_twelve_months(before, at)):
            figure[0] += int(n)
    return {number: (repeat, total) for number, (repeat, total) in found.items()}


def within_twelve_months(previous: datetime, referral: datetime) -> bool:
    """A previous referral on or after the same London date twelve months before
    (``relativedelta``: 29 February goes back to 28 February)."""
    day = referral.astimezone(LONDON).date()
    return previous.astimezone(LONDON).date() >= day - relativedelta(months=RE_REFERRAL_MONTHS)


def _shift(first: date, months: int) -> date:
    return first + relativedelta(months=months)


COUNTERS: dict[str, SeriesCounter] = {
    "decision_timeliness": _clock_share(("contact_decision",), ("decision_made",)),
    "strategy_contributions": _strategy_contributions,
    "assessment_timeliness": _clock_share(("assessment",), ("assessment_completed",)),
    "assessment_timeliness_dfe": _clock_share(("assessment_dfe",), ("assessment_completed",)),
    "child_seen": _clock_share(("child_seen_s17", "child_seen_s47"), ("child_seen",)),
    "authorised_child_seen": _authorised_child_seen,
    "re_referrals": _re_referrals,
    "conversion": _conversion,
    "threshold_consistency": _consistency,
}


def last_months(today: date, count: int = 12) -> list[date]:
    """The first day of each of the last ``count`` months, oldest first."""
    months, cursor = [], today.replace(day=1)
    for _ in range(count):
        months.append(cursor)
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return months[::-1]


def series(session: Session, kpi: KpiDefinition, months: list[date],
           calendar: WorkingCalendar | None = None) -> list[MonthFigure]:
    """One KPI for each month, in the order given: one query for the whole series (a
    measure in working days also needs the calendar)."""
    if not months:
        return []
    counter = COUNTERS.get(kpi.id)
    found = counter(session, _months(months)) if counter else \
        all_counters()[kpi.id](session, _months(months), calendar)
    figures = []
    for month in months:
        numerator, denominator = found.get(Month.of(month).number, (0, 0))
        figures.append(MonthFigure(month, numerator, denominator))
    return figures


#: Age bands of the open-assessment backlog, in working days since the referral.
BACKLOG_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0–10 working days", 0, 10), ("11–20", 11, 20), ("21–30", 21, 30),
    ("31–45", 31, 45), ("Over 45 (past the Working Together limit)", 46, None))


def assessment_backlog(session: Session, calendar: WorkingCalendar, now: datetime
                       ) -> list[tuple[str, int]]:
    """Open assessments by age band today. Reads running assessment clocks only (the live
    caseload, through the running-clock index); ages are working days from the referral,
    start day is day 0, the same reading as the 45-working-day rule.

    One query counting in SQL: an age only grows as the start goes back, so "at least N
    working days old" is "started before the London day after the latest date that old",
    worked out here with the calendar (bank holidays) once per band, not once per clock."""
    today = calendar.local_date(now)
    lows = [low for _label, low, _high in BACKLOG_BANDS]
    older = [_started_before(calendar, today, low) for low in lows[1:]]
    running = and_(ClockRow.rule == "assessment", ClockRow.stopped_at.is_(None))
    row = session.execute(select(func.count(), *(_share(ClockRow.started_at < cutoff)
                                                 for cutoff in older)).where(running)).one()
    at_least = [int(n or 0) for n in row] + [0]
    return [(label, at_least[k] - at_least[k + 1])
            for k, (label, _low, _high) in enumerate(BACKLOG_BANDS)]


def _started_before(calendar: WorkingCalendar, today: date, age: int) -> datetime:
    """The instant before which a clock is at least ``age`` working days old today: the
    start of the London day after the latest date ``age`` working days before today."""
    day = today
    while calendar.working_days_between(day, today) < age:
        day -= timedelta(days=1)
    return calendar.start_of_day(day + timedelta(days=1))
