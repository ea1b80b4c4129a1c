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

from workflow.config_errors import ConfigError, read_toml
from workflow.mash.config import load_agencies

LA_SOCIAL_WORKER = "la_social_worker"
#: Participation in a strategy discussion, as the issue and the KPI count it.
STATUSES = {"attended": "Attended", "written": "Written contribution",
            "invited_no_contribution": "Invited, did not contribute",
            "not_invited": "Not invited"}
CONTRIBUTED = ("attended", "written")
ANCHORS = ("initiating", "last")
_FALLBACK = (("police", "Police"), ("health", "Health"), ("education", "Education"))
_KEYS = ("required", "expected", "icpc_anchor", "la_name")


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
    path = config_dir / "settings.toml"
    table = _strategy_table(path)
    la_name = str(table.get("la_name") or "Local authority social worker")
    grid = _grid(config_dir / "agencies.toml", la_name)
    known = {a.id for a in grid}
    lists = {key: _ids(path, key, table, known) for key in ("required", "expected")}
    anchor = table.get("icpc_anchor", "initiating")
    if anchor not in ANCHORS:
        raise ConfigError(path, "strategy.icpc_anchor",
                          f"must be one of {', '.join(ANCHORS)} (got {anchor!r})", kind="setting")
    defaults = CaseworkConfig()
    return CaseworkConfig(grid, lists["required"] or defaults.required,
                          lists["expected"] if "expected" in table else defaults.expected,
                          anchor)


def _strategy_table(path: Path) -> dict[str, Any]:
    table = read_toml(path).get("strategy", {})
    if not isinstance(table, dict):
        raise ConfigError(path, "strategy", "must be a table", kind="setting")
    for key in sorted(set(table) - set(_KEYS)):
        raise ConfigError(path, f"strategy.{key}", "unknown setting", kind="setting")
    return table


def _ids(path: Path, key: str, table: dict[str, Any], known: set[str]) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, f"strategy.{key}", "must be a list of agency ids",
                          kind="setting")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ConfigError(path, f"strategy.{key}", f"unknown agency id(s) {', '.join(unknown)}"
                          f" (known: {', '.join(sorted(known))})", kind="setting")
    return tuple(value)


def _grid(agencies_file: Path, la_name: str) -> tuple[GridAgency, ...]:
    """LA social worker, then the partner agencies of agencies.toml (or the fallback)."""
    if not agencies_file.exists():
        return _default_grid(la_name)
    book = load_agencies(agencies_file)
    return (GridAgency(LA_SOCIAL_WORKER, la_name),
            *(GridAgency(a.id, a.name) for a in book.all()))
