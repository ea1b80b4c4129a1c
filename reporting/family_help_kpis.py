"""The Family Help pathway's quality measures, month by month, beside the other KPIs.

The improvement plan asks for "more, and better quality, transfers" between social care
and Family Help, so the measures are: step downs and step ups in the month (counts), the
share of transfers the services returned, the working days a service took to accept, and
the share of step downs followed by a referral of the same child within 12 months.

Each is one grouped query over the series' months, as ``reporting.kpis`` counts the others
(the month of a row is a ``CASE`` over London month boundaries). Two need what SQL cannot
count the same way on SQLite and PostgreSQL, and read back only the rows they need: the
acceptances (a few per month), whose working days come from the calendar with its bank
holidays, and the step downs with their child's first later referral, compared on London
dates as the DfE counts twelve months (``reporting.kpis.within_twelve_months``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from reporting.kpis import (
    MONTH,
    Figures,
    Month,
    _month_number,
    _monthly_share,
    _within,
    within_twelve_months,
)
from workflow.clocks.calendar import WorkingCalendar
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_strategy import StepDownRow
from workflow.persistence.types import UTCDateTime

#: The channel a step up's new contact is recorded with (workflow.casework.actions.step_up).
STEPPED_UP = "stepped_up"


def step_downs(session: Session, months: list[Month], _calendar: Any = None) -> Figures:
    """Hand-overs to Family Help sent in the month (a re-sent one counts again: it is a
    transfer), as a count."""
    found = _monthly_share(session, months, StepDownRow.at, StepDownRow.id.is_not(None))
    return {n: (total, total) for n, (_good, total) in found.items()}


def step_ups(session: Session, months: list[Month], _calendar: Any = None) -> Figures:
    """Contacts received in the month by a step up from Family Help, as a count."""
    found = _monthly_share(session, months, ContactRow.received_at,
                           ContactRow.channel == STEPPED_UP)
    return {n: (good, good) for n, (good, _total) in found.items() if good}


def returned_transfers(session: Session, months: list[Month], _calendar: Any = None
                       ) -> Figures:
    """Transfers a service answered in the month, and those it returned to the sender."""
    return _monthly_share(session, months, StepDownRow.answered_at,
                          StepDownRow.status == "returned",
                          StepDownRow.answered_at.is_not(None))


def time_to_acceptance(session: Session, months: list[Month],
                       calendar: WorkingCalendar | None = None) -> Figures:
    """Transfers accepted in the month: (working days from hand-over sent to accepted,
    summed; transfers). Day 0 is the day it was sent, so one accepted the next working day
    took 1 working day; London dates, England and Wales bank holidays skipped."""
    assert calendar is not None  # series() passes the calendar to this measure
    s = StepDownRow
    rows = session.execute(select(_month_number(s.answered_at, months).label(MONTH), s.at,
                                  s.answered_at)
                           .where(_within(s.answered_at, months), s.status == "accepted"))
    found: dict[int, list[int]] = {}
    for number, sent, accepted in rows:
        if number is None:
            continue
        days = calendar.working_days_between(calendar.local_date(sent),
                                             calendar.local_date(accepted))
        figure = found.setdefault(number, [0, 0])
        figure[0] += days
        figure[1] += 1
    return {n: (total, count) for n, (total, count) in found.items()}


def re_referred_after_step_down(session: Session, months: list[Month],
                                _calendar: Any = None) -> Figures:
    """Step downs sent in the month, and those whose child was referred to social care
    again within 12 calendar months after the hand-over was sent (so far: a recent month
    can still rise). The child's first referral after the step down, by a correlated
    subquery on the index of referral dates."""
    s, c = StepDownRow, ContactRow
    later = ContactRow.__table__.alias("later")
    first_after = (select(func.min(later.c.referral_at, type_=UTCDateTime()))
                   .where(later.c.child_id == c.child_id, later.c.referral_at > s.at)
                   .scalar_subquery())
    rows = session.execute(select(_month_number(s.at, months).label(MONTH), s.at,
                                  first_after.label("next_referral"))
                           .join(c, c.id == s.contact_id).where(_within(s.at, months))
                           .order_by(text(MONTH)))
    found: dict[int, list[int]] = {}
    for number, sent, referral in rows:
        if number is None:
            continue
        figure = found.setdefault(number, [0, 0])
        figure[1] += 1
        if referral is not None and within_twelve_months(sent, referral):
            figure[0] += 1
    return {n: (repeat, total) for n, (repeat, total) in found.items()}


COUNTERS = {"step_downs": step_downs, "step_ups": step_ups,
            "returned_transfers": returned_transfers, "time_to_acceptance": time_to_acceptance,
            "re_referred_after_step_down": re_referred_after_step_down}
