"""Levels-of-need catalogues: the shipped files, the refusals on load, the dated registry."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from thresholds import (
    OUTCOMES,
    CatalogueError,
    CatalogueNotFoundError,
    catalogue_as_text,
    check_file,
    load_catalogue,
    load_registry,
)
from workflow.config_errors import ConfigError

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "levels_of_need"
CURRENT = SHIPPED / "worcestershire_2024.toml"
PREVIOUS = SHIPPED / "worcestershire_2022.toml"

# The Assessment Framework as DOMAIN.md section 4 lists it.
ASSESSMENT_FRAMEWORK = {
    "Child's developmental needs": [
        "Health", "Education", "Emotional and behavioural development", "Identity",
        "Family and social relationships", "Social presentation", "Self-care skills",
    ],
    "Parenting capacity": [
        "Basic care", "Ensuring safety", "Emotional warmth", "Stimulation",
        "Guidance and boundaries", "Stability",
    ],
    "Family and environmental factors": [
        "Family history and functioning", "Wider family", "Housing", "Employment", "Income",
        "Family's social integration", "Community resources",
    ],
}

# A small but complete catalogue; each refusal test breaks one line of it.
VALID = """
[catalogue]
id = "test"
version = 1
effective_from = 2024-01-01
title = "Test catalogue"
source = "A partnership's threshold document"

[[levels]]
number = 1
name = "Universal"
description = "Met by universal services."
pathway = "universal"
outcomes = ["no_further_action", "advice_signposting"]

[[levels]]
number = 2
name = "Specialist"
description = "Needs social care."
pathway = "social_care"
outcomes = ["referral_to_social_care", "strategy_discussion"]

[escalation]
from_level = 1
count = 2
domains = 2
to_level = 2

[[domains]]
id = "CD"
name = "Child's developmental needs"
[[domains.dimensions]]
id = "health"
name = "Health"

[[domains]]
id = "PC"
name = "Parenting capacity"
[[domains.dimensions]]
id = "safety"
name = "Ensuring safety"

[sources]
doc = "A partnership's threshold document (paraphrased)"

[[indicators]]
id = "L1-CD-HEALTH-01"
level = 1
domain = "CD"
dimension = "health"
source = "doc"
text = "Child is healthy."

