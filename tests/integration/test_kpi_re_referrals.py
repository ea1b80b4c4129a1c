"""Re-referrals within 12 months on literal dates, on SQLite and PostgreSQL.

The DfE counts a referral as a re-referral when the same child was referred within 12 months
before it, on referral dates (``reporting.kpis._re_referrals`` cites the definition): twelve
calendar months on London dates, the day exactly twelve months on counted inside, not 365
days. Each case is one child with two referrals; the KPI is read for the later one's month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from reporting.kpis import KpiDefinition, series
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_people import PersonRow

LONDON = ZoneInfo("Europe/London")
KPI = KpiDefinition("re_referrals", "Re-referrals", 22, "counted", lower_is_better=True)


def _at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """A London wall-clock instant on a literal date."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=LONDON)


def _child(session: Session, name: str = "Example") -> int:
    row = PersonRow(first_name="Synth", last_name=name, created_at=datetime(2020, 1, 1, tzinfo=UTC))
    session.add(row)
    session.flush()
    return row.id


def _referral(session: Session, child_id: int | None, at: datetime) -> None:
    session.add(ContactRow(child_id=child_id, received_at=at, referral_at=at, source="6",
                           stage="assessment"))


def _month_of(session: Session, at: datetime) -> tuple[int, int]:
    [figure] = series(session, KPI, [at.astimezone(LONDON).date().replace(day=1)])
    return figure.numerator, figure.denominator


CASES = [
    # (previous referral, new referral, is the new one a re-referral?)
    pytest.param(_at("2025-03-04"), _at("2026-03-04"), True, id="exactly-12-months-later"),
    pytest.param(_at("2025-03-04"), _at("2026-03-05"), False, id="12-months-and-a-day"),
    pytest.param(_at("2025-03-04", 16), _at("2026-03-04", 9), True,
                 id="same-date-earlier-hour-still-inside"),
    pytest.param(_at("2023-03-05"), _at("2024-03-05"), True, id="366-days-across-29-feb-inside"),
    pytest.param(_at("2024-03-05"), _at("2025-03-05"), True, id="365-days-inside"),
    pytest.param(_at("2024-02-29"), _at("2025-02-28"), True, id="from-29-feb-to-28-feb"),
    pytest.param(_at("2024-02-29"), _at("2025-03-01"), False, id="from-29-feb-to-1-mar"),
    pytest.param(_at("2023-02-28"), _at("2024-02-29"), True, id="to-29-feb-from-28-feb"),
    pytest.param(_at("2023-02-27"), _at("2024-02-29"), False, id="to-29-feb-from-27-feb"),
    pytest.param(_at("2025-04-01", 0, 30), _at("2026-04-01", 10), True,
                 id="00:30-BST-is-1-April-in-London-31-March-in-UTC"),
    pytest.param(_at("2025-03-31", 23, 30), _at("2026-04-01", 10), False,
                 id="23:30-BST-on-31-March-is-outside"),
    pytest.param(_at("2025-11-30"), _at("2026-11-02"), True, id="eleven-months-inside"),
    pytest.param(_at("2024-10-31"), _at("2025-11-01"), False, id="month-end-and-a-day-outside"),
    pytest.param(_at("2024-10-01"), _at("2025-11-28"), False, id="thirteen-months-outside"),
]


@pytest.mark.parametrize(("previous", "new", "repeat"), CASES)
def test_a_referral_is_a_re_referral_within_12_calendar_months_of_the_previous_one(
        engine: Engine, previous: datetime, new: datetime, repeat: bool) -> None:
    with Session(engine) as session:
        child_id = _child(session)
        _referral(session, child_id, previous)
        _referral(session, child_id, new)
        session.commit()

        assert _month_of(session, new) == (1 if repeat else 0, 1)


def test_only_the_same_child_and_only_an_earlier_referral_count(engine: Engine) -> None:
    new = _at("2026-03-04")
    with Session(engine) as session:
        child_id, sibling = _child(session), _child(session, "Sibling")
        _referral(session, sibling, _at("2026-01-10"))  # another child
        _referral(session, child_id, _at("2026-03-20"))  # later in the month: not "previous"
        _referral(session, child_id, new)
        _referral(session, None, _at("2026-03-10"))  # no child recorded: never a re-referral
        _referral(session, None, _at("2026-03-11"))
        session.commit()

        # March: the child's 4th (first) and 20th (re-referral), two without a child.
        assert _month_of(session, new) == (1, 4)


def test_two_referrals_at_the_same_instant_count_each_other_out_but_not_an_earlier_one(
        engine: Engine) -> None:
    with Session(engine) as session:
        alone, with_history = _child(session), _child(session, "History")
        for child_id in (alone, alone, with_history, with_history):
            _referral(session, child_id, _at("2026-05-06"))
        _referral(session, with_history, _at("2025-09-01"))
        session.commit()

        assert _month_of(session, _at("2026-05-06")) == (2, 4)


def test_the_series_reads_each_month_with_its_own_year_before(engine: Engine) -> None:
    with Session(engine) as session:
        child_id = _child(session)
        for day in ("2025-01-15", "2025-12-20", "2026-01-10", "2027-01-11"):
            _referral(session, child_id, _at(day))
        session.commit()
        months = [date(2025, 1, 1), date(2025, 12, 1), date(2026, 1, 1), date(2027, 1, 1),
                  date(2025, 12, 1)]

        figures = [(f.month, f.numerator, f.denominator) for f in series(session, KPI, months)]

    assert figures == [(date(2025, 1, 1), 0, 1), (date(2025, 12, 1), 1, 1),
                       (date(2026, 1, 1), 1, 1), (date(2027, 1, 1), 0, 1),
                       (date(2025, 12, 1), 1, 1)]
