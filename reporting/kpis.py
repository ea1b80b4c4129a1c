"""The improvement plan's KPIs, month by month, from the same rows as the dashboard.

Each KPI is a numerator and a denominator for a month (Europe/London boundaries), counted
by a small SQL query; ``config/kpis.toml`` holds the title, the target and the sentence
that says exactly how it is counted. Computing from the workflow's own clocks and events
is what keeps the dashboard, the KPIs and the statutory returns from disagreeing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from reporting.strategy import overall as strategy_overall
from workflow.clocks.calendar import WorkingCalendar
from workflow.config_schema import Flag, Number, OneOf, Text, load_entries
from workflow.persistence.tables import ClockRow, ContactRow, EventRow

LONDON = ZoneInfo("Europe/London")
CONTRIBUTED = ("attended", "written")


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI as configured."""

    id: str
    title: str
    target: float
    counting: str
    lower_is_better: bool = False


@dataclass(frozen=True)
class MonthFigure:
    """One month of one KPI."""

    month: date
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if not self.denominator else round(100 * self.numerator / self.denominator, 1)


def load_kpis(config_dir: Path) -> list[KpiDefinition]:
    """Read config/kpis.toml; unknown ids or a missing target stop start-up."""
    entry = {"id": OneOf(tuple(COUNTERS), required=True), "title": Text(load_default=None),
             "target": Number(0, 100, required=True), "counting": Text(required=True),
             "lower_is_better": Flag(load_default=False)}
    return [KpiDefinition(kpi["id"], kpi["title"] or kpi["id"], kpi["target"], kpi["counting"],
                          kpi["lower_is_better"])
            for kpi in load_entries(config_dir / "kpis.toml", "kpi", entry)]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """First instant of the month and of the next, in Europe/London."""
    start = datetime(month.year, month.month, 1, tzinfo=LONDON)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


Counter = Callable[[Session, datetime, datetime], tuple[int, int]]


def _pair(session: Session, stmt: Any) -> tuple[int, int]:
    """(numerator, denominator) from a ``SELECT count(*), sum(good)`` statement."""
    total, good = session.execute(stmt).one()
    return int(good or 0), int(total or 0)


def _share(good: Any) -> Any:
    """SUM over a boolean condition, the same on SQLite and PostgreSQL."""
    return func.sum(case((good, 1), else_=0))


def _clock_share(rules: tuple[str, ...], stop_events: tuple[str, ...]) -> Counter:
    def count(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
        stmt = select(func.count(), _share(ClockRow.result == "met")).where(
            ClockRow.rule.in_(rules), ClockRow.stop_event.in_(stop_events),
            ClockRow.stopped_at >= start, ClockRow.stopped_at < end)
        return _pair(session, stmt)

    return count


def _strategy_contributions(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """From the strategy discussion rows, by the month each was held; the same
    query gives the per-agency breakdown (``reporting.strategy``)."""
    return strategy_overall(session, start, end)


def _re_referrals(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """Date arithmetic differs per database, so the month's referrals (a bounded set) are
    compared in Python with their children's referrals of the year before."""
    month = session.execute(select(ContactRow.id, ContactRow.child_id, ContactRow.referral_at)
                            .where(ContactRow.referral_at >= start,
                                   ContactRow.referral_at < end)).all()
    children = {r.child_id for r in month}
    history = session.execute(select(ContactRow.id, ContactRow.child_id, ContactRow.referral_at)
                              .where(ContactRow.child_id.in_(children),
                                     ContactRow.referral_at >= start - timedelta(days=365),
                                     ContactRow.referral_at < end)).all()
    repeat = sum(1 for r in month if any(
        h.child_id == r.child_id and h.id != r.id
        and r.referral_at - timedelta(days=365) <= h.referral_at < r.referral_at
        for h in history))
    return repeat, len(month)


def _conversion(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    stmt = select(func.count(), _share(ContactRow.referral_at.is_not(None))).where(
        ContactRow.received_at >= start, ContactRow.received_at < end)
    return _pair(session, stmt)


def _consistency(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    matched = EventRow.payload["matches_recommendation"].as_boolean()
    stmt = select(func.count(), _share(matched)).where(
        EventRow.trigger == "decide", EventRow.at >= start, EventRow.at < end,
        EventRow.payload["recommended_level"].as_string().is_not(None))
    return _pair(session, stmt)


COUNTERS: dict[str, Counter] = {
    "decision_timeliness": _clock_share(("contact_decision",), ("decision_made",)),
    "strategy_contributions": _strategy_contributions,
    "assessment_timeliness": _clock_share(("assessment",), ("assessment_completed",)),
    "assessment_timeliness_dfe": _clock_share(("assessment_dfe",), ("assessment_completed",)),
    "child_seen": _clock_share(("child_seen_s17", "child_seen_s47"), ("child_seen",)),
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


def series(session: Session, kpi: KpiDefinition, months: list[date]) -> list[MonthFigure]:
    """One KPI for each month."""
    counter = COUNTERS[kpi.id]
    figures = []
    for month in months:
        start, end = month_bounds(month)
        numerator, denominator = counter(session, start, end)
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
    start day is day 0, the same reading as the 45-working-day rule."""
    today = calendar.local_date(now)
    started = session.scalars(select(ClockRow.started_at).where(
        ClockRow.rule == "assessment", ClockRow.stopped_at.is_(None))).all()
    ages = [calendar.working_days_between(calendar.local_date(s), today) for s in started]
    return [(label, sum(1 for a in ages if a >= low and (high is None or a <= high)))
            for label, low, high in BACKLOG_BANDS]
