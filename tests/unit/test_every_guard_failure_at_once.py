"""A refused action names every rule the input failed, not only the first.

A person fixing a form wants every error in the GOV.UK error summary at once; one per
attempt makes them submit again and again.
"""

from __future__ import annotations

from typing import Any

import pytest

from workflow.engine.action import Guard
from workflow.engine.engine import check_all
from workflow.errors import GuardFailed, NotPermitted


def _fails(field: str, text: str) -> Guard[Any]:
    return Guard(f"{field}_given", lambda _ctx: (field, text), (field,))


def _holds(name: str) -> Guard[Any]:
    return Guard(name, lambda _ctx: None)


def test_every_failing_rule_is_reported_each_against_its_field() -> None:
    guards = [_fails("reason", "give the reason"), _holds("rag_given"),
              _fails("level", "choose a level of need")]

    with pytest.raises(GuardFailed) as refused:
        check_all(guards, ctx=None)  # type: ignore[arg-type]

    assert refused.value.errors == {"reason": "Give the reason.",
                                    "level": "Choose a level of need."}
    assert refused.value.field == "reason"  # the first stays the headline


def test_a_refusal_that_is_not_about_the_input_wins_at_once() -> None:
    not_yours = Guard("author_may_not_sign_off", lambda _ctx: ("action", "ask a manager"),
                      refusal=NotPermitted)

    with pytest.raises(NotPermitted):
        check_all([_fails("reason", "give the reason"), not_yours], ctx=None)  # type: ignore[arg-type]


def test_a_later_rule_that_presumes_an_earlier_one_does_not_hide_the_first_error() -> None:
    def presumes(_ctx: Any) -> Any:
        raise AttributeError("the earlier rule would have caught this")

    with pytest.raises(GuardFailed) as refused:
        check_all([_fails("team", "choose a team"), Guard("team_known", presumes)],
                  ctx=None)  # type: ignore[arg-type]

    assert refused.value.errors == {"team": "Choose a team."}


def test_a_rule_that_breaks_with_nothing_failed_before_it_is_not_swallowed() -> None:
    def broken(_ctx: Any) -> Any:
        raise AttributeError("a bug")

    with pytest.raises(AttributeError):
        check_all([Guard("broken", broken)], ctx=None)  # type: ignore[arg-type]
