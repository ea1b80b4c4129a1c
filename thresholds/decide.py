"""Turn a worker's threshold decision into the payload the engine's ``decide`` fires with.

The check against the catalogue happens here, before the engine is asked: an outcome the
chosen level does not allow, a missing rationale or a step below the recommendation
without a reason are refused with the field to fix. What passes is stamped with the
catalogue id and version in force, the recommended level and whether it is an override,
so the decision can always be read against the rules it was made under.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from thresholds.catalogue import CatalogueRegistry
from thresholds.decision import check_decision
from thresholds.errors import ThresholdDecisionError


def decision_payload(registry: CatalogueRegistry, on: date,
                     submitted: Mapping[str, Any]) -> dict[str, Any]:
    """The engine payload for ``decide``; raises ``ThresholdDecisionError`` when inconsistent."""
    catalogue = registry.active_on(on)
    level = submitted.get("level")
    if not isinstance(level, int):
        raise ThresholdDecisionError("level", "Choose the level of need")
    ticked = list(submitted.get("indicators") or [])
    check = check_decision(catalogue, ticked, level, str(submitted.get("outcome") or ""),
                           str(submitted.get("rationale") or ""),
                           submitted.get("override_reason"))
    return dict(submitted) | {
        "indicators": ticked,
        "recommended_level": check.recommendation.level,
        "is_override": check.is_override,
        "matches_recommendation": check.matches_recommendation,
        "catalogue_id": catalogue.id,
        "catalogue_version": catalogue.version,
    }
