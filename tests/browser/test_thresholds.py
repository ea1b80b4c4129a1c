"""Levels of need in a real browser, as issue 4 asks to see it done.

A front-door worker opens the threshold decision, ticks level-4 indicators grouped by
domain and sees the recommendation change to level 4 as they tick (recommendation.mjs,
no page load, explained in the words the server's "Update recommendation" uses); tries
early help at level 4 and is stopped with the message at the outcome field, ticks kept;
chooses level 2 early help with an override reason and the contact waits for a
manager's sign-off, which the worker is not offered; a team manager signs it off and the
contact is in early help. The decision form, open with ticks, and the managers'
consistency page pass axe-core's WCAG 2.2 A/AA rules. Pages run with the app's CSP in
force, except the scans.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems

pytestmark = pytest.mark.browser

#: Level 4, in two domains: parenting capacity (safety) and the child's health.
ACUTE = {"L4-PC-SAFETY-01": "Parenting capacity", "L4-CD-HEALTH-01": "Child's developmental needs"}


def _at_decision(live_app: Any, first: str) -> int:
    """A contact walked by the worker to the threshold decision, through the services."""
    from tests.builders import fire, path_to, payload
    from workflow.stages import Stage

    contact_id = live_app.record(first, "Levels", hours_ago=2)
    rules, uow = live_app.app.extensions["rules"], live_app.app.extensions["uow"]
    version = 1
    for step in path_to(Stage.THRESHOLD_DECISION):
        now = datetime.now(UTC)
        version = fire(uow(), rules, contact_id, step.trigger, live_app.actor("worker"),
                       payload(step.trigger, now, step.variant), version, now)["version"]
    return contact_id


def _open_decision(page: Any) -> Any:
    decide = page.locator("#action-decide")
    if decide.get_attribute("open") is None:
        decide.locator("summary").first.click()
    return decide


def _tick(decide: Any, indicator: str, domain: str) -> None:
    """Open the indicator's domain (each is a <details>) and tick it by its label."""
    group = decide.locator("details.govuk-details", has=decide.page.locator(f"#ind-{indicator}"))
    if group.get_attribute("open") is None:
        group.get_by_text(domain, exact=True).click()
    box = decide.locator(f"#ind-{indicator}")
    label = decide.locator(f"label[for='ind-{indicator}']").inner_text()
    assert label.startswith(f"Level {indicator[1]}: ")
    decide.get_by_label(label).check()
    assert box.is_checked()


def _heading(page: Any) -> str:
    return " ".join(page.locator("h1").first.inner_text().split())


def _explanation(decide: Any) -> str:
    return " ".join(decide.locator("#recommendation p").first.inner_text().split())


def _recommended(decide: Any) -> str:
    return decide.locator("#recommendation h4").inner_text().strip()


def test_worker_ticks_level_4_is_stopped_at_early_help_overrides_and_a_manager_signs_off(
        open_context: Callable[..., Any], live_app: Any) -> None:
    contact_id = _at_decision(live_app, "Rowan")
    worker = open_context(as_="worker").new_page()
    worker.goto(f"/contacts/{contact_id}")
    decide = _open_decision(worker)
    assert _recommended(decide) == "Recommended: level 1"

    # The recommendation follows the ticks, without a page load.
    worker.evaluate("window.samePage = true")
    for indicator, domain in ACUTE.items():
        _tick(decide, indicator, domain)
    assert _recommended(decide) == "Recommended: level 4"
    assert worker.evaluate("window.samePage === true")
    _tick(decide, "L2-FE-HOUSING-01", "Family and environmental factors")
    live = _explanation(decide)
    assert "highest ticked indicator is at level 4" in live
    assert "L4-PC-SAFETY-01" in live and "referral to children's social care" in live
    # Without the script the button asks the server: it explains in the same words.
    decide.get_by_role("button", name="Update recommendation").click()
    decide = _open_decision(worker)
    assert _explanation(decide) == live
    assert "(also ticked: 1 indicator at lower levels)" in live

    # Early help is not an outcome at level 4: stopped at the outcome field, ticks kept.
    decide.get_by_label("Level 4", exact=True).check()
    decide.get_by_label("Early help", exact=True).check()
    decide.get_by_label("Rationale").fill("Family asks for support; school has concerns.")
    decide.get_by_role("button", name="Record the threshold decision").click()
    decide = _open_decision(worker)
    error = decide.locator("#decide-outcome-error")
    assert "Early help is not an outcome at level 4" in error.inner_text()
    assert "There is a problem" in worker.locator(".govuk-error-summary").inner_text()
    assert all(decide.locator(f"#ind-{i}").is_checked() for i in ACUTE)
    assert _recommended(decide) == "Recommended: level 4"

    # Level 2 early help below the recommended 4: an override, with its reason.
    decide.get_by_label("Level 2", exact=True).check()
    decide.get_by_label("Early help", exact=True).check()
    decide.get_by_label("Reason for choosing a level below the recommendation").fill(
        "Mother engaging with the school nurse; risk now managed at home.")
    decide.get_by_role("button", name="Record the threshold decision").click()
    assert "Awaiting manager sign-off" in _heading(worker)
    pending = worker.locator(".govuk-summary-list__row", has_text="Awaiting sign-off")
    assert "below recommended level 4 by Tess Worker" in pending.inner_text()
    assert worker.locator("#action-sign_off").count() == 0  # not offered to the worker

    manager = open_context(as_="manager").new_page()
    manager.goto(f"/contacts/{contact_id}")
    sign_off = manager.locator("#action-sign_off")
    sign_off.locator("summary").click()
    sign_off.get_by_role("button", name="Sign off the override").click()
    assert "Family Help" in _heading(manager)  # the stepped-down stage's title
    decision = manager.locator(".govuk-summary-list__row", has_text="Threshold decision")
    text = " ".join(decision.inner_text().split())
    assert "Level 2, Family Help (stepped down) by Tess Worker (recommended level 4)" in text
    assert "judged against Levels of need, Worcestershire-shaped default (2024), version 2" \
        in text
    assert "override signed off by Mia Manager" in text


def test_the_decision_form_open_with_ticks_passes_axe(open_context: Callable[..., Any],
                                                      live_app: Any) -> None:
    contact_id = _at_decision(live_app, "Sasha")
    page = open_context(as_="worker", bypass_csp=True).new_page()
    page.goto(f"/contacts/{contact_id}")
    decide = _open_decision(page)
    for indicator, domain in ACUTE.items():
        _tick(decide, indicator, domain)
    assert _recommended(decide) == "Recommended: level 4"

    violations = axe_scan(page)

    assert not violations, describe(violations)
    assert page_problems(page) == []


def test_the_consistency_page_passes_axe(open_context: Callable[..., Any],
                                         live_app: Any) -> None:
    page = open_context(as_="manager", bypass_csp=True).new_page()
    page.goto("/oversight/consistency")
    assert page.locator("h1").inner_text().startswith("Threshold consistency")

    violations = axe_scan(page)

    assert not violations, describe(violations)
