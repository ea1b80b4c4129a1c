"""Every KPI's series from SQL equals a plain Python count of the same synthetic rows.

The series are one grouped query each (``reporting.kpis``); this test counts the same rows
month by month in the most direct Python it can (each KPI's counting sentence, a loop over
every row), on SQLite and PostgreSQL, so that making the queries fast can never quietly
change a figure. The rows are random but seeded, and crowd the places where counting goes
wrong: London month boundaries (00:30 BST on the 1st is 23:30 UTC on the last day), the
summer-time changes, and second referrals near twelve months after the first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from reporting.kpis import COUNTERS, KpiDefinition, last_months, month_bounds, series
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_people import PersonRow
from workflow.persistence.tables_strategy import (
    AssessmentRow,
    StrategyDiscussionRow,
    StrategyParticipationRow,
)

LONDON = ZoneInfo("Europe/London")
FIRST, LAST = datetime(2024, 9, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
CLOCKS = {  # rule -> the stop events it may end with (one counted, one not)
    "contact_decision": ("decision_made", "superseded"),
    "assessment": ("assessment_completed", "closed"),
    "assessment_dfe": ("assessment_completed", "closed"),
    "child_seen_s17": ("child_seen", "superseded"),
    "child_seen_s47": ("child_seen", "closed"),
    "mash_rag": ("decision_made", "superseded"),
}
STATUSES = ("attended", "written", "invited_no_contribution", "not_invited")
AGENCIES = ("la_social_worker", "police", "health", "education")


# -- a seeded synthetic data set -----------------------------------------------------------------

def _boundary(rng: random.Random) -> datetime:
    """An instant within an hour of a London month start or of a summer-time change."""
    if rng.random() < 0.7:
        month = date(2024, 10, 1) + relativedelta(months=rng.randrange(26))
        anchor = month_bounds(month)[0]
    else:
        anchor = rng.choice([datetime(y, m, d, 1, tzinfo=UTC) for y, m, d in (
            (2025, 3, 30), (2025, 10, 26), (2026, 3, 29), (2026, 10, 25))])
    return (anchor + timedelta(minutes=rng.uniform(-60, 60))).astimezone(UTC)


def _instant(rng: random.Random) -> datetime:
    if rng.random() < 0.3:
        return _boundary(rng)
    return FIRST + (LAST - FIRST) * rng.random()


@dataclass
class DataSet:
    """The rows, as dicts for the tables, kept to be counted in Python as well."""

    children: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    clocks: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    discussions: list[dict[str, Any]] = field(default_factory=list)
    participation: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)


def _referral_at(rng: random.Random, received: datetime, earlier: list[datetime]) -> Any:
    """Often none; sometimes near twelve calendar months after one of the child's referrals."""
    if rng.random() < 0.35:
        return None
    if earlier and rng.random() < 0.5:
        base = rng.choice(earlier).astimezone(LONDON)
        return (base + relativedelta(months=rng.choice((11, 12, 12, 12, 13)))
                + timedelta(hours=rng.choice((-30, -5, 0, 0, 5, 30)))).astimezone(UTC)
    if rng.random() < 0.1 and earlier:
        return rng.choice(earlier)  # the same instant as an earlier referral
    return received + timedelta(hours=rng.uniform(0, 48))


