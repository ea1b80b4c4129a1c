"""The Family Help quality measures on literal dates, on SQLite and PostgreSQL.

Step downs and step ups a month, the share of transfers returned, the working days a
service took to accept (England and Wales bank holidays skipped, day 0 the day it was
sent), and step downs followed by a re-referral within 12 calendar months.
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
from workflow.persistence.tables_strategy import StepDownRow
from workflow.rules import load_rules

LONDON = ZoneInfo("Europe/London")


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=LONDON)


def _kpi(kpi_id: str, measure: str = "share") -> KpiDefinition:
    return KpiDefinition(kpi_id, kpi_id, 10, "counted", measure=measure)


def _child(session: Session) -> int:
    row = PersonRow(first_name="Synth", last_name="Example",
                    created_at=datetime(2020, 1, 1, tzinfo=UTC))
    session.add(row)
    session.flush()
    return row.id


def _contact(session: Session, child_id: int | None, at: datetime, *, referral: bool = False,
             channel: str = "phone") -> int:
    row = ContactRow(child_id=child_id, received_at=at, referral_at=at if referral else None,
                     source="6", stage="early_help", channel=channel)
    session.add(row)
    session.flush()
    return row.id


def _step_down(session: Session, contact_id: int, sent: datetime, status: str = "offered",
               answered: datetime | None = None) -> None:
    session.add(StepDownRow(contact_id=contact_id, event_seq=1, consent="given",
                            team="Family Help North", handover_on=sent.date(), by="fd.worker",
                            at=sent, from_stage="threshold_decision", service="fh-north",
                            practitioner="fh.practitioner", status=status,
                            answered_at=answered, answered_by="fh.practitioner"
                            if answered else None))


def _figure(session: Session, kpi: KpiDefinition, month: date) -> tuple[int, int]:
    [f] = series(session, kpi, [month], load_rules().calendar)
    return f.numerator, f.denominator


@pytest.mark.parametrize(("sent", "accepted", "working_days"), [
    pytest.param(_at("2026-03-04"), _at("2026-03-05"), 1, id="next-day"),
    pytest.param(_at("2026-03-06"), _at("2026-03-09"), 1, id="friday-to-monday"),
    pytest.param(_at("2026-04-02"), _at("2026-04-07"), 1, id="over-good-friday-and-easter-monday"),
    pytest.param(_at("2026-03-27"), _at("2026-03-30", 9), 1, id="across-the-clocks-going-forward"),
    pytest.param(_at("2026-03-04", 9), _at("2026-03-04", 16), 0, id="same-day"),
])
def test_time_to_acceptance_counts_working_days_from_the_day_sent(
        engine: Engine, sent: datetime, accepted: datetime, working_days: int) -> None:
    with Session(engine) as session:
        _step_down(session, _contact(session, None, sent), sent, "accepted", accepted)
        session.commit()

        kpi = _kpi("time_to_acceptance", "working_days")
        assert _figure(session, kpi, accepted.date().replace(day=1)) == (working_days, 1)


def test_step_downs_and_returned_transfers_are_counted_in_their_month(engine: Engine) -> None:
    with Session(engine) as session:
        first = _contact(session, None, _at("2026-03-02"))
        _step_down(session, first, _at("2026-03-02"), "returned", _at("2026-03-03"))
        _step_down(session, first, _at("2026-03-04"), "accepted", _at("2026-03-05"))
        _step_down(session, _contact(session, None, _at("2026-03-31", 23)),
                   _at("2026-03-31", 23))  # 31 March 23:00 BST: still March in London
        _step_down(session, _contact(session, None, _at("2026-04-01")), _at("2026-04-01"))
        session.commit()

        assert _figure(session, _kpi("step_downs", "count"), date(2026, 3, 1)) == (3, 3)
        assert _figure(session, _kpi("step_downs", "count"), date(2026, 4, 1)) == (1, 1)
        assert _figure(session, _kpi("returned_transfers"), date(2026, 3, 1)) == (1, 2)


def test_step_ups_are_the_contacts_received_by_a_step_up(engine: Engine) -> None:
    with Session(engine) as session:
        _contact(session, None, _at("2026-05-11"), channel="stepped_up")
        _contact(session, None, _at("2026-05-12"), channel="stepped_up")
        _contact(session, None, _at("2026-05-12"))
        session.commit()

        assert _figure(session, _kpi("step_ups", "count"), date(2026, 5, 1)) == (2, 2)


@pytest.mark.parametrize(("referral", "counted"), [
    pytest.param(_at("2027-03-04"), True, id="exactly-12-months-later"),
    pytest.param(_at("2027-03-05"), False, id="12-months-and-a-day"),
    pytest.param(_at("2026-03-04", 9), False, id="before-the-step-down"),
])
def test_a_step_down_followed_by_a_referral_within_12_months_is_counted(
        engine: Engine, referral: datetime, counted: bool) -> None:
    with Session(engine) as session:
        child = _child(session)
        sent = _at("2026-03-04")
        _step_down(session, _contact(session, child, sent), sent)
        _contact(session, child, referral, referral=True)
        session.commit()

        kpi = _kpi("re_referred_after_step_down")
        assert _figure(session, kpi, date(2026, 3, 1)) == (1 if counted else 0, 1)
