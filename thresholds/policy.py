"""The levels of need as the engine's threshold policy (the adapter of its port).

The engine asks, inside the command path, whether a decision is consistent with the
catalogue in force on its day and what to stamp on it: the catalogue id and version, the
recommended level, whether it is an override. So no caller — page, API, CLI, demo or a
script calling the service layer — can record a decision the catalogue refuses, or an
override without its sign-off. Refusals name the form field to fix.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from thresholds.catalogue import CatalogueRegistry, load_registry
from thresholds.decision import check_decision
from thresholds.errors import ThresholdsError
from workflow.decision.records import DecisionStamp
from workflow.errors import GuardFailed

LONDON = ZoneInfo("Europe/London")
#: The form field a refusal about a chosen level belongs to.
_FIELDS = {"chosen_level": "level"}


class CataloguePolicy:
    """Checks and stamps decisions against the catalogues of one folder."""

    def __init__(self, registry: CatalogueRegistry) -> None:
        self.registry = registry

    def stamp(self, on: datetime, level: int, outcome: str, indicators: tuple[str, ...],
              rationale: str, override_reason: str) -> DecisionStamp:
        """The stamp for a consistent decision, or ``GuardFailed`` at the field to fix."""
        catalogue = self.registry.active_on(on.astimezone(LONDON).date())
        try:
            check = check_decision(catalogue, indicators, level, outcome, rationale,
                                   override_reason)
        except ThresholdsError as error:
            field = getattr(error, "field", "indicators")
            message = getattr(error, "message", str(error))
            raise GuardFailed("levels_of_need", message, _FIELDS.get(field, field)) from None
        return DecisionStamp(catalogue.id, catalogue.version, check.recommendation.level,
                             check.is_override, check.matches_recommendation)


def catalogue_policy(config_dir: Path) -> CataloguePolicy:
    """The policy over ``config/levels_of_need`` (what the app, the CLI and tests use)."""
    return CataloguePolicy(load_registry(config_dir / "levels_of_need"))
