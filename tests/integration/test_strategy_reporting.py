"""The monthly strategy-contribution figure on a fixed data set, on SQLite and PostgreSQL.

Six discussions written straight into the tables (the figure is a query over them, so
the data set is stated exactly here rather than walked through the engine), counted by
hand: per agency, and overall (police, health and education all contributed), against the
improvement plan's 95%. One is held at 00:30 on 1 April in London, 23:30 UTC on 31 March,
and belongs to April.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from reporting.kpis import KpiDefinition, series
from reporting.strategy import monthly
from tests.builders import record_one
from workflow.casework.records import Participation, StrategyDiscussion
from workflow.persistence.records import write
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules

UowFactory = Callable[[], SqlUnitOfWork]
A, W, NC, NI = "attended", "written", "invited_no_contribution", "not_invited"
#: (held at, police, health, education)
DISCUSSIONS = [
    (datetime(2026, 1, 5, 10, 0, tzinfo=UTC), A, A, W),   # all three
    (datetime(2026, 1, 12, 10, 0, tzinfo=UTC), A, W, NC),  # education did not
    (datetime(2026, 1, 20, 10, 0, tzinfo=UTC), W, NI, A),  # health not invited
    (datetime(2026, 1, 31, 23, 30, tzinfo=UTC), A, A, A),  # all three (still January)
    (datetime(2026, 3, 10, 10, 0, tzinfo=UTC), A, A, A),  # all three
    (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), NC, A, A),  # 00:30 BST on 1 April
]
MONTHS = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]


@pytest.fixture
def held(uow_factory: UowFactory, rules: Rules) -> None:
    contact_id = record_one(uow_factory, rules, datetime(2026, 1, 2, 9, 0, tzinfo=UTC),
                            datetime(2026, 1, 2, 9, 0, tzinfo=UTC)).contact_id
    with uow_factory() as uow:
        for seq, (at, police, health, education) in enumerate(DISCUSSIONS, start=10):
            grid = (Participation("la_social_worker", A), Participation("police", police),
                    Participation("health", health), Participation("education", education))
            write(uow.session, contact_id, StrategyDiscussion(
                seq, at, "team.manager", "strategy_discussion", "section_47", "Synthetic",
                "Synthetic", "", "social.worker", at, grid))
        uow.commit()


def test_each_month_counts_discussions_held_in_it_per_agency_and_overall(
        uow_factory: UowFactory, held: None) -> None:
    with uow_factory() as uow:
        january, february, march, april = monthly(uow.session, MONTHS)

    assert (january.discussions, january.all_contributed, january.percent) == (4, 2, 50.0)
    assert january.by_agency == {"la_social_worker": 4, "police": 4, "health": 3,
                                 "education": 3}
    assert [january.agency_percent(a) for a in ("police", "health", "education")] == [
        100.0, 75.0, 75.0]
    assert (february.discussions, february.percent) == (0, None)
    assert (march.discussions, march.all_contributed, march.percent) == (1, 1, 100.0)
    assert (april.discussions, april.percent, april.agency_percent("police")) == (1, 0.0, 0.0)


def test_months_below_95_percent_are_flagged_overall_and_per_agency(
        uow_factory: UowFactory, held: None) -> None:
    with uow_factory() as uow:
        january, february, march, april = monthly(uow.session, MONTHS)

    assert [m.below_target() for m in (january, february, march, april)] == [
        True, False, False, True]
    assert [january.below_target(a) for a in ("police", "health", "education")] == [
        False, True, True]


def test_the_kpi_page_reads_the_same_figure(uow_factory: UowFactory, held: None) -> None:
    kpi = KpiDefinition("strategy_contributions", "Strategy contributions", 95, "counted")

    with uow_factory() as uow:
        figures = series(uow.session, kpi, MONTHS)

    assert [(f.numerator, f.denominator) for f in figures] == [(2, 4), (0, 0), (1, 1), (0, 1)]
