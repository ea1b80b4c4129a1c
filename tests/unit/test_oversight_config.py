"""[oversight] in settings.toml: the escalation policy, and the mistakes that stop start-up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from workflow.config_errors import ConfigError
from workflow.oversight.escalation import load_policy
from workflow.rules import DEFAULT_CONFIG

GOOD = {
    "at_risk_horizon_hours": "24", "warn_at_share": "0.75", "escalate_after_hours": "24",
    "service_managers": '["demo.manager2"]',
}


def _settings(tmp_path: Path, **change: str | None) -> Path:
    """A settings.toml holding only [oversight]; a value of None drops that key."""
    keys = {**GOOD, **change}
    lines = [f"{key} = {value}" for key, value in keys.items() if value is not None]
    (tmp_path / "settings.toml").write_text("[oversight]\n" + "\n".join(lines) + "\n")
    return tmp_path


def test_the_shipped_policy_warns_at_three_quarters_and_escalates_a_day_after_breach() -> None:
    policy = load_policy(DEFAULT_CONFIG)

    assert policy.at_risk_horizon == timedelta(hours=24)
    assert policy.warn_at_share == 0.75
    assert policy.escalate_after == timedelta(hours=24)
    assert policy.service_managers == ("demo.manager2",)


def test_hours_may_be_written_as_decimals(tmp_path: Path) -> None:
    policy = load_policy(_settings(tmp_path, escalate_after_hours="1.5"))

    assert policy.escalate_after == timedelta(minutes=90)


@pytest.mark.parametrize(("change", "message"), [
    ({"warn_at_share": "1.5"},
     "setting 'oversight.warn_at_share': must be a number from 0.05 to 0.99 (got 1.5)"),
    ({"at_risk_horizon_hours": "true"},
     "setting 'oversight.at_risk_horizon_hours': must be a number from 1 to 720 (got True)"),
    ({"escalate_after_hours": None},
     "setting 'oversight.escalate_after_hours': missing (a number from 0 to 720)"),
    ({"service_managers": '"demo.manager2"'},
     "setting 'oversight.service_managers': must be a list of usernames"),
    ({"service_manager": '["demo.manager2"]'},
     "setting 'oversight.service_manager': unknown setting"),
])
def test_a_mistake_in_the_oversight_table_stops_start_up_naming_the_key(
        tmp_path: Path, change: dict[str, str | None], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_policy(_settings(tmp_path, **change))

    assert str(caught.value).startswith(f"{tmp_path / 'settings.toml'}: {message}")
