"""Every main page passes axe-core's WCAG 2.2 A/AA rules, and is photographed for the docs.

Each page is opened as the person who would use it, in its interesting state (the new
contact form also with its errors showing), checked for what the user sees, saved as a
full-page screenshot in docs/screenshots/ and scanned with axe-core. Any serious or
critical violation fails the test and is printed with where it is. Ids used twice and
error-summary links that go nowhere fail it too (axe's WCAG 2.2 tags no longer check
duplicate ids, and it never follows links).

axe-core is injected as an inline script, which the app's Content-Security-Policy
(rightly) refuses, so these contexts are made with ``bypass_csp=True``; the journeys and
test_network.py run with the CSP in force.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.helpers import SCREENSHOTS, axe_scan, describe, page_problems, screenshot
from tests.browser.test_every_role import SHOTS as ROLE_SHOTS
from tests.browser.test_lists_and_forms import SHOTS as LIST_SHOTS
from tests.browser.test_one_definition import SHOTS as JOURNEY_SHOTS
from tests.browser.test_people_journey import SHOTS as PEOPLE_SHOTS

pytestmark = pytest.mark.browser


def _submit_empty_contact(page: Any) -> None:
    page.get_by_role("button", name="Record contact").click()


def _sign_in_wrongly(page: Any) -> None:
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()


def _rate_without_reason(page: Any) -> None:
    action = page.locator("#action-rate")
    action.locator("summary").click()
    action.get_by_label("Green").check()
    action.get_by_role("button", name="Set or change the RAG rating").click()


def _draw_nothing(page: Any) -> None:
    page.get_by_label("Team (at random)").select_option("")
    page.get_by_role("button", name="Draw the sample").click()


@dataclass(frozen=True)
class Case:
    """One page to check: who opens it, where, what to do there, what they must see."""

    id: str
    who: str | None
    path: str
    heading: str
    shot: str | None = None
    then: Callable[[Any], None] | None = None
    sees: str = ""


CASES = [
    Case("sign-in", None, "/sign-in", "Sign in to Front Door", "sign-in"),
    Case("sign-in-error", None, "/sign-in", "Sign in to Front Door", then=_sign_in_wrongly,
         sees="Enter a correct username and password."),
    Case("queue", "worker", "/queue", "My work", "queue", sees="Showing 1 to"),
    Case("new-contact", "worker", "/contacts/new", "Record a new contact", "new-contact"),
    Case("new-contact-errors", "worker", "/contacts/new", "Record a new contact",
         "new-contact-errors", then=_submit_empty_contact, sees="There is a problem"),
    Case("contact", "worker", "/contacts/{screening}", "Ben Seed", "contact",
         sees="Timescales"),
    Case("contact-refused", "worker", "/contacts/{screening}", "Ben Seed",
         then=_rate_without_reason, sees="Give a reason"),
    Case("allocation", "manager", "/allocation?show=all", "Allocation", "allocation",
         sees="Allocate"),
    Case("workflow", "worker", "/workflow", "The workflow", "workflow",
         sees="Rules checked"),
    Case("admin-users", "admin", "/admin/users", "Users and sessions", "admin-users",
         sees="End sessions"),
    Case("audits", "psw", "/audits", "Case audits", sees="Draw a sample of cases"),
    Case("audits-errors", "psw", "/audits", "Case audits", then=_draw_nothing,
         sees="There is a problem"),
    Case("learning-partner", "partner", "/audits/learning", "Learning from audits",
         sees="No theme has been shared for this quarter."),
    Case("403", "worker", "/admin/users", "You do not have permission to do this"),
    Case("404", "worker", "/no-such-page", "Page not found"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_page_has_no_serious_wcag_violations(case: Case, open_context: Callable[..., Any],
                                             live_app: Any) -> None:
    page = open_context(as_=case.who, bypass_csp=True).new_page()
    page.goto(case.path.format(**live_app.contacts))
    if case.then is not None:
        case.then(page)
    assert page.locator("h1").first.inner_text().startswith(case.heading)
    if case.sees:
        assert case.sees in page.locator("main").inner_text()
    if case.shot:
        screenshot(page, case.shot)
    problems = page_problems(page)
    violations = axe_scan(page)
    if violations:
        print(f"\naxe on {case.id} ({page.url}):\n{describe(violations)}")
    assert not violations, f"{case.id}: serious/critical WCAG violations:\n" \
        f"{describe(violations)}"
    assert not problems, f"{case.id}: {problems}"


def test_screenshot_readme_lists_every_screenshot() -> None:
    """docs/screenshots/README.md describes exactly the screenshots these tests take."""
    listed = set(re.findall(r"`([\w-]+)\.png`", (SCREENSHOTS / "README.md").read_text()))
    assert listed == {c.shot for c in CASES if c.shot} | set(JOURNEY_SHOTS) | \
        set(PEOPLE_SHOTS) | set(LIST_SHOTS) | set(ROLE_SHOTS)
