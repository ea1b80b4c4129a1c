"""Recommend a level of need from the indicators a worker ticked.

Threshold documents guide professional judgement and do not replace it, so this module
only *recommends*: the worker decides (see thresholds.decision) and the explanation is
written for them, in plain English, naming the ticks that drove the level. The rule:

* the level is the highest level among the ticked indicators;
* unless the catalogue's ``[escalation]`` rule applies: enough ticks at ``from_level``
  or above, spread over enough different domains, raise the level to ``to_level``
  (several moderate needs together can be as serious as one acute need);
* nothing ticked means level 1, universal services.

Pure functions over a Catalogue: no clock, no database, same answer every time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from thresholds.errors import UnknownIndicatorError
from thresholds.model import OUTCOME_LABELS, Catalogue, Escalation, Indicator


@dataclass(frozen=True)
class Recommendation:
    """The recommended level, why, and which outcomes it allows.

    ``drivers`` are the ticked indicators at the recommended level, or, when cumulative
    escalation raised the level, the ticks that added up to it. ``catalogue_id`` and
    ``catalogue_version`` are what a decision records, to be shown against later.
    """

    level: int
    drivers: tuple[Indicator, ...]
    allowed_outcomes: tuple[str, ...]
    explanation: str
    escalated: bool
    catalogue_id: str
    catalogue_version: int


def recommend(catalogue: Catalogue, ticked_ids: Iterable[str]) -> Recommendation:
    """Recommend a level for the ticked indicator ids (order and repeats do not matter).

    Raises UnknownIndicatorError naming every id the catalogue does not have, rather than
    ignoring it: a silently dropped tick could lower the level.
    """
    ticked = ticked_indicators(catalogue, ticked_ids)
    if not ticked:
        level = catalogue.levels[0].number
        return _build(catalogue, level, (), False, "no indicators ticked, so " + _universal())
    highest = max(indicator.level for indicator in ticked)
    escalation = _escalation_drivers(catalogue.escalation, ticked, highest)
    if catalogue.escalation is not None and escalation:
        reason = _escalation_reason(catalogue, catalogue.escalation, escalation, highest)
        return _build(catalogue, catalogue.escalation.to_level, escalation, True, reason)
    drivers = tuple(indicator for indicator in ticked if indicator.level == highest)
    reason = f"the highest ticked indicator is at level {highest}: {_list(drivers)}"
    return _build(catalogue, highest, drivers, False, reason + _lower(ticked, highest))


def ticked_indicators(catalogue: Catalogue, ticked_ids: Iterable[str]) -> tuple[Indicator, ...]:
    """The catalogue's indicators for these ids, in catalogue order; unknown ids refused."""
    if isinstance(ticked_ids, str):
        raise TypeError("ticked_ids must be a collection of indicator ids, not one string")
    wanted = set(ticked_ids)
    known = {indicator.id for indicator in catalogue.indicators}
    unknown = sorted(wanted - known)
    if unknown:
        raise UnknownIndicatorError(unknown, catalogue.id, catalogue.version)
    return tuple(indicator for indicator in catalogue.indicators if indicator.id in wanted)


def _escalation_drivers(
    rule: Escalation | None, ticked: tuple[Indicator, ...], highest: int
) -> tuple[Indicator, ...]:
    """The ticks that trigger cumulative escalation, or () when the rule does not apply."""
    if rule is None or highest >= rule.to_level:
        return ()
    eligible = tuple(indicator for indicator in ticked if indicator.level >= rule.from_level)
    domains = {indicator.domain for indicator in eligible}
    if len(eligible) >= rule.count and len(domains) >= rule.domains:
        return eligible
    return ()


def _escalation_reason(
    catalogue: Catalogue, rule: Escalation, drivers: tuple[Indicator, ...], highest: int
) -> str:
    domains = sorted({catalogue.domain(indicator.domain).name for indicator in drivers})
    return (
        f"of cumulative escalation: no single ticked indicator is above level {highest}, but "
        f"{len(drivers)} ticked indicators at level {rule.from_level} or above span "
        f"{len(domains)} domains ({', '.join(domains)}). This catalogue's rule raises "
        f"{rule.count} or more such needs across {rule.domains} or more domains to level "
        f"{rule.to_level}. The needs that added up: {_list(drivers)}"
    )


def _build(
    catalogue: Catalogue,
    number: int,
    drivers: tuple[Indicator, ...],
    escalated: bool,
    reason: str,
) -> Recommendation:
    level = catalogue.level(number)
    outcomes = ", ".join(OUTCOME_LABELS[o] for o in level.outcomes)
    explanation = (
        f"Recommended level {level.number} ({level.name}) because {reason}. "
        f"Outcomes allowed at this level: {outcomes}. This is a recommendation under "
        f"catalogue {catalogue.id} version {catalogue.version}: the worker decides "
        "and records why."
    )
    return Recommendation(
        level.number, drivers, level.outcomes, explanation, escalated,
        catalogue.id, catalogue.version,
    )


def _universal() -> str:
    return "the child's needs are taken to be met by universal services"


def _list(indicators: tuple[Indicator, ...]) -> str:
    return "; ".join(f"{indicator.id} ({indicator.text.rstrip('.')})" for indicator in indicators)


def _lower(ticked: tuple[Indicator, ...], highest: int) -> str:
    lower = sum(1 for indicator in ticked if indicator.level < highest)
    noun = "indicator" if lower == 1 else "indicators"
    return f" (also ticked: {lower} {noun} at lower levels)" if lower else ""
