"""[strategy] in settings.toml and the agency grid: defaults, and mistakes that stop start-up."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workflow.casework.config import LA_SOCIAL_WORKER, CaseworkConfig, load_casework_config
from workflow.config_errors import ConfigError
from workflow.rules import DEFAULT_CONFIG


def _config_dir(tmp_path: Path, strategy: str, agencies: bool = True) -> Path:
    """A copy of config/ with its [strategy] table replaced."""
    target = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG, target)
    settings = target / "settings.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.split("[strategy]")[0] + strategy, encoding="utf-8")
    if not agencies:
        (target / "agencies.toml").unlink()
    return target


def test_the_shipped_settings_require_the_la_police_and_health_and_expect_education() -> None:
    config = load_casework_config(DEFAULT_CONFIG)

    assert config.required == (LA_SOCIAL_WORKER, "police", "health")
    assert config.expected == ("education",)
    assert config.icpc_anchor == "initiating"
    assert config.ids()[:4] == (LA_SOCIAL_WORKER, "police", "health", "education")
    assert "probation" in config.ids()  # every agency of agencies.toml is on the grid


def test_without_a_strategy_table_the_working_together_defaults_apply(tmp_path: Path) -> None:
    config = load_casework_config(_config_dir(tmp_path, ""))

    assert (config.required, config.expected) == (CaseworkConfig().required, ("education",))


def test_without_agencies_toml_the_grid_is_the_four_named_participants(tmp_path: Path) -> None:
    config = load_casework_config(_config_dir(tmp_path, "", agencies=False))

    assert config.ids() == (LA_SOCIAL_WORKER, "police", "health", "education")


def test_a_council_may_count_the_icpc_from_the_last_discussion(tmp_path: Path) -> None:
    config = load_casework_config(_config_dir(tmp_path, '[strategy]\nicpc_anchor = "last"\n'))

    assert config.icpc_anchor == "last"


@pytest.mark.parametrize(("table", "words"), [
    ('[strategy]\nicpc_anchor = "first"\n', "strategy.icpc_anchor"),
    ('[strategy]\nrequired = ["police", "fire_service"]\n', "unknown agency id fire_service"),
    ("[strategy]\nexpected = \"education\"\n", "must be a list of agency ids"),
    ("[strategy]\nminimum = 3\n", "strategy.minimum"),
    ('[strategy]\nla_name = ""\n', "setting 'strategy.la_name': must be a non-empty string"),
])
def test_a_mistake_in_the_strategy_table_stops_start_up_naming_the_key(
        tmp_path: Path, table: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_casework_config(_config_dir(tmp_path, table))

    assert words in str(caught.value)
    assert "settings.toml" in str(caught.value)


def test_the_local_authority_row_takes_the_configured_name(tmp_path: Path) -> None:
    table = '[strategy]\nla_name = "Our social worker"\n'
    config = load_casework_config(_config_dir(tmp_path, table))

    assert config.name(LA_SOCIAL_WORKER) == "Our social worker"
    assert config.required == CaseworkConfig().required
