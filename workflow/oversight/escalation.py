"""Who hears about a clock, and when: the escalation policy, read from settings.toml.

Working Together puts the duty to keep to timescales on the local authority; how a council
chases them is local practice, so every number here is configuration: when the allocated
worker is warned (a share of the clock's time), that the team manager hears at breach,
and when the service manager hears if it is still breached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from workflow.config_errors import ConfigError, read_toml


@dataclass(frozen=True)
class EscalationPolicy:
    """The [oversight] settings, checked."""

    at_risk_horizon: timedelta
    warn_at_share: float
    escalate_after: timedelta
    service_managers: tuple[str, ...]
    front_door_team: str = "front-door"


def _number(path: Path, table: dict[str, Any], key: str, low: float, high: float) -> float:
    value = table.get(key)
    if not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(path, f"oversight.{key}", f"must be a number from {low} to {high} "
                          f"(got {value!r})", kind="setting")
    return float(value)


def load_policy(config_dir: Path) -> EscalationPolicy:
    """Read and check [oversight]; a bad value stops start-up naming the key."""
    path = config_dir / "settings.toml"
    table = read_toml(path).get("oversight", {})
    managers = table.get("service_managers", [])
    if not isinstance(managers, list) or not all(isinstance(m, str) for m in managers):
        raise ConfigError(path, "oversight.service_managers", "must be a list of usernames",
                          kind="setting")
    return EscalationPolicy(
        at_risk_horizon=timedelta(hours=_number(path, table, "at_risk_horizon_hours", 1, 720)),
        warn_at_share=_number(path, table, "warn_at_share", 0.05, 0.99),
        escalate_after=timedelta(hours=_number(path, table, "escalate_after_hours", 0, 720)),
        service_managers=tuple(managers),
    )
