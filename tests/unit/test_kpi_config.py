"""config/kpis.toml: the KPIs the dashboard shows, each one the code knows how to count."""

from __future__ import annotations

from pathlib import Path

import pytest

from reporting.kpis import all_counters, load_kpis
from workflow.config_errors import ConfigError
from workflow.rules import DEFAULT_CONFIG

KPI = '[[kpi]]\nid = "conversion"\ntarget = 30\ncounting = "Contacts that became referrals."\n'


def _problem(tmp_path: Path, text: str) -> str:
    (tmp_path / "kpis.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_kpis(tmp_path)
    return str(caught.value).removeprefix(f"{tmp_path / 'kpis.toml'}: ")


def test_the_shipped_kpis_are_each_counted_targeted_and_explained() -> None:
    kpis = load_kpis(DEFAULT_CONFIG)

    assert {kpi.id for kpi in kpis} == set(all_counters())
    assert all(kpi.title and kpi.counting and 0 < kpi.target <= 100 for kpi in kpis)
    assert [kpi.id for kpi in kpis if kpi.lower_is_better] == [
        "re_referrals", "step_ups", "time_to_acceptance", "returned_transfers",
        "re_referred_after_step_down"]


def test_a_kpi_without_a_title_is_shown_by_its_id(tmp_path: Path) -> None:
    (tmp_path / "kpis.toml").write_text(KPI, encoding="utf-8")

    [kpi] = load_kpis(tmp_path)

    assert (kpi.title, kpi.target, kpi.lower_is_better) == ("conversion", 30.0, False)


@pytest.mark.parametrize(("text", "message"), [
    (KPI.replace('"conversion"', '"conversions"'), "kpi 'conversions': id must be one of "),
    (KPI.replace("target = 30\n", ""), "kpi 'conversion': missing target"),
    (KPI.replace("target = 30", 'target = "30%"'),
     "kpi 'conversion': target must be a number from 0 to 100 (got '30%')"),
    (KPI + "colour = 'red'\n", "kpi 'conversion': unknown key colour"),
    (KPI.replace("[[kpi]]", "[[kpis]]"), "expected only [[kpi]] entries (unknown table kpis)"),
])
def test_a_mistake_in_kpis_toml_names_the_kpi_and_the_problem(
        tmp_path: Path, text: str, message: str) -> None:
    assert _problem(tmp_path, text).startswith(message)
