"""Threshold consistency: are workers and teams applying the levels of need alike?

Per worker (and their team) for a month: decisions made, the share whose chosen level
matched the catalogue's recommendation, overrides (a level below the recommendation) and
who signed them off, and the outcomes chosen at each level. Read from the decision events,
which carry the catalogue id and version each decision was made under.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.persistence.tables import EventRow, UserRow


@dataclass
class WorkerConsistency:
    """One worker's decisions in the period."""

    worker: str
    team: str
    decisions: int = 0
    matching: int = 0
    overrides: int = 0
    signed_off_by: Counter[str] = field(default_factory=Counter)
    outcomes_by_level: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def matching_percent(self) -> float | None:
        return round(100 * self.matching / self.decisions, 1) if self.decisions else None


def _decision_events(session: Session, start: datetime, end: datetime) -> list[Any]:
    return list(session.execute(
        select(EventRow.contact_id, EventRow.trigger, EventRow.actor, EventRow.payload,
               UserRow.team)
        .join(UserRow, UserRow.username == EventRow.actor, isouter=True)
        .where(EventRow.trigger.in_(("decide", "sign_off")), EventRow.at >= start,
               EventRow.at < end).order_by(EventRow.at)).all())


def _add_decision(row: WorkerConsistency, payload: dict[str, Any]) -> None:
    row.decisions += 1
    row.matching += bool(payload.get("matches_recommendation"))
    row.overrides += bool(payload.get("is_override"))
    level = payload.get("level")
    if isinstance(level, int):
        row.outcomes_by_level[level][str(payload.get("outcome"))] += 1


def consistency(session: Session, start: datetime, end: datetime) -> list[WorkerConsistency]:
    """Per-worker figures for decisions recorded in [start, end), worst match first."""
    workers: dict[str, WorkerConsistency] = {}
    deciders: dict[int, str] = {}
    for event in _decision_events(session, start, end):
        if event.trigger == "decide":
            row = workers.setdefault(event.actor, WorkerConsistency(event.actor,
                                                                    event.team or "–"))
            _add_decision(row, event.payload)
            deciders[event.contact_id] = event.actor
        elif event.contact_id in deciders:
            workers[deciders[event.contact_id]].signed_off_by[event.actor] += 1
    return sorted(workers.values(), key=lambda w: (w.matching_percent or 0, w.worker))


def by_team(rows: list[WorkerConsistency]) -> list[dict[str, Any]]:
    """The same figures summed per team."""
    teams: dict[str, dict[str, Any]] = {}
    for row in rows:
        team = teams.setdefault(row.team, {"team": row.team, "decisions": 0, "matching": 0,
                                           "overrides": 0})
        for key in ("decisions", "matching", "overrides"):
            team[key] += getattr(row, key)
    for team in teams.values():
        team["matching_percent"] = (round(100 * team["matching"] / team["decisions"], 1)
                                    if team["decisions"] else None)
    return sorted(teams.values(), key=lambda t: t["team"])
