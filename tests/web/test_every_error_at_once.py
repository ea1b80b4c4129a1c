"""A form sent with several things missing says all of them at once, each linked to its
field in the GOV.UK error summary, so the worker fixes everything in one go."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.web.conftest import Browser, Contacts, text_of
from tests.web.test_one_command_path import error_summary
from workflow.stages import Stage


def test_holding_a_strategy_discussion_with_nothing_filled_in_lists_every_error(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.STRATEGY_DISCUSSION)
    who = signed_in("social_worker")

    response = who.post(f"/contacts/{contact}/actions/hold_strategy_discussion",
                        {"version": str(contacts.version(contact))})

    body = text_of(response)
    summary = error_summary(body)
    assert response.status_code == 422
    assert len(summary) >= 3, summary
    for field in summary:
        assert re.search(rf'id="{re.escape(field)}(-error)?"', body), field
    assert contacts.stage(contact) == "strategy_discussion"  # nothing was recorded
