"""Every rule of the process reads as a condition on the workflow page, never as its code."""

from __future__ import annotations

from workflow.engine.registry import actions
from workflow.engine.rule_words import RULE_WORDS


def _rule_names() -> set[str]:
    return {check.name for action in actions().values() for row in action.rows
            for check in (*row.guards, *row.when)}


def test_every_guard_and_selector_of_every_action_has_words() -> None:
    missing = sorted(_rule_names() - set(RULE_WORDS))
    assert not missing, f"give these rules words in workflow/engine/rule_words.py: {missing}"


def test_no_words_are_kept_for_a_rule_that_no_longer_exists() -> None:
    assert not sorted(set(RULE_WORDS) - _rule_names())


def test_the_words_are_a_condition_in_lower_case_with_no_code_left_in_them() -> None:
    for name, words in RULE_WORDS.items():
        assert "_" not in words, name
        assert words[0].islower(), name
        assert not words.endswith("."), name


def test_a_guard_and_a_selector_answer_with_their_words() -> None:
    rows = [row for row in actions()["hold_icpc"].rows]
    guards = {g.name: g.label for row in rows for g in row.guards}
    chosen = {w.name: w.label for row in rows for w in row.when}
    assert guards["conference_date_given"] == "the conference date is given"
    assert chosen["plan_is_true"] == "the conference made a child protection plan"
