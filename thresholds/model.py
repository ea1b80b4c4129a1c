"""The shape of a levels-of-need catalogue once it has been read and validated.

Each safeguarding partnership publishes its own threshold document, so the catalogue is
data (config/levels_of_need/*.toml) and these frozen classes are only its checked,
in-memory form. The outcome vocabulary is the engine's own and therefore lives here in
code: a catalogue may choose which outcomes each level allows, never invent new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

# The contact outcomes the workflow engine knows how to carry out. A catalogue that
# names anything else is refused on load (see thresholds.parse).
OUTCOMES: tuple[str, ...] = (
    "no_further_action",
    "advice_signposting",
    "early_help",
    "targeted_early_help",
    "referral_to_social_care",
    "strategy_discussion",
)

# How outcomes read in explanations and on screen.
OUTCOME_LABELS: dict[str, str] = {
    "no_further_action": "no further action",
    "advice_signposting": "advice and signposting",
    "early_help": "early help",
    "targeted_early_help": "targeted early help",
    "referral_to_social_care": "referral to children's social care",
    "strategy_discussion": "strategy discussion",
}

# Who responds at a level: universal services, early help, or children's social care.
PATHWAYS: tuple[str, ...] = ("universal", "early_help", "social_care")


@dataclass(frozen=True)
class Level:
    """One level of need, and the contact outcomes a worker may choose at it."""

    number: int
    name: str
    description: str
    pathway: str
    outcomes: tuple[str, ...]

    @property
    def outcome_labels(self) -> tuple[str, ...]:
        """The outcomes as people read them (the page's live recommendation shows these)."""
        return tuple(OUTCOME_LABELS[o] for o in self.outcomes)


@dataclass(frozen=True)
class Dimension:
    """One dimension of the Assessment Framework triangle (e.g. "Ensuring safety")."""

    id: str
    name: str


@dataclass(frozen=True)
class Domain:
    """One side of the Assessment Framework triangle, with its dimensions."""

    id: str
    name: str
    dimensions: tuple[Dimension, ...]

    def dimension(self, dimension_id: str) -> Dimension | None:
        """The dimension with that id, or None: lets validation say "not in this domain"."""
        return next((d for d in self.dimensions if d.id == dimension_id), None)


@dataclass(frozen=True)
class Indicator:
    """A statement a worker can tick, placed at a level and cited to its source document."""

    id: str
    text: str
    level: int
    domain: str
    dimension: str
    source: str


@dataclass(frozen=True)
class Escalation:
    """Cumulative need: ``count`` ticks at ``from_level`` or above, spread over at least
    ``domains`` domains, suggest ``to_level`` even though no single tick is that high."""

    from_level: int
    count: int
    domains: int
    to_level: int


@dataclass(frozen=True)
class Catalogue:
    """One dated version of a partnership's levels of need.

    ``(id, version)`` is what a decision records, so that an old decision can always be
    shown against the rules it was made under, not today's.
    """

    id: str
    version: int
    effective_from: date
    title: str
    source: str
    levels: tuple[Level, ...]
    domains: tuple[Domain, ...]
    indicators: tuple[Indicator, ...]
    escalation: Escalation | None = None
    file: str = ""

    def level(self, number: int) -> Level:
        """The level with that number; KeyError if the catalogue has none."""
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(number)

    def has_level(self, number: int) -> bool:
        """True if the catalogue defines that level number."""
        return any(level.number == number for level in self.levels)

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with that id; KeyError if the catalogue has none."""
        return self._indicators_by_id[indicator_id]

    def domain(self, domain_id: str) -> Domain:
        """The domain with that id; KeyError if the catalogue has none."""
        return {d.id: d for d in self.domains}[domain_id]

    @cached_property
    def _indicators_by_id(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}
