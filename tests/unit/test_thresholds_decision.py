"""Checking a worker's decision: the system recommends, the worker decides and says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from thresholds import (
    ThresholdDecisionError,
    UnknownIndicatorError,
    check_decision,
    load_catalogue,
)

CATALOGUE = load_catalogue(
    Path(__file__).resolve().parents[2] / "config" / "levels_of_need" / "worcestershire_2024.toml"
)
LEVEL_3 = ["L3-FE-HOUSING-01"]  # overcrowded or temporary accommodation
LEVEL_4 = ["L4-PC-SAFETY-02"]  # at risk of sexual exploitation


def decide(ticks, level, outcome, rationale="Seen the evidence; reasons recorded.",
           override_reason=None):
    return check_decision(CATALOGUE, ticks, level, outcome, rationale, override_reason)


def test_decision_at_the_recommended_level_matches_and_needs_no_signoff():
    check = decide(LEVEL_3, 3, "targeted_early_help")
    assert check.matches_recommendation
    assert not check.is_override and not check.needs_signoff
    assert (check.chosen_level, check.outcome) == (3, "targeted_early_help")
    assert check.recommendation.level == 3


def test_outcome_not_allowed_at_the_chosen_level_is_refused():
    with pytest.raises(ThresholdDecisionError) as caught:
        decide(LEVEL_3, 3, "strategy_discussion")
    assert caught.value.field == "outcome"
    assert "not an outcome at level 3" in caught.value.message
    assert "targeted_early_help" in caught.value.message


def test_outcome_outside_the_vocabulary_is_refused():
    with pytest.raises(ThresholdDecisionError, match="'section_47' is not a known outcome"):
        decide(LEVEL_4, 4, "section_47")


def test_level_outside_the_catalogue_is_refused():
    with pytest.raises(ThresholdDecisionError) as caught:
        decide(LEVEL_4, 5, "strategy_discussion")
    assert caught.value.field == "chosen_level"
    assert "choose one of 1, 2, 3, 4" in caught.value.message


def test_stepping_down_without_a_reason_is_refused():
    with pytest.raises(ThresholdDecisionError) as caught:
        decide(LEVEL_4, 3, "targeted_early_help", override_reason="  ")
    assert caught.value.field == "override_reason"
    assert "below the recommended level 4" in caught.value.message
    assert "give the reason" in caught.value.message


def test_stepping_down_with_a_reason_is_an_override_needing_signoff():
    check = decide(LEVEL_4, 3, "targeted_early_help",
                   override_reason="Older sibling's risk; this child already has a plan.")
    assert check.is_override and check.needs_signoff
    assert not check.matches_recommendation


@pytest.mark.parametrize("rationale", ["", "   ", "\n"])
def test_blank_rationale_is_refused(rationale):
    with pytest.raises(ThresholdDecisionError) as caught:
        decide(LEVEL_3, 3, "targeted_early_help", rationale=rationale)
    assert caught.value.field == "rationale"
    assert "write why you chose" in caught.value.message


def test_strategy_discussion_without_rationale_is_refused_citing_reasonable_cause():
    with pytest.raises(ThresholdDecisionError) as caught:
        decide(LEVEL_4, 4, "strategy_discussion", rationale="")
    assert caught.value.field == "rationale"
    assert "reasonable cause to suspect" in caught.value.message
    assert "R (AB & CD) v Haringey [2013]" in caught.value.message


def test_strategy_discussion_with_rationale_is_accepted():
    check = decide(LEVEL_4, 4, "strategy_discussion",
                   rationale="Disclosure to teacher of an adult grooming her online.")
    assert check.matches_recommendation and not check.needs_signoff


def test_higher_level_than_recommended_is_allowed_but_recorded_as_not_matching():
    check = decide(LEVEL_3, 4, "referral_to_social_care")
    assert not check.matches_recommendation
    assert not check.is_override and not check.needs_signoff


def test_no_ticks_and_universal_outcome_matches_level_1():
    check = decide([], 1, "advice_signposting")
    assert check.matches_recommendation and check.recommendation.level == 1


def test_unknown_ticked_indicator_is_refused():
    with pytest.raises(UnknownIndicatorError, match="'L4-XX-NONE-01'"):
        decide(["L4-XX-NONE-01"], 4, "strategy_discussion")
