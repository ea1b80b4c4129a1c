"""Strategy discussion contributions, month by month, per agency and overall.

Why: the improvement plan promises that health, police and education contribute to more
than 95% of strategy discussions, and managers need to see *which* agency does not. A
discussion counts in the month it was held (Europe/London); an agency contributed when
it attended or sent a written contribution. The overall figure counts discussions where
all three did. SQL over ``strategy_discussion (held_at)`` and the participation rows,
two grouped queries for any number of months — never a loop over every discussion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.orm import Session

from workflow.casework.config import CONTRIBUTED
from workflow.persistence.tables_strategy import StrategyDiscussionRow, StrategyParticipationRow

#: The improvement plan's agencies (config/kpis.toml 'strategy_contributions').
KPI_AGENCIES = ("police", "health", "education")
TARGET = 95.0

D, P = StrategyDiscussionRow, StrategyParticipationRow
LONDON = ZoneInfo("Europe/London")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """First instant of the month and of the next, in Europe/London (as the KPIs count)."""
    start = datetime(month.year, month.month, 1, tzinfo=LONDON)
    return start, (start + timedelta(days=32)).replace(day=1)


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


@dataclass(frozen=True)
class ContributionMonth:
    """One month: discussions held, how many had every KPI agency, and each agency's count."""

    month: date
    discussions: int
    all_contributed: int
    by_agency: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> float | None:
        """The overall figure (all of police, health and education contributed)."""
        return _percent(self.all_contributed, self.discussions)

    def agency_percent(self, agency: str) -> float | None:
        return _percent(self.by_agency.get(agency, 0), self.discussions)

    def below_target(self, agency: str | None = None, target: float = TARGET) -> bool:
        share = self.percent if agency is None else self.agency_percent(agency)
        return share is not None and share < target


def _in_month(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(D.held_at >= start, D.held_at < end)


def discussions_held(session: Session, start: datetime, end: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(D)
                              .where(_in_month(start, end))) or 0)


def contributed_by_agency(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Per agency: discussions held in the period that it attended or wrote to."""
    rows = session.execute(
        select(P.agency, func.count()).join(D, D.id == P.discussion_id)
        .where(_in_month(start, end), P.status.in_(CONTRIBUTED)).group_by(P.agency))
    return {agency: int(count) for agency, count in rows}


def all_contributed(session: Session, start: datetime, end: datetime,
                    agencies: Sequence[str] = KPI_AGENCIES) -> int:
    """Discussions held in the period where every one of ``agencies`` contributed."""
    contributing = (select(func.count()).select_from(P).where(
        and_(P.discussion_id == D.id, P.agency.in_(agencies), P.status.in_(CONTRIBUTED)))
        .scalar_subquery())
    return int(session.scalar(select(func.count()).select_from(D).where(
        _in_month(start, end), contributing == len(set(agencies)))) or 0)


def overall(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """(numerator, denominator) for the KPI page's 'strategy_contributions'."""
    return all_contributed(session, start, end), discussions_held(session, start, end)


def monthly(session: Session, months: Sequence[date]) -> list[ContributionMonth]:
    """The figure for each month, oldest first as given: two grouped queries over the
    months' discussions whatever the number of months (the KPI's own series, and the
    contributions per agency and month), not three a month."""
    from reporting.kpis import COUNTERS, MONTH, Month, _month_number, _months, _within

    spans = _months(months)
    overall_by_month = COUNTERS["strategy_contributions"](session, spans)
    month = _month_number(D.held_at, spans).label(MONTH)
    rows = session.execute(
        select(month, P.agency, func.count()).join(D, D.id == P.discussion_id)
        .where(_within(D.held_at, spans), P.status.in_(CONTRIBUTED))
        .group_by(text(MONTH), P.agency))
    agencies: dict[int, dict[str, int]] = {}
    for number, agency, count in rows:
        if number is not None:
            agencies.setdefault(number, {})[agency] = int(count)
    figures = []
    for first in months:
        number = Month.of(first).number
        every, held = overall_by_month.get(number, (0, 0))
        figures.append(ContributionMonth(first, held, every, agencies.get(number, {})))
    return figures


# -- one contact's discussions -----------------------------------------------------------------

@dataclass(frozen=True)
class Discussion:
    """A discussion as the contact page shows it, with its grid in the configured order."""

    id: int
    held_at: datetime
    chair: str
    outcome: str
    rationale: str
    reasonable_cause: str
    absence_reason: str
    initiating: bool
    recorded_by: str
    grid: tuple[tuple[str, str, str], ...]  # (agency, status, reason)
    macpt: str | None = None
    assistance: dict[str, str] | None = None


def discussions_for_contact(session: Session, contact_id: int) -> list[Discussion]:
    """Every discussion held about this contact, oldest first."""
    rows = session.scalars(select(D).where(D.contact_id == contact_id)
                           .order_by(D.held_at, D.id)).all()
    grids: dict[int, list[tuple[str, str, str]]] = {r.id: [] for r in rows}
    for p in session.scalars(select(P).where(P.discussion_id.in_(list(grids)))
                             .order_by(P.id)):
        grids[p.discussion_id].append((p.agency, p.status, p.reason))
    return [Discussion(r.id, r.held_at, r.chair, r.outcome, r.rationale, r.reasonable_cause,
                       r.absence_reason, r.initiating, r.recorded_by, tuple(grids[r.id]),
                       r.macpt, dict(r.assistance or {}))
            for r in rows]
