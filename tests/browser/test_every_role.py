"""Every role's first page after signing in, at 1280 px and at 375 px: the page a person
lands on works on a desktop and on a phone, with 0 serious or critical axe findings, no
sideways scroll of the page itself at 375 px (a wide table scrolls in its own box) and a
screenshot a reviewer can look at (docs/screenshots/home-<role>-<width>.png).

Each role lands where its work is (``/`` sends them there): the queue, the MASH inbox, the
performance page, the audits and so on; the journeys in the other files go further.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems, screenshot

ROLES = ("worker", "chair", "manager", "socialworker", "partner", "familyhelp", "admin",
         "head", "psw")
VIEWPORTS = {"1280": {"width": 1280, "height": 900}, "375": {"width": 375, "height": 812}}
#: The screenshots this file takes (listed in docs/screenshots/README.md).
SHOTS = tuple(f"home-{role.replace('_', '-')}-{width}" for role in ROLES for width in VIEWPORTS)


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_a_page_that_works_at_this_width(
        role: str, width: str, open_context: Callable[..., Any]) -> None:
    viewport = VIEWPORTS[width]
    page = open_context(as_=role, bypass_csp=True, viewport=viewport).new_page()
    answer = page.goto("/")

    assert answer is not None and answer.ok, f"{role}: {answer.status if answer else None}"
    assert "/sign-in" not in page.url, f"{role} was sent back to sign in"
    assert page.locator("h1").first.is_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= viewport["width"], f"{role}'s first page is {page_width} px wide"
    screenshot(page, f"home-{role.replace('_', '-')}-{width}")
    violations = axe_scan(page)
    assert not violations, f"{role} at {width} px: {describe(violations)}"
    assert not page_problems(page), f"{role} at {width} px: {page_problems(page)}"
