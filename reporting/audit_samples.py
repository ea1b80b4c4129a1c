"""The cases a sample can be drawn from: the open cases of a team, or every case a rule
matches, each one indexed query returning contact ids.

The rules (their titles and how far back they look are ``config/audits.toml``):

- ``re_referrals``: every referral in the last N months that was a re-referral (the
  contact recorded, at intake, the earlier referral it repeats);
- ``stepped_down``: every case that moved to early help in the last N months;
- ``long_cp_plans``: every child protection plan still open that started more than N
  months ago (the first move to the plan stage on the contact).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.persistence.tables import ContactRow, EventRow
from workflow.stages import Stage


def months_before(instant: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the 31st falls back to the
    last day of a shorter month)."""
    year, month = divmod(instant.year * 12 + instant.month - 1 - months, 12)
    last_day = monthrange(year, month + 1)[1]
    return instant.replace(year=year, month=month + 1, day=min(instant.day, last_day))


def team_cases(session: Session, team: str) -> list[int]:
    """Every case of a team that is not closed."""
    return list(session.scalars(select(ContactRow.id).where(
        ContactRow.team == team, ContactRow.stage != Stage.CLOSED.value)
        .order_by(ContactRow.id)))


def _re_referrals(session: Session, since: datetime) -> list[int]:
    return list(session.scalars(select(ContactRow.id).where(
        ContactRow.re_referral_of.is_not(None), ContactRow.referral_at >= since)
        .order_by(ContactRow.id)))


def _stepped_down(session: Session, since: datetime) -> list[int]:
    return list(session.scalars(select(EventRow.contact_id).where(
        EventRow.to_stage == Stage.EARLY_HELP.value, EventRow.at >= since)
        .group_by(EventRow.contact_id).order_by(EventRow.contact_id)))


def _long_cp_plans(session: Session, since: datetime) -> list[int]:
    started = func.min(EventRow.at)
    return list(session.scalars(
        select(ContactRow.id).join(EventRow, EventRow.contact_id == ContactRow.id)
        .where(ContactRow.stage == Stage.CP_PLAN.value,
               EventRow.to_stage == Stage.CP_PLAN.value)
        .group_by(ContactRow.id).having(started < since).order_by(ContactRow.id)))


RULES: dict[str, Callable[[Session, datetime], list[int]]] = {
    "re_referrals": _re_referrals, "stepped_down": _stepped_down,
    "long_cp_plans": _long_cp_plans}


def rule_cases(session: Session, rule_id: str, months: int, now: datetime) -> list[int]:
    """Every case the rule matches, looking back ``months`` from ``now``."""
    return RULES[rule_id](session, months_before(now, months))
