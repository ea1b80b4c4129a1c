"""Casework settings: who must take part in a strategy discussion, and where the ICPC
clock starts.

Why data: Working Together names the minimum participants of a strategy discussion (a
local authority social worker, health and police; 2023 adds education and others), but
which agencies a council lists, which it *expects* beyond the minimum, and whether its
conference timescale runs from the discussion that initiated the enquiry or from the last
one (DOMAIN.md §3) are local choices a council edits by hand. A mistake stops start-up
with a ``ConfigError`` naming the file and the key.

* the grid: the local authority's own social worker first (not a partner agency, so not
  in ``agencies.toml``), then every agency of ``config/agencies.toml`` when it exists,
  else police, health and education;
* ``[strategy]`` in ``settings.toml``: ``required``, ``expected``, ``icpc_anchor``
  (``initiating`` or ``last``) and ``la_name``. (The contribution KPI's agencies are the
  improvement plan's police, health and education: ``reporting.strategy``.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import post_load

from workflow.config_schema import IdList, OneOf, TableSchema, Text, load_table
from workflow.mash.config import load_agencies

LA_SOCIAL_WORKER = "la_social_worker"
#: Participation in a strategy discussion, as the issue and the KPI count it.
STATUSES = {"attended": "Attended", "written": "Written contribution",
            "invited_no_contribution": "Invited, did not contribute",
            "not_invited": "Not invited"}
CONTRIBUTED = ("attended", "written")
ANCHORS = ("initiating", "last")
_FALLBACK = (("police", "Police"), ("health", "Health"), ("education", "Education"))


@dataclass(frozen=True)
class GridAgency:
    """One row of the strategy discussion's agency grid."""

    id: str
    name: str


@dataclass(frozen=True)
class CaseworkConfig:
    """The grid, who is required or expected, and where the ICPC clock starts."""

    agencies: tuple[GridAgency, ...] = field(default_factory=lambda: _default_grid(
        "Local authority social worker"))
    required: tuple[str, ...] = (LA_SOCIAL_WORKER, "police", "health")
    expected: tuple[str, ...] = ("education",)
    icpc_anchor: str = "initiating"

    def ids(self) -> tuple[str, ...]:
        """Grid agency ids in display order."""
        return tuple(a.id for a in self.agencies)

    def name(self, agency_id: str) -> str:
        """Display name; an unknown id is shown as it is."""
        return next((a.name for a in self.agencies if a.id == agency_id), agency_id)

    def must_record(self) -> tuple[str, ...]:
        """Agencies whose participation every discussion must state (required + expected)."""
        return tuple(dict.fromkeys(self.required + self.expected))


def _default_grid(la_name: str) -> tuple[GridAgency, ...]:
    return (GridAgency(LA_SOCIAL_WORKER, la_name),
            *(GridAgency(i, n) for i, n in _FALLBACK))


def load_casework_config(config_dir: Path) -> CaseworkConfig:
    """Read the grid and ``[strategy]``; defaults when the table is absent."""
    return load_table(config_dir / "settings.toml",
                      StrategySchema(_partners(config_dir / "agencies.toml")))


class StrategySchema(TableSchema):
    """[strategy]: who must take part, who is expected, where the ICPC clock starts."""

    section = "strategy"
    required = IdList("agency id", known=lambda schema: schema.known_ids())
    expected = IdList("agency id", known=lambda schema: schema.known_ids())
    icpc_anchor = OneOf(ANCHORS, load_default="initiating")
    la_name = Text(load_default="Local authority social worker")

    def __init__(self, partners: tuple[GridAgency, ...]) -> None:
        super().__init__()
        self.partners = partners

    def known_ids(self) -> set[str]:
        """The ids a list may name: the local authority's own row, then the partners."""
        return {LA_SOCIAL_WORKER, *(a.id for a in self.partners)}

    @post_load
    def _config(self, data: dict[str, Any], **_: Any) -> CaseworkConfig:
        # An empty required list falls back to Working Together's minimum; an empty
        # expected list is a council's choice to expect nobody more.
        defaults = CaseworkConfig()
        return CaseworkConfig((GridAgency(LA_SOCIAL_WORKER, data["la_name"]), *self.partners),
                              data.get("required") or defaults.required,
                              data.get("expected", defaults.expected), data["icpc_anchor"])


def _partners(agencies_file: Path) -> tuple[GridAgency, ...]:
    """The partner agencies of agencies.toml in file order, or the fallback without it."""
    if not agencies_file.exists():
        return tuple(GridAgency(i, n) for i, n in _FALLBACK)
    return tuple(GridAgency(a.id, a.name) for a in load_agencies(agencies_file).all())
