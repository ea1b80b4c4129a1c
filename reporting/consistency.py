"""Threshold consistency: are workers and teams applying the levels of need alike?

Per worker (and their team) for a month: decisions made, the share whose chosen level
matched the catalogue's recommendation, overrides (a level below the recommendation) and
who signed them off, and the outcomes chosen at each level. Read from the decisions
(table ``threshold_decision``), each stamped with the catalogue id and version it was made
under and what became of it.

An override counts in the month it was *decided*, with whatever later happened to it: a
manager who signs off on the 2nd of the next month still signed off this month's
override. Each override ends in one of three ways — signed off (by whom), returned to the
worker, or still awaiting — so the table can show what happened to every one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.persistence.tables import UserRow
from workflow.persistence.tables_decision import ThresholdDecisionRow


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


def _decisions(session: Session, start: datetime, end: datetime) -> list[Any]:
    d = ThresholdDecisionRow
    return list(session.execute(
        select(d.decided_by, d.level, d.outcome, d.is_override, d.matches_recommendation,
               d.status, d.signed_off_by, UserRow.team)
        .join(UserRow, UserRow.username == d.decided_by, isouter=True)
        .where(d.decided_at >= start, d.decided_at < end)
        .order_by(d.decided_at, d.contact_id, d.id)).all())


def _add_decision(row: WorkerConsistency, decision: Any) -> None:
    row.decisions += 1
    row.matching += bool(decision.matches_recommendation)
    row.outcomes_by_level[int(decision.level)][str(decision.outcome)] += 1
    if not decision.is_override:
        return
    row.overrides += 1
    if decision.status == "returned":
        row.returned += 1
    elif decision.signed_off_by:
        row.signed_off_by[decision.signed_off_by] += 1
    else:
        row.awaiting_signoff += 1


def consistency(session: Session, start: datetime, end: datetime) -> list[WorkerConsistency]:
    """Per-worker figures for decisions recorded in [start, end), worst match first."""
    workers: dict[str, WorkerConsistency] = {}
    for decision in _decisions(session, start, end):
        row = workers.setdefault(decision.decided_by,
                                 WorkerConsistency(decision.decided_by, decision.team or "–"))
        _add_decision(row, decision)
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
