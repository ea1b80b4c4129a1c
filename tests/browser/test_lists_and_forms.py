"""The lists and the intake form at 1280 px and 375 px: usable on a phone, no serious
WCAG violation, photographed for the docs.

At 375 px the page itself must not scroll sideways: a wide table scrolls in its own
focusable container instead. A sort header is followed by keyboard alone, and the intake
form asks about an unusual date rather than refusing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}
PAGES = [("queue", "worker", "/queue", "My work"),
         ("allocation", "manager", "/allocation?show=all", "Allocation"),
         ("contact", "worker", "/contacts/{screening}", "Ben Seed")]
#: The screenshots this file takes (listed in docs/screenshots/README.md).
SHOTS = ("queue-375", "allocation-375", "contact-375", "new-contact-question",
         "new-contact-question-375", "queue-sorted")


def _checked(page: Any, name: str) -> None:
    problems = page_problems(page)
    violations = axe_scan(page)
    assert not violations, f"{name}: {describe(violations)}"
    assert not problems, f"{name}: {problems}"


@pytest.mark.parametrize(("name", "who", "path", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_a_list_at_375_px_scrolls_its_table_not_the_page(
        name: str, who: str, path: str, heading: str, open_context: Callable[..., Any],
        live_app: Any) -> None:
    page = open_context(as_=who, bypass_csp=True, viewport=PHONE).new_page()
    page.goto(path.format(**live_app.contacts))

    assert page.locator("h1").first.inner_text().startswith(heading)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], f"{name} is {overflow} px wide at 375 px"
    screenshot(page, f"{name}-375")
    _checked(page, f"{name} at 375 px")


def test_a_sort_header_is_followed_by_keyboard_and_says_its_order(
        open_context: Callable[..., Any]) -> None:
    page = open_context(as_="worker", bypass_csp=True, viewport=WIDE).new_page()
    page.goto("/queue")

    link = page.locator("th[aria-sort] a", has_text="Child")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/queue?*sort=child*")

    header = page.locator("th", has=page.locator("a", has_text="Child"))
    assert header.get_attribute("aria-sort") == "ascending"
    screenshot(page, "queue-sorted")
    _checked(page, "queue sorted by child")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "375"])
def test_a_contact_received_years_ago_is_asked_about_and_recorded_once_confirmed(
        viewport: dict[str, int], open_context: Callable[..., Any]) -> None:
    page = open_context(as_="worker", bypass_csp=True, viewport=viewport).new_page()
    page.goto("/contacts/new")
    page.locator("#received_at").fill("2019-03-04T09:00")
    page.locator("#source").select_option("6")
    first, last = ("Quinn", "Longago") if viewport is WIDE else ("Marigold", "Yesteryear")
    page.locator("#child-0-first_name").fill(first)  # two children nobody could mix up
    page.locator("#child-0-last_name").fill(last)
    page.locator("#concerns").fill("Synthetic concern for the browser test")
    page.get_by_role("button", name="Record contact").click()

    summary = page.locator(".govuk-error-summary")
    assert "is the date right?" in summary.inner_text()
    suffix = "" if viewport is WIDE else "-375"
    screenshot(page, f"new-contact-question{suffix}")
    _checked(page, "new contact question")
    page.get_by_label("Yes, the date it was received is right").check()
    page.get_by_role("button", name="Record contact").click()

    assert "Recorded 1 contact" in page.locator("main").inner_text()
