"""A threshold decision as recorded: what was decided, under which catalogue, and whether
a manager signed it off or returned it.

One row per decision (table ``threshold_decision``): a decision below the recommended
level waits for a different manager's sign-off and is in force only then; a returned one
stays as history beside the new decision that replaces it. The catalogue id, version and
recommended level are stamped by the levels-of-need policy inside the command path, never
taken from what a caller sends, so a decision can always be read against the rules it was
made under and an override can never skip its sign-off.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class DecisionStatus(StrEnum):
    """Where a decision stands."""

    AWAITING_SIGNOFF = "awaiting_signoff"
    IN_FORCE = "in_force"
    RETURNED = "returned"


@dataclass(frozen=True)
class DecisionStamp:
    """What the levels-of-need policy says about a decision before it is recorded."""

    catalogue_id: str
    catalogue_version: int
    recommended_level: int
    is_override: bool
    matches_recommendation: bool


@dataclass(frozen=True)
class ThresholdDecision:
    """One threshold decision about one contact."""

    event_seq: int
    level: int
    outcome: str
    rationale: str
    decided_by: str
    decided_at: datetime
    stamp: DecisionStamp
    indicators: tuple[str, ...] = ()
    override_reason: str = ""
    reasonable_cause: str = ""
    primary_need: str | None = None
    status: DecisionStatus = DecisionStatus.IN_FORCE
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None
    sign_off_comment: str = ""
    returned_by: str | None = None
    returned_at: datetime | None = None
    return_reason: str = ""
    id: int | None = None

    @property
    def awaiting_signoff(self) -> bool:
        """An override nobody has signed off or returned yet."""
        return self.status is DecisionStatus.AWAITING_SIGNOFF

    def signed_off(self, by: str, at: datetime, comment: str = "") -> ThresholdDecision:
        """The override, now in force."""
        return replace(self, status=DecisionStatus.IN_FORCE, signed_off_by=by,
                       signed_off_at=at, sign_off_comment=comment)

    def returned(self, by: str, at: datetime, reason: str) -> ThresholdDecision:
        """The override, sent back to its author to decide again."""
        return replace(self, status=DecisionStatus.RETURNED, returned_by=by, returned_at=at,
                       return_reason=reason)


class ThresholdPolicy(Protocol):
    """The levels of need in force (implemented by ``thresholds.policy``; a port, so the
    engine never imports the catalogue code)."""

    def stamp(self, on: datetime, level: int, outcome: str, indicators: tuple[str, ...],
              rationale: str, override_reason: str) -> DecisionStamp:
        """Check a decision against the catalogue in force; raise ``GuardFailed`` naming
        the field to fix when it is inconsistent."""
        ...