def _contacts(rng: random.Random, data: DataSet, n: int) -> None:
    data.children = [{"id": i, "first_name": "Synth", "last_name": f"Child{i}",
                      "created_at": FIRST} for i in range(1, n // 3 + 1)]
    referred: dict[int | None, list[datetime]] = {}
    for cid in range(1, n + 1):
        child = None if rng.random() < 0.05 else rng.randrange(1, n // 3 + 1)
        received = _instant(rng)
        referral = _referral_at(rng, received, referred.get(child, []))
        if referral is not None:
            referred.setdefault(child, []).append(referral)
        data.contacts.append({"id": cid, "child_id": child, "received_at": received,
                              "referral_at": referral, "source": "6", "stage": "closed"})


def _clocks(rng: random.Random, data: DataSet) -> None:
    for contact in data.contacts:
        for rule in rng.sample(sorted(CLOCKS), 3):
            started = _instant(rng)
            later = started + timedelta(days=rng.uniform(0, 60))
            stopped = None if rng.random() < 0.15 else (
                _boundary(rng) if rng.random() < 0.3 else later)
            data.clocks.append({
                "contact_id": contact["id"], "rule": rule, "rule_version": f"{rule}@synthetic",
                "started_at": started, "due_at": started + timedelta(days=10),
                "stopped_at": stopped,
                "stop_event": None if stopped is None else rng.choice(CLOCKS[rule]),
                "result": None if stopped is None else rng.choice(("met", "late", "met"))})


def _decision(rng: random.Random, contact_id: int, seq: int, at: datetime) -> dict[str, Any]:
    """A decision row, matching the catalogue's recommendation or not, in force, awaiting
    sign-off or returned (every one was a decision made: each is counted)."""
    level, recommended = rng.choice((2, 3, 4)), rng.choice((2, 3, 4))
    matches = rng.random() < 0.6
    return {"contact_id": contact_id, "event_seq": seq, "level": level,
            "outcome": "targeted_early_help", "catalogue_id": "synthetic",
            "catalogue_version": 1, "recommended_level": level if matches else recommended,
            "is_override": not matches, "matches_recommendation": matches,
            "decided_by": "synthetic", "decided_at": at,
            "status": rng.choice(("in_force", "awaiting_signoff", "returned"))}


def _events(rng: random.Random, data: DataSet) -> None:
    for contact in data.contacts:
        for seq, trigger in enumerate(rng.sample(("receive", "decide", "rate", "screen"), 2), 1):
            at = _instant(rng)
            data.events.append({
                "contact_id": contact["id"], "seq": seq, "trigger": trigger, "from_stage": None,
                "to_stage": "closed", "actor": "synthetic", "role": "worker", "at": at,
                "payload": {}})
            if trigger == "decide":
                data.decisions.append(_decision(rng, contact["id"], seq, at))


def _discussions(rng: random.Random, data: DataSet) -> None:
    for did, contact in enumerate(rng.sample(data.contacts, len(data.contacts) // 3), 1):
        held = _instant(rng)
        data.discussions.append({
            "id": did, "contact_id": contact["id"], "event_seq": 50, "held_at": held,
            "chair": "Synthetic", "stage": "strategy_discussion", "outcome": "section_47",
            "recorded_by": "synthetic", "recorded_at": held})
        for agency in rng.sample(AGENCIES, rng.randrange(2, 5)):
            status = "attended" if rng.random() < 0.6 else rng.choice(STATUSES)
            data.participation.append({"discussion_id": did, "agency": agency,
                                       "status": status})


def _assessments(rng: random.Random, data: DataSet) -> None:
    """Assessments open, submitted or authorised (some with the child not seen), their
    authorisations crowding London month boundaries and summer-time changes."""
    for contact in rng.sample(data.contacts, len(data.contacts) // 2):
        status = rng.choice(("authorised", "authorised", "authorised", "open", "submitted"))
        done = status == "authorised"
        data.assessments.append({
            "contact_id": contact["id"], "kind": rng.choice(("s17", "s47")), "status": status,
            "started_at": contact["received_at"], "factors": ["21"],
            "authorised_at": _instant(rng) if done else None,
            "authorised_not_seen": done and rng.random() < 0.25,
            "not_seen_reason": ""})


def build(seed: int, n: int = 360) -> DataSet:
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    data = DataSet()
    _contacts(rng, data, n)
    _clocks(rng, data)
    _events(rng, data)
    _discussions(rng, data)
    _assessments(rng, data)
    return data


def store(engine: Engine, data: DataSet) -> None:
    with Session(engine) as session:
        for table, rows in ((PersonRow, data.children), (ContactRow, data.contacts),
                            (ClockRow, data.clocks), (EventRow, data.events),
                            (ThresholdDecisionRow, data.decisions),
                            (StrategyDiscussionRow, data.discussions),
                            (StrategyParticipationRow, data.participation),
                            (AssessmentRow, data.assessments)):
            session.execute(insert(table), rows)
        session.commit()


# -- the same KPIs counted by hand ---------------------------------------------------------------

def _in(at: datetime | None, month: date) -> bool:
    start, end = month_bounds(month)
    return at is not None and start <= at < end


def _clock_kpi(rules: tuple[str, ...], stop: str) -> Any:
    def count(data: DataSet, month: date) -> tuple[int, int]:
        rows = [c for c in data.clocks if c["rule"] in rules and c["stop_event"] == stop
                and _in(c["stopped_at"], month)]
        return sum(c["result"] == "met" for c in rows), len(rows)

    return count


def _strategy(data: DataSet, month: date) -> tuple[int, int]:
    held = [d["id"] for d in data.discussions if _in(d["held_at"], month)]
    grid = {(p["discussion_id"], p["agency"]): p["status"] for p in data.participation}
    full = [d for d in held if all(grid.get((d, a)) in ("attended", "written")
                                   for a in ("police", "health", "education"))]
    return len(full), len(held)


def _conversion(data: DataSet, month: date) -> tuple[int, int]:
    received = [c for c in data.contacts if _in(c["received_at"], month)]
    return sum(c["referral_at"] is not None for c in received), len(received)


def _consistency(data: DataSet, month: date) -> tuple[int, int]:
    decided = [d for d in data.decisions if _in(d["decided_at"], month)]
    return sum(d["matches_recommendation"] for d in decided), len(decided)


def _authorised_child_seen(data: DataSet, month: date) -> tuple[int, int]:
    authorised = [a for a in data.assessments if a["status"] == "authorised"
                  and _in(a["authorised_at"], month)]
    return sum(not a["authorised_not_seen"] for a in authorised), len(authorised)


def _london_day(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def _re_referrals(data: DataSet, month: date) -> tuple[int, int]:
    """A referral whose child had another, earlier referral on or after the same London
    date twelve months before it."""
    referrals = [c for c in data.contacts if _in(c["referral_at"], month)]
    repeat = sum(1 for r in referrals if r["child_id"] is not None and any(
        h["child_id"] == r["child_id"] and h["referral_at"] is not None
        and h["referral_at"] < r["referral_at"]
        and _london_day(h["referral_at"])
        >= _london_day(r["referral_at"]) - relativedelta(months=12)
        for h in data.contacts))
    return repeat, len(referrals)


BY_HAND = {
    "decision_timeliness": _clock_kpi(("contact_decision",), "decision_made"),
    "strategy_contributions": _strategy,
    "assessment_timeliness": _clock_kpi(("assessment",), "assessment_completed"),
    "assessment_timeliness_dfe": _clock_kpi(("assessment_dfe",), "assessment_completed"),
    "child_seen": _clock_kpi(("child_seen_s17", "child_seen_s47"), "child_seen"),
    "authorised_child_seen": _authorised_child_seen,
    "re_referrals": _re_referrals,
    "conversion": _conversion,
    "threshold_consistency": _consistency,
}
#: Twelve months as the KPI page shows them, and a list with gaps and a repeat in it.
MONTH_LISTS = [last_months(date(2026, 10, 20)),
               [date(2025, 3, 1), date(2026, 3, 1), date(2024, 12, 1), date(2025, 3, 1)]]


def test_every_kpi_has_a_hand_count() -> None:
    assert set(BY_HAND) == set(COUNTERS)  # the Family Help measures: test_family_help_kpis


@pytest.mark.parametrize("seed", [7, 2026])
def test_each_kpi_series_equals_the_hand_count_of_the_same_rows(engine: Engine, seed: int
                                                                ) -> None:
    data = build(seed)
    store(engine, data)

    with Session(engine) as session:
        for kpi_id, by_hand in BY_HAND.items():
            kpi = KpiDefinition(kpi_id, kpi_id, 50, "counted")
            for months in MONTH_LISTS:
                found = [(f.month, f.numerator, f.denominator)
                         for f in series(session, kpi, months)]
                assert found == [(m, *by_hand(data, m)) for m in months], kpi_id
    assert sum(_re_referrals(data, m)[0] for m in MONTH_LISTS[0]) > 10  # the data has repeats
    seen = [_authorised_child_seen(data, m) for m in MONTH_LISTS[0]]
    assert 0 < sum(n for n, _ in seen) < sum(total for _, total in seen)  # and some not seen
