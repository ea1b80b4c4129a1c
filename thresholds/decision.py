"""Check that a worker's level-of-need decision is consistent before it is recorded.

The system recommends and the worker decides (DOMAIN.md section 4), so a decision that
differs from the recommendation is allowed, but never silently:

* the outcome must be one the chosen level allows (a level 1 "strategy discussion" is a
  contradiction, not a judgement);
* a rationale is always required; for a strategy discussion it must give the reasonable
  cause to suspect significant harm that s47 of the Children Act 1989 needs;
* a level *below* the recommendation is an override: it needs a reason and a manager's
  sign-off, because stepping a child down is where harm is missed;
* a level *above* the recommendation is professional judgement: allowed, recorded as
  not matching, no sign-off.

Every refusal is a ThresholdDecisionError naming the form field to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from thresholds.errors import ThresholdDecisionError
from thresholds.model import OUTCOME_LABELS, OUTCOMES, Catalogue, Level
from thresholds.recommend import Recommendation, recommend

_HARINGEY = (
    "a strategy discussion needs recorded reasonable cause to suspect that the child is "
    "suffering, or is likely to suffer, significant harm (Children Act 1989 s47); "
    "R (AB & CD) v Haringey [2013] EWHC 416 (Admin) found s47 enquiries unlawful where "
    "that reasonable-cause basis was not shown. Write what the reasonable cause is"
)


@dataclass(frozen=True)
class DecisionCheck:
    """A decision that may be recorded, with how it relates to the recommendation."""

    recommendation: Recommendation
    chosen_level: int
    outcome: str
    matches_recommendation: bool
    is_override: bool
    needs_signoff: bool


def check_decision(
    catalogue: Catalogue,
    ticked_ids: Iterable[str],
    chosen_level: int,
    outcome: str,
    rationale: str,
    override_reason: str | None,
) -> DecisionCheck:
    """Check a decision against the catalogue; return how it compares, or refuse it.

    Raises ThresholdDecisionError (field + what to fix) for an outcome the chosen level
    does not allow, a blank rationale, or a step-down without an override reason; and
    UnknownIndicatorError for a ticked id the catalogue does not have.
    """
    recommendation = recommend(catalogue, ticked_ids)
    level = _chosen_level(catalogue, chosen_level)
    _check_outcome(level, outcome)
    _check_rationale(outcome, rationale)
    is_override = chosen_level < recommendation.level
    if is_override and not (override_reason or "").strip():
        raise ThresholdDecisionError("override_reason", _step_down_message(recommendation, level))
    return DecisionCheck(
        recommendation=recommendation,
        chosen_level=chosen_level,
        outcome=outcome,
        matches_recommendation=chosen_level == recommendation.level,
        is_override=is_override,
        needs_signoff=is_override,
    )


def _chosen_level(catalogue: Catalogue, chosen_level: int) -> Level:
    if not catalogue.has_level(chosen_level):
        numbers = ", ".join(str(level.number) for level in catalogue.levels)
        raise ThresholdDecisionError(
            "chosen_level",
            f"level {chosen_level} is not in catalogue {catalogue.id} version "
            f"{catalogue.version}; choose one of {numbers}",
        )
    return catalogue.level(chosen_level)


def _check_outcome(level: Level, outcome: str) -> None:
    allowed = ", ".join(f"{o} ({OUTCOME_LABELS[o]})" for o in level.outcomes)
    if outcome not in OUTCOMES:
        raise ThresholdDecisionError(
            "outcome", f"{outcome!r} is not a known outcome; choose one of: {allowed}"
        )
    if outcome not in level.outcomes:
        raise ThresholdDecisionError(
            "outcome",
            f"{OUTCOME_LABELS[outcome]} is not an outcome at level {level.number} "
            f"({level.name}); choose one of: {allowed}, or change the level if you judge "
            "the need to be different",
        )


def _check_rationale(outcome: str, rationale: str) -> None:
    if rationale and rationale.strip():
        return
    if outcome == "strategy_discussion":
        raise ThresholdDecisionError("rationale", f"rationale is required: {_HARINGEY}")
    raise ThresholdDecisionError(
        "rationale",
        "rationale is required: write why you chose this level and outcome; the "
        "levels of need guide professional judgement, they do not replace it",
    )


def _step_down_message(recommendation: Recommendation, level: Level) -> str:
    return (
        f"level {level.number} ({level.name}) is below the recommended level "
        f"{recommendation.level}; give the reason for stepping down (a manager must sign "
        f"it off), or choose level {recommendation.level}"
    )