[[indicators]]
id = "L2-PC-SAFETY-01"
level = 2
domain = "PC"
dimension = "safety"
source = "doc"
text = "Child is at risk of significant harm."
"""


# Moves the level-2 indicator to a level the catalogue does not define.
LEVEL_7 = ('level = 2\ndomain = "PC"', 'level = 7\ndomain = "PC"')


def write(folder: Path, text: str, name: str = "catalogue.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def broken(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def catalogue_text(**header: object) -> str:
    """VALID with header values replaced (dates and ints given as TOML literals)."""
    text = VALID
    for key, value in header.items():
        text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, count=1, flags=re.M)
    return text


# --- the shipped catalogues -------------------------------------------------------------


@pytest.fixture(scope="module")
def current():
    return load_catalogue(CURRENT)


def test_shipped_catalogue_is_worcs_default_version_2(current):
    assert (current.id, current.version) == ("worcs-default", 2)
    assert current.effective_from == date(2024, 4, 1)
    assert "Worcestershire" in current.source and current.title


def test_shipped_catalogue_has_at_least_60_indicators_across_all_domains_and_levels(current):
    assert len(current.indicators) >= 60
    assert {i.domain for i in current.indicators} == {"CD", "PC", "FE"}
    assert {i.level for i in current.indicators} == {1, 2, 3, 4}


def test_level_1_is_a_handful_of_universal_needs_met_statements(current):
    level_1 = [i for i in current.indicators if i.level == 1]
    assert 3 <= len(level_1) <= 10
    assert len(level_1) < min(
        sum(1 for i in current.indicators if i.level == n) for n in (2, 3, 4)
    )


def test_every_shipped_indicator_has_a_source_a_domain_and_a_dimension_of_that_domain():
    for path in (CURRENT, PREVIOUS):
        catalogue = load_catalogue(path)
        for indicator in catalogue.indicators:
            domain = catalogue.domain(indicator.domain)
            assert domain.dimension(indicator.dimension) is not None, indicator.id
            assert "(paraphrased)" in indicator.source, indicator.id
            assert indicator.text.strip(), indicator.id


def test_shipped_indicator_ids_spell_level_domain_and_dimension(current):
    for i in current.indicators:
        code = i.dimension.upper().replace("_", "-")
        assert re.fullmatch(rf"L{i.level}-{i.domain}-{code}-\d\d", i.id), i.id


def test_domains_and_dimensions_are_the_assessment_framework(current):
    shipped = {d.name: [dim.name for dim in d.dimensions] for d in current.domains}
    assert shipped == ASSESSMENT_FRAMEWORK


def test_default_outcomes_are_shaped_like_worcestershire(current):
    assert {level.number: level.outcomes for level in current.levels} == {
        1: ("no_further_action", "advice_signposting"),
        2: ("early_help", "advice_signposting"),
        3: ("targeted_early_help", "early_help"),
        4: ("referral_to_social_care", "strategy_discussion"),
    }
    assert [level.pathway for level in current.levels] == [
        "universal", "early_help", "early_help", "social_care"
    ]


def test_shipped_escalation_raises_four_level_3_needs_in_two_domains_to_level_4(current):
    rule = current.escalation
    assert rule is not None
    assert (rule.from_level, rule.count, rule.domains, rule.to_level) == (3, 4, 2, 4)


@pytest.mark.parametrize(
    ("level", "words"),
    [
        (3, "health appointments are repeatedly missed"),
        (3, "school attendance is poor"),
        (3, "self-harms repeatedly"),
        (3, "struggling to provide adequate care"),
        (3, "incidents of domestic abuse"),
        (3, "overcrowded or temporary accommodation"),
        (3, "serious debt"),
        (4, "physical, sexual or emotional abuse"),
        (4, "neglected so persistently"),
        (4, "goes missing from home"),
        (4, "risk of sexual exploitation"),
        (4, "risk of criminal exploitation"),
        (4, "attempted suicide"),
        (4, "mental ill-health or substance misuse is significantly affecting"),
        (4, "privately fostered"),
        (4, "unaccompanied asylum-seeking child"),
    ],
)
def test_published_examples_sit_at_their_level(current, level, words):
    matches = [i for i in current.indicators if words in i.text.lower()]
    assert [i.level for i in matches] == [level], words


def test_previous_version_is_older_smaller_and_worded_differently():
    old, new = load_catalogue(PREVIOUS), load_catalogue(CURRENT)
    assert (old.id, old.version) == (new.id, 1)
    assert old.effective_from < new.effective_from
    assert len(old.indicators) < len(new.indicators)
    assert old.indicator("L3-FE-HOUSING-01").text != new.indicator("L3-FE-HOUSING-01").text
    assert old.escalation is None


def test_shipped_folder_checks_clean():
    assert check_file(SHIPPED) == []
    assert check_file(CURRENT) == []


# --- refusals on load: each names the file, the key and the fix --------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "fix"),
    [
        pytest.param(*LEVEL_7, "indicator 'L2-PC-SAFETY-01'.level",
                     "use a level defined in [[levels]]: 1, 2", id="unknown-level"),
        pytest.param('id = "L2-PC-SAFETY-01"', 'id = "L1-CD-HEALTH-01"',
                     "indicator 'L1-CD-HEALTH-01'.id", "give each indicator its own id",
                     id="duplicate-indicator-id"),
        pytest.param('domain = "PC"\n', "", "indicator 'L2-PC-SAFETY-01'.domain",
                     'set domain = "CD" | "PC"', id="indicator-without-domain"),
        pytest.param('dimension = "safety"\n', "", "indicator 'L2-PC-SAFETY-01'.dimension",
                     'set dimension = "safety"', id="indicator-without-dimension"),
        pytest.param('source = "doc"\ntext = "Child is at risk', 'text = "Child is at risk',
                     "indicator 'L2-PC-SAFETY-01'.source", 'set source = "doc"',
                     id="indicator-without-source"),
        pytest.param('dimension = "safety"', 'dimension = "health"',
                     "indicator 'L2-PC-SAFETY-01'.dimension", 'use one of: "safety"',
                     id="dimension-not-in-its-domain"),
        pytest.param('source = "doc"\ntext = "Child is at risk',
                     'source = "nope"\ntext = "Child is at risk',
                     "indicator 'L2-PC-SAFETY-01'.source", "add nope = ",
                     id="source-not-in-sources"),
        pytest.param('"referral_to_social_care", "strategy', '"section_47", "strategy',
                     "level 2.outcomes", "use only: \"no_further_action\"",
                     id="outcome-not-in-vocabulary"),
        pytest.param('outcomes = ["no_further_action", "advice_signposting"]', "outcomes = []",
                     "level 1.outcomes", "list at least one outcome", id="level-without-outcome"),
        pytest.param("number = 2", "number = 3", "levels",
                     "number the [[levels]] tables 1, 2, ... N in order", id="levels-not-1-to-n"),
        pytest.param('pathway = "universal"', 'pathway = "tier_1"', "level 1.pathway",
                     'use "universal" | "early_help" | "social_care"', id="unknown-pathway"),
        pytest.param("[escalation]", "[escalaton]", "escalaton",
                     "remove it or correct the spelling", id="misspelt-table"),
        pytest.param("to_level = 2", "to_level = 1", "escalation.to_level",
                     "escalation only raises a level", id="escalation-not-upwards"),
        pytest.param("domains = 2\n", "domains = 3\n", "escalation.domains",
                     "use a number from 1 to 2", id="escalation-more-domains-than-exist"),
    ],
)
def test_bad_catalogue_is_refused_naming_file_key_and_fix(tmp_path, old, new, key, fix):
    path = write(tmp_path, broken(old, new))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    error = caught.value
    assert (error.file, error.key) == (str(path), key)
    assert fix in error.fix
    assert str(error).startswith(f"{path}: {key}: ") and f"Fix: {fix}" in str(error)


@pytest.mark.parametrize("field", ["id", "version", "effective_from", "title", "source"])
def test_missing_header_field_is_refused(tmp_path, field):
    text = re.sub(rf"^{field} = .*\n", "", VALID, count=1, flags=re.M)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(write(tmp_path, text))
    assert caught.value.key == f"catalogue.{field}"
    assert caught.value.problem == "missing"
    assert field in caught.value.fix


def test_missing_header_table_is_refused(tmp_path):
    with pytest.raises(CatalogueError, match=r"catalogue: missing header table\. Fix: start"):
        load_catalogue(write(tmp_path, VALID.replace("[catalogue]", "")))


def test_quoted_effective_from_is_refused_with_the_date_form_to_use(tmp_path):
    path = write(tmp_path, catalogue_text(effective_from='"2024-01-01"'))
    with pytest.raises(CatalogueError, match="without quotes, e.g. effective_from = 2024-04-01"):
        load_catalogue(path)


def test_invalid_toml_is_refused_naming_the_file(tmp_path):
    path = write(tmp_path, VALID + "\nthis is not toml\n")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert (caught.value.file, caught.value.key) == (str(path), "(syntax)")


def test_catalogue_error_is_a_config_error_so_start_up_refuses_it_like_any_other(tmp_path):
    with pytest.raises(ConfigError):
        load_catalogue(write(tmp_path, broken(*LEVEL_7)))


def test_load_notes_how_many_more_problems_and_check_file_lists_them_all(tmp_path):
    path = write(tmp_path, broken(*LEVEL_7).replace('source = "doc"\n', ""))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert "2 more problems" in caught.value.__notes__[0]
    problems = check_file(path)
    assert len(problems) == 3
    assert all(problem.startswith(str(path)) and "Fix: " in problem for problem in problems)


def test_valid_file_checks_clean(tmp_path):
    assert check_file(write(tmp_path, VALID)) == []


def test_missing_file_is_reported_not_raised_by_check(tmp_path):
    [problem] = check_file(tmp_path / "absent.toml")
    assert "absent.toml: (file): cannot be read" in problem


# --- the registry of dated versions ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (date(2022, 9, 1), 1),
        (date(2023, 6, 30), 1),
        (date(2024, 3, 31), 1),
        (date(2024, 4, 1), 2),
        (date(2030, 1, 1), 2),
    ],
)
def test_active_on_picks_the_latest_catalogue_in_force_that_day(day, version):
    assert load_registry(SHIPPED).active_on(day).version == version


def test_active_on_before_any_catalogue_is_a_clear_error():
    with pytest.raises(CatalogueNotFoundError, match="in force on 2022-08-31.*2022-09-01"):
        load_registry(SHIPPED).active_on(date(2022, 8, 31))


def test_get_returns_the_version_an_old_decision_used():
    registry = load_registry(SHIPPED)
    assert registry.get("worcs-default", 1).effective_from == date(2022, 9, 1)
    with pytest.raises(CatalogueNotFoundError, match="'worcs-default' version 9"):
        registry.get("worcs-default", 9)


def test_active_means_latest_effective_from_across_catalogue_ids(tmp_path):
    write(tmp_path, VALID, "a.toml")
    write(tmp_path, catalogue_text(id='"other"', effective_from="2025-01-01"), "b.toml")
    registry = load_registry(tmp_path)
    assert registry.active_on(date(2024, 12, 31)).id == "test"
    assert registry.active_on(date(2025, 1, 1)).id == "other"


def test_two_catalogues_starting_the_same_day_are_refused(tmp_path):
    write(tmp_path, VALID, "a.toml")
    write(tmp_path, catalogue_text(id='"other"'), "b.toml")
    same_day = r"catalogue.effective_from: same effective_from \(2024-01-01\)"
    with pytest.raises(CatalogueError, match=same_day) as caught:
        load_registry(tmp_path)
    assert "a.toml" in str(caught.value) and "b.toml" in str(caught.value)


def test_a_version_number_used_twice_is_refused(tmp_path):
    write(tmp_path, VALID, "a.toml")
    write(tmp_path, catalogue_text(effective_from="2025-01-01"), "b.toml")
    with pytest.raises(CatalogueError, match="b.toml: catalogue.version: version 1 is also"):
        load_registry(tmp_path)
    assert "version 1 is also used" in check_file(tmp_path)[0]


def test_one_bad_file_refuses_the_whole_folder(tmp_path):
    write(tmp_path, VALID, "a.toml")
    write(tmp_path, catalogue_text(version=2, effective_from="2025-01-01").replace(
        'outcomes = ["no_further_action", "advice_signposting"]', "outcomes = []"), "b.toml")
    with pytest.raises(CatalogueError, match="b.toml: level 1.outcomes"):
        load_registry(tmp_path)


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(CatalogueError, match=r"\*\.toml: no catalogue files found"):
        load_registry(tmp_path)


# --- the text view for `frontdoor thresholds show` -----------------------------------------


def test_catalogue_as_text_shows_levels_outcomes_and_every_indicator_by_domain(current):
    text = catalogue_as_text(current)
    assert "Catalogue worcs-default, version 2, in force from 2024-04-01" in text
    assert all(outcome in text for outcome in OUTCOMES)
    for indicator in current.indicators:
        assert f"{indicator.id}: {indicator.text}" in text
    assert text.index("Parenting capacity [PC]") < text.index("L4-PC-SAFETY-01")
    assert text.index("Ensuring safety [safety]") < text.index("L4-PC-SAFETY-01")
    assert "Cumulative escalation: 4 or more" in text
