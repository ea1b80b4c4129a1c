"""How much an open case at each stage counts towards a worker's weighted caseload.

Why configuration: no national measure says a child protection plan is worth 1.5 cases;
councils that weight caseloads set their own figures ([caseload_weights] in settings.toml),
and one that does not weights every case 1. A misspelt stage or a silly number stops
start-up naming the key rather than silently counting the case as 1.
"""

from __future__ import annotations

from pathlib import Path

from workflow.config_errors import ConfigError, read_toml
from workflow.stages import OPEN_STAGES

SECTION = "caseload_weights"
MAX_WEIGHT = 10.0


def load_weights(config_dir: Path) -> dict[str, float]:
    """Each listed stage's weight (an unlisted open stage counts 1)."""
    path = config_dir / "settings.toml"
    table = read_toml(path).get(SECTION, {})
    if not isinstance(table, dict):
        raise ConfigError(path, SECTION, "must be a table of stage = weight", kind="setting")
    stages = {s.value for s in OPEN_STAGES}
    weights = {}
    for stage, weight in table.items():
        if stage not in stages:
            raise ConfigError(path, f"{SECTION}.{stage}", "is not an open stage", kind="setting")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or \
                not 0 <= weight <= MAX_WEIGHT:
            raise ConfigError(path, f"{SECTION}.{stage}",
                              f"must be a number from 0 to {MAX_WEIGHT:g} (got {weight!r})",
                              kind="setting")
        weights[stage] = float(weight)
    return weights
