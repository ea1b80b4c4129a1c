"""Threshold consistency: are workers and teams applying the levels of need alike?

Per worker (and their team) for a month: decisions made, the share whose chosen level
matched the catalogue's recommendation, overrides (a level below the recommendation) and
who signed them off, and the outcomes chosen at each level. Read from the decision events,
which carry the catalogue id and version each decision was made under.

An override counts in the month it was *decided*, and its sign-off is found by following
the contact's history after it, whenever that happened: a manager who signs off on the
2nd of the next month still signed off this month's override. Each override ends in one
of three ways — signed off (by whom), returned to the worker, or still awaiting — so the
table can show what happened to every one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.persistence.tables import EventRow, UserRow

#: What may follow an override decision on the same contact (workflow/spec.py).
FOLLOW_UPS = ("sign_off", "return_decision")


@dataclass
class WorkerConsistency:
    """One worker's (or, summed, one team's) decisions in the period."""

    worker: str
    team: str
    decisions: int = 0
    matching: int = 0
    overrides: int = 0
    returned: int = 0
    awaiting_signoff: int = 0
    signed_off_by: Counter[str] = field(default_factory=Counter)
    outcomes_by_level: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def matching_percent(self) -> float | None:
        """Share of decisions at the recommended level; None when there were none."""
        return round(100 * self.matching / self.decisions, 1) if self.decisions else None

    def add(self, other: WorkerConsistency) -> None:
        """Add another row's figures to this one (a team is the sum of its workers)."""
        for name in ("decisions", "matching", "overrides", "returned", "awaiting_signoff"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.signed_off_by.update(other.signed_off_by)
        for level, outcomes in other.outcomes_by_level.items():
            self.outcomes_by_level[level].update(outcomes)


def _decision_events(session: Session, start: datetime, end: datetime) -> list[Any]:
    return list(session.execute(
        select(EventRow.contact_id, EventRow.seq, EventRow.actor, EventRow.payload,
               UserRow.team)
        .join(UserRow, UserRow.username == EventRow.actor, isouter=True)
        .where(EventRow.trigger == "decide", EventRow.at >= start, EventRow.at < end)
        .order_by(EventRow.at, EventRow.contact_id, EventRow.seq)).all())


def _follow_ups(session: Session, start: datetime, end: datetime) -> dict[int, list[Any]]:
    """Sign-offs and returns on the contacts decided in the period, from its start on."""
    decided = (select(EventRow.contact_id)
               .where(EventRow.trigger == "decide", EventRow.at >= start, EventRow.at < end))
    rows = session.execute(
        select(EventRow.contact_id, EventRow.seq, EventRow.trigger, EventRow.actor)
        .where(EventRow.trigger.in_(FOLLOW_UPS), EventRow.at >= start,
               EventRow.contact_id.in_(decided))
        .order_by(EventRow.contact_id, EventRow.seq)).all()
    by_contact: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_contact[row.contact_id].append(row)
    return by_contact


def _add_decision(row: WorkerConsistency, payload: dict[str, Any]) -> None:
    row.decisions += 1
    row.matching += bool(payload.get("matches_recommendation"))
    row.overrides += bool(payload.get("is_override"))
    level = payload.get("level")
    if isinstance(level, int):
        row.outcomes_by_level[level][str(payload.get("outcome"))] += 1


def _add_follow_up(row: WorkerConsistency, event: Any, later: list[Any]) -> None:
    """Record how an override ended: the first sign-off or return after it, if any."""
    after = next((f for f in later if f.seq > event.seq), None)
    if after is None:
        row.awaiting_signoff += 1
    elif after.trigger == "sign_off":
        row.signed_off_by[after.actor] += 1
    else:
        row.returned += 1


def consistency(session: Session, start: datetime, end: datetime) -> list[WorkerConsistency]:
    """Per-worker figures for decisions recorded in [start, end), worst match first."""
    workers: dict[str, WorkerConsistency] = {}
    follow_ups = _follow_ups(session, start, end)
    for event in _decision_events(session, start, end):
        row = workers.setdefault(event.actor, WorkerConsistency(event.actor, event.team or "–"))
        _add_decision(row, event.payload)
        if event.payload.get("is_override"):
            _add_follow_up(row, event, follow_ups.get(event.contact_id, []))
    return sorted(workers.values(), key=lambda w: (w.matching_percent or 0, w.worker))


def team_totals(rows: list[WorkerConsistency]) -> list[WorkerConsistency]:
    """The same figures summed per team (``worker`` is left blank), by team name."""
    teams: dict[str, WorkerConsistency] = {}
    for row in rows:
        teams.setdefault(row.team, WorkerConsistency("", row.team)).add(row)
    return [teams[name] for name in sorted(teams)]


def by_team(rows: list[WorkerConsistency]) -> list[dict[str, Any]]:
    """Per-team figures as plain dicts (the oversight page's table)."""
    return [{"team": t.team, "decisions": t.decisions, "matching": t.matching,
             "overrides": t.overrides, "matching_percent": t.matching_percent,
             "returned": t.returned, "awaiting_signoff": t.awaiting_signoff,
             "signed_off_by": dict(t.signed_off_by),
             "outcomes_by_level": {k: dict(v) for k, v in t.outcomes_by_level.items()}}
            for t in team_totals(rows)]
