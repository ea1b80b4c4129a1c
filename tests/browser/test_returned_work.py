"""A decision a manager returns, as the worker then finds it: at the top of the contact,
who returned it, when and what needs to change, until they decide again; and the page
still passes axe with the banner on it. Screenshots at 1280 and 375 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import axe_scan, describe, screenshot
from tests.browser.test_journeys import WHEN

pytestmark = pytest.mark.browser

CHANGE = "Weigh the school's attendance report before deciding (synthetic)."


def _awaiting_signoff(live_app: Any) -> int:
    from tests.builders import LEVEL_3_INDICATOR

    contact_id = live_app.record("Rae", "Returned", rag="amber")
    live_app.act(contact_id, "proceed_to_decision", "worker",
                 {"reason": "Nothing for partners to add (synthetic)"})
    live_app.act(contact_id, "decide", "worker", {
        "outcome": "no_further_action", "level": 1, "indicators": [LEVEL_3_INDICATOR],
        "rationale": "Universal services can help (synthetic)",
        "override_reason": "The worry is already in hand (synthetic)"})
    return int(contact_id)


def test_the_worker_finds_what_needs_to_change_at_the_top_of_the_contact(
        open_context: Callable[..., Any], live_app: Any) -> None:
    contact_id = _awaiting_signoff(live_app)
    manager = open_context(as_="manager").new_page()
    manager.goto(f"/contacts/{contact_id}")
    back = manager.locator("#action-return_decision")
    back.locator("summary").click()
    back.get_by_label("What needs to change").fill(CHANGE)
    back.get_by_role("button", name="Return the decision to the worker").click()

    worker = open_context(as_="worker", bypass_csp=True).new_page()
    worker.goto(f"/contacts/{contact_id}")
    banner = worker.locator("#returned")

    assert banner.is_visible()
    said = " ".join(banner.inner_text().split())
    assert said.startswith("Returned for changes Mia Manager returned the threshold decision on")
    assert WHEN.search(said) and said.endswith(f"What needs to change {CHANGE}")
    violations = axe_scan(worker)
    assert not violations, describe(violations)
    screenshot(worker, "contact-returned-1280", of=banner)
    worker.set_viewport_size({"width": 375, "height": 800})
    screenshot(worker, "contact-returned-375", of=banner)
