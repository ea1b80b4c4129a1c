"""The MASH's configuration is checked at start-up: a mistake names the file, entry, problem."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from workflow.clocks.timescales import Unit
from workflow.config_errors import ConfigError
from workflow.mash.config import (
    MashSettings,
    load_agencies,
    load_deadlines,
    load_mash_config,
    load_mash_settings,
)
from workflow.rules import DEFAULT_CONFIG

GOOD = '''
[[agency]]
id = "police"
name = "Police"
note = "Working Together 2023"
local = false

[[agency]]
id = "health"
name = "Health"
note = "Working Together 2023"
local = false

[[agency]]
id = "education"
name = "Education"
note = "Working Together 2023"
local = false
'''


def _write(tmp_path: Path, text: str, name: str = "agencies.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problem(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_agencies(path)
    assert str(path) in str(caught.value)
    return str(caught.value)


def test_the_real_configuration_loads_with_every_agency_the_issue_names() -> None:
    config = load_mash_config(DEFAULT_CONFIG)

    ids = config.agencies.ids()
    for agency in ("police", "health", "education", "probation", "housing", "early_help",
                   "adult_social_care", "youth_justice"):
        assert agency in ids
    assert len(ids) > 8  # "and others"
    assert all(a.note for a in config.agencies.all())
    assert config.settings == MashSettings(repeat_contact_window_days=7,
                                           repeat_contact_threshold=2)


def test_the_real_request_deadlines_are_merton_2_6_24_hours_red_round_the_clock() -> None:
    config = load_mash_config(DEFAULT_CONFIG)
    on = date(2026, 3, 4)

    red, amber, green = (config.deadline_rule(rag, on) for rag in ("red", "amber", "green"))

    assert (red.limit, red.unit) == (2, Unit.CLOCK_HOURS)
    assert (amber.limit, amber.unit) == (6, Unit.WORKING_HOURS)
    assert (green.limit, green.unit) == (24, Unit.WORKING_HOURS)
    assert all(r.local and "Merton" in r.source for r in (red, amber, green))


def test_a_well_formed_file_is_read_in_order_and_names_are_looked_up(tmp_path: Path) -> None:
    book = load_agencies(_write(tmp_path, GOOD))

    assert book.ids() == ("police", "health", "education")
    assert book.name("health") == "Health"
    assert book.name("nobody") == "nobody"
    assert book.get("nobody") is None


def test_a_missing_key_is_named(tmp_path: Path) -> None:
    text = GOOD.replace('note = "Working Together 2023"\nlocal = false\n\n[[agency]]\nid = '
                        '"health"', 'local = false\n\n[[agency]]\nid = "health"', 1)

    assert "agency 'police': missing note" in _problem(tmp_path, text)


def test_an_unknown_key_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace('name = "Police"', 'name = "Police"\nemail = "x@example.invalid"')

    assert "agency 'police': unknown key email" in _problem(tmp_path, text)


def test_an_id_used_twice_is_refused(tmp_path: Path) -> None:
    text = GOOD + '\n[[agency]]\nid = "police"\nname = "Police again"\nnote = "x"\nlocal = true\n'

    assert "agency 'police': the id is used twice" in _problem(tmp_path, text)


@pytest.mark.parametrize("bad_id", ["Police", "p", "has space", "ünï"])
def test_an_id_that_is_not_a_short_lower_case_name_is_refused(tmp_path: Path,
                                                              bad_id: str) -> None:
    text = GOOD.replace('id = "police"', f'id = "{bad_id}"')

    assert "id must be 2-40 lower-case letters" in _problem(tmp_path, text)


def test_an_empty_note_is_refused_because_every_agency_is_cited(tmp_path: Path) -> None:
    text = GOOD.replace('note = "Working Together 2023"', 'note = "  "', 1)

    assert "note must cite the guidance" in _problem(tmp_path, text)


def test_local_must_be_true_or_false(tmp_path: Path) -> None:
    text = GOOD.replace("local = false", 'local = "no"', 1)

    assert "local must be true or false" in _problem(tmp_path, text)


def test_police_health_and_education_must_be_present(tmp_path: Path) -> None:
    text = GOOD.replace('id = "education"', 'id = "schools"')

    assert "missing the agencies education" in _problem(tmp_path, text)


def test_a_file_without_agencies_or_with_other_tables_is_refused(tmp_path: Path) -> None:
    assert "expected one or more [[agency]]" in _problem(tmp_path, "")
    assert "expected one or more [[agency]]" in _problem(tmp_path, GOOD + "\n[extra]\nx = 1\n")


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    assert "not valid TOML" in _problem(tmp_path, "[[agency]\nid = ")


def test_deadlines_must_give_a_rule_for_each_rag_rating(tmp_path: Path) -> None:
    real = (DEFAULT_CONFIG / "agency_timescales.toml").read_text(encoding="utf-8")
    cut = real[:real.index('[[rule]]\n# LOCAL default: change for your council. Counted inside '
                           'service hours ([calendar.service_hours]).\nname = "agency_request_'
                           'green"')]
    path = _write(tmp_path, cut, "agency_timescales.toml")

    with pytest.raises(ConfigError, match="missing the rule agency_request_green"):
        load_deadlines(path)


@pytest.mark.parametrize(("line", "problem"), [
    ("repeat_contact_window_days = 0", "mash.repeat_contact_window_days"),
    ("repeat_contact_threshold = \"two\"", "mash.repeat_contact_threshold"),
    ("repeat_contact_threshold = true", "mash.repeat_contact_threshold"),
    ("repeat_contacts = 3", "mash.repeat_contacts': unknown setting"),
])
def test_bad_mash_settings_stop_start_up_naming_the_key(tmp_path: Path, line: str,
                                                        problem: str) -> None:
    path = _write(tmp_path, f"[mash]\n{line}\n", "settings.toml")

    with pytest.raises(ConfigError, match=problem):
        load_mash_settings(path)


def test_settings_without_a_mash_table_use_the_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, "[web]\npage_size = 50\n", "settings.toml")

    assert load_mash_settings(path) == MashSettings()


def test_the_app_refuses_to_start_on_a_broken_agencies_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from web.app import create_app

    monkeypatch.setenv("FRONTDOOR_SECRET_KEY", "tests-only")
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG, config)
    (config / "agencies.toml").write_text(GOOD.replace('id = "health"', 'id = "Health"'))

    with pytest.raises(ConfigError, match="agencies.toml: agency 'Health': id must be"):
        create_app({"CONFIG_DIR": config, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                    "SECRET_KEY": "test"})
