"""Levels of need: load a partnership's threshold catalogue, recommend a level, check a decision.

Threshold documents differ between safeguarding partnerships and change over time, so the
catalogue is dated data in config/levels_of_need/ and this package only reads, checks
and applies it. It imports neither Flask nor SQLAlchemy: the web layer calls it, and a
decision stores the catalogue id and version it was made under.
"""

from thresholds.catalogue import (
    CatalogueRegistry,
    catalogue_problems,
    load_catalogue,
    load_registry,
)
from thresholds.decision import DecisionCheck, check_decision
from thresholds.errors import (
    CatalogueError,
    CatalogueNotFoundError,
    ThresholdDecisionError,
    ThresholdsError,
    UnknownIndicatorError,
)
from thresholds.model import (
    OUTCOME_LABELS,
    OUTCOMES,
    PATHWAYS,
    Catalogue,
    Dimension,
    Domain,
    Escalation,
    Indicator,
    Level,
)
from thresholds.recommend import Recommendation, recommend, ticked_indicators
from thresholds.render import catalogue_as_text, check_file

__all__ = [
    "OUTCOMES",
    "OUTCOME_LABELS",
    "PATHWAYS",
    "Catalogue",
    "CatalogueError",
    "CatalogueNotFoundError",
    "CatalogueRegistry",
    "DecisionCheck",
    "Dimension",
    "Domain",
    "Escalation",
    "Indicator",
    "Level",
    "Recommendation",
    "ThresholdDecisionError",
    "ThresholdsError",
    "UnknownIndicatorError",
    "catalogue_as_text",
    "catalogue_problems",
    "check_decision",
    "check_file",
    "load_catalogue",
    "load_registry",
    "recommend",
    "ticked_indicators",
]
