"""The open-assessment backlog by age band: working days from the referral, literal dates."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from reporting.kpis import assessment_backlog
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.rules import Rules

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 10, 12, tzinfo=LONDON)


def _assessment(session: Session, started: datetime, stopped: datetime | None = None) -> None:
    contact = ContactRow(received_at=started, source="6", stage="assessment")
    session.add(contact)
    session.flush()
    session.add(ClockRow(contact_id=contact.id, rule="assessment",
                         rule_version="assessment@2023-12-15", started_at=started,
                         due_at=started, stopped_at=stopped))


def test_backlog_bands_count_working_days_from_referral_skipping_the_spring_bank_holiday(
        engine: Engine, rules: Rules) -> None:
    with Session(engine) as session:
        _assessment(session, datetime(2026, 6, 8, 10, tzinfo=LONDON))  # 2 working days
        _assessment(session, datetime(2026, 5, 20, 10, tzinfo=LONDON))  # 14: 25 May is a holiday
        _assessment(session, datetime(2026, 4, 2, 10, tzinfo=LONDON))  # 45: due today, in time
        _assessment(session, datetime(2026, 4, 1, 10, tzinfo=LONDON))  # 46: past the limit
        _assessment(session, datetime(2026, 3, 2, 10, tzinfo=LONDON),
                    stopped=datetime(2026, 4, 1, tzinfo=UTC))  # completed: not backlog
        session.commit()
        bands = dict(assessment_backlog(session, rules.calendar, NOW.astimezone(UTC)))
    assert list(bands.values()) == [1, 1, 0, 1, 1]
    assert bands["Over 45 (past the Working Together limit)"] == 1


def test_backlog_band_edges_follow_the_london_day_not_the_utc_one(
        engine: Engine, rules: Rules) -> None:
    with Session(engine) as session:
        _assessment(session, datetime(2026, 5, 27, 23, 30, tzinfo=LONDON))  # 10: the last day in
        _assessment(session, datetime(2026, 5, 28, 0, 10, tzinfo=LONDON))  # 9 (27 May in UTC)
        _assessment(session, datetime(2026, 5, 26, 23, 59, tzinfo=LONDON))  # 11: next band
        session.commit()
        bands = dict(assessment_backlog(session, rules.calendar, NOW.astimezone(UTC)))
    assert list(bands.values()) == [2, 1, 0, 0, 0]
