"""Caseload weights ([caseload_weights] in settings.toml): a stage listed counts its weight,
one not listed counts 1, and a misspelt stage or a silly number stops start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.config_errors import ConfigError
from workflow.oversight.caseload import load_weights
from workflow.rules import DEFAULT_CONFIG


def _settings(tmp_path: Path, table: str) -> Path:
    (tmp_path / "settings.toml").write_text(f"[caseload_weights]\n{table}\n")
    return tmp_path


def test_the_shipped_weights_count_a_child_protection_plan_more_than_a_cin_plan() -> None:
    weights = load_weights(DEFAULT_CONFIG)

    assert weights["cp_plan"] > weights["cin_plan"]


@pytest.mark.parametrize(("table", "problem"), [
    ("cp_plann = 1.5", "setting 'caseload_weights.cp_plann': is not an open stage"),
    ("closed = 1", "setting 'caseload_weights.closed': is not an open stage"),
    ("cp_plan = 40", "setting 'caseload_weights.cp_plan': must be a number from 0 to 10 (got 40)"),
    ("cp_plan = true",
     "setting 'caseload_weights.cp_plan': must be a number from 0 to 10 (got True)"),
])
def test_a_wrong_weight_stops_start_up_naming_the_key(tmp_path: Path, table: str,
                                                      problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_weights(_settings(tmp_path, table))

    assert problem in str(caught.value)


def test_no_table_weights_every_case_one(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text("[oversight]\nwarn_at_share = 0.75\n")

    assert load_weights(tmp_path) == {}
