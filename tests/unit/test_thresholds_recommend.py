"""Recommending a level of need: the highest tick wins, cumulative need can escalate."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from thresholds import (
    Catalogue,
    Dimension,
    Domain,
    Escalation,
    Indicator,
    Level,
    UnknownIndicatorError,
    load_catalogue,
    recommend,
)

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "levels_of_need"

OUTCOMES_BY_LEVEL = {
    1: ("no_further_action", "advice_signposting"),
    2: ("early_help", "advice_signposting"),
    3: ("targeted_early_help", "early_help"),
    4: ("referral_to_social_care", "strategy_discussion"),
}
NAMES = {1: "Universal", 2: "Additional", 3: "Complex", 4: "Specialist"}
DOMAINS = {"CD": "Child's developmental needs", "PC": "Parenting capacity",
           "FE": "Family and environmental factors"}


def indicator(ident: str) -> Indicator:
    """Build an indicator from an id such as "L3-PC-SAFETY-01"."""
    level, domain, dimension, _ = ident.split("-")
    return Indicator(ident, f"text of {ident}.", int(level[1]), domain, dimension.lower(), "doc")


def catalogue(*ids: str, escalation: Escalation | None = None) -> Catalogue:
    """A four-level catalogue holding exactly the indicators named."""
    indicators = tuple(indicator(i) for i in ids)
    domains = tuple(
        Domain(d, name, tuple(Dimension(i.dimension, i.dimension)
                              for i in indicators if i.domain == d))
        for d, name in DOMAINS.items()
    )
    levels = tuple(
        Level(n, NAMES[n], f"level {n}", "universal", OUTCOMES_BY_LEVEL[n]) for n in range(1, 5)
    )
    return Catalogue("test", 3, date(2024, 1, 1), "Test", "doc", levels, domains, indicators,
                     escalation)


MIXED = catalogue(
    "L1-CD-HEALTH-01", "L2-CD-HEALTH-01", "L2-FE-INCOME-01", "L3-CD-EDUCATION-01",
    "L3-PC-SAFETY-01", "L3-FE-HOUSING-01", "L3-FE-INCOME-01", "L4-PC-SAFETY-01",
    escalation=Escalation(from_level=3, count=3, domains=2, to_level=4),
)


def test_no_ticks_recommends_level_1_and_says_no_indicators_ticked():
    result = recommend(MIXED, [])
    assert result.level == 1
    assert result.drivers == ()
    assert result.allowed_outcomes == ("no_further_action", "advice_signposting")
    assert "no indicators ticked" in result.explanation
    assert not result.escalated


def test_highest_ticked_level_wins_and_its_ticks_are_the_drivers():
    result = recommend(MIXED, ["L2-CD-HEALTH-01", "L3-FE-HOUSING-01", "L2-FE-INCOME-01"])
    assert result.level == 3
    assert [d.id for d in result.drivers] == ["L3-FE-HOUSING-01"]
    assert result.allowed_outcomes == ("targeted_early_help", "early_help")


def test_every_tick_at_the_highest_level_drives_it_in_catalogue_order():
    result = recommend(MIXED, ["L2-FE-INCOME-01", "L3-FE-HOUSING-01", "L3-CD-EDUCATION-01"])
    assert [d.id for d in result.drivers] == ["L3-CD-EDUCATION-01", "L3-FE-HOUSING-01"]


def test_one_level_4_tick_is_enough_for_level_4():
    result = recommend(MIXED, ["L1-CD-HEALTH-01", "L4-PC-SAFETY-01"])
    assert (result.level, [d.id for d in result.drivers]) == (4, ["L4-PC-SAFETY-01"])
    assert result.allowed_outcomes == ("referral_to_social_care", "strategy_discussion")


def test_explanation_names_the_level_the_drivers_and_the_allowed_outcomes():
    text = recommend(MIXED, ["L3-FE-HOUSING-01", "L2-CD-HEALTH-01"]).explanation
    assert "level 3 (Complex)" in text
    assert "highest ticked indicator is at level 3: L3-FE-HOUSING-01" in text
    assert "1 indicator at lower levels" in text
    assert "targeted early help, early help" in text
    assert "catalogue test version 3" in text


def test_repeated_ticks_count_once():
    result = recommend(MIXED, ["L3-FE-HOUSING-01", "L3-FE-HOUSING-01"])
    assert len(result.drivers) == 1


def test_enough_level_3_needs_across_enough_domains_escalate_to_level_4():
    ticks = ["L3-CD-EDUCATION-01", "L3-PC-SAFETY-01", "L3-FE-HOUSING-01"]
    result = recommend(MIXED, ticks)
    assert (result.level, result.escalated) == (4, True)
    assert {d.id for d in result.drivers} == set(ticks)
    assert result.allowed_outcomes == OUTCOMES_BY_LEVEL[4]
    assert "cumulative escalation" in result.explanation
    assert "3 or more such needs across 2 or more domains to level 4" in result.explanation


def test_enough_needs_in_too_few_domains_do_not_escalate():
    catalogue_ = replace(MIXED, escalation=Escalation(3, 2, 2, 4))
    result = recommend(catalogue_, ["L3-FE-HOUSING-01", "L3-FE-INCOME-01"])
    assert (result.level, result.escalated) == (3, False)


def test_too_few_needs_do_not_escalate():
    result = recommend(MIXED, ["L3-CD-EDUCATION-01", "L3-PC-SAFETY-01"])
    assert (result.level, result.escalated) == (3, False)


def test_lower_level_ticks_do_not_count_towards_escalation():
    ticks = ["L3-CD-EDUCATION-01", "L3-PC-SAFETY-01", "L2-FE-INCOME-01", "L2-CD-HEALTH-01"]
    assert recommend(MIXED, ticks).level == 3


def test_no_escalation_rule_means_the_highest_tick_only():
    catalogue_ = replace(MIXED, escalation=None)
    ticks = ["L3-CD-EDUCATION-01", "L3-PC-SAFETY-01", "L3-FE-HOUSING-01", "L3-FE-INCOME-01"]
    assert recommend(catalogue_, ticks).level == 3


def test_unknown_indicator_id_is_refused_naming_it():
    with pytest.raises(UnknownIndicatorError, match="'L9-XX-NOPE-01'") as caught:
        recommend(MIXED, ["L3-FE-HOUSING-01", "L9-XX-NOPE-01"])
    assert caught.value.unknown == ("L9-XX-NOPE-01",)
    assert "catalogue 'test' version 3" in str(caught.value)


def test_a_single_string_instead_of_a_list_of_ids_is_refused():
    with pytest.raises(TypeError):
        recommend(MIXED, "L3-FE-HOUSING-01")


def test_shipped_catalogue_escalates_four_level_3_needs_over_two_domains():
    shipped = load_catalogue(SHIPPED / "worcestershire_2024.toml")
    ticks = ["L3-CD-HEALTH-01", "L3-CD-EDUCATION-01", "L3-FE-HOUSING-01", "L3-FE-INCOME-01"]
    assert recommend(shipped, ticks).level == 4
    assert recommend(shipped, ticks[:3]).level == 3


def test_shipped_previous_version_has_no_escalation():
    previous = load_catalogue(SHIPPED / "worcestershire_2022.toml")
    ticks = ["L3-CD-HEALTH-01", "L3-CD-EDUCATION-01", "L3-FE-HOUSING-01", "L3-FE-INCOME-01"]
    result = recommend(previous, ticks)
    assert (result.level, result.catalogue_version) == (3, 1)
