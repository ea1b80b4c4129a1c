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

from marshmallow import post_load

from workflow.config_schema import IdList, Number, TableSchema, load_table


@dataclass(frozen=True)
class EscalationPolicy:
    """The [oversight] settings, checked."""

    at_risk_horizon: timedelta
    warn_at_share: float
    escalate_after: timedelta
    service_managers: tuple[str, ...]
    front_door_team: str = "front-door"


def load_policy(config_dir: Path) -> EscalationPolicy:
    """Read and check [oversight]; a bad value stops start-up naming the key."""
    return load_table(config_dir / "settings.toml", OversightSchema())


class OversightSchema(TableSchema):
    """[oversight]: every number required, each inside a range a council could mean."""

    section = "oversight"
    at_risk_horizon_hours = Number(1, 720, required=True)
    warn_at_share = Number(0.05, 0.99, required=True)
    escalate_after_hours = Number(0, 720, required=True)
    service_managers = IdList("username", load_default=())

    @post_load
    def _policy(self, data: dict[str, Any], **_: Any) -> EscalationPolicy:
        return EscalationPolicy(
            at_risk_horizon=timedelta(hours=data["at_risk_horizon_hours"]),
            warn_at_share=data["warn_at_share"],
            escalate_after=timedelta(hours=data["escalate_after_hours"]),
            service_managers=data["service_managers"],
        )
