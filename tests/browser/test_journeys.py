"""What people see when they use Front Door in a real browser.

Each role signs in through the form and lands where their work is. A front-door worker
records a contact for two siblings, screens the first and rates it red, and finds it in
the queue with its timeline and clocks. Two workers editing the same contact at once:
the second is told someone else changed it, sees the latest state and keeps what they
typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

#: How the pages show a date and time (web.views.when), e.g.
#: "Wednesday 4 March 2026 at 5pm" (GOV.UK style, London time).
WHEN = re.compile(r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4} at "
                  r"(\d{1,2}(:\d{2})?(am|pm)|midday|midnight)")
REFERENCE = re.compile(r"FD\d{7}")


def _heading(page: Any) -> str:
    return page.locator("h1").first.inner_text().strip()


def _text(locator: Any) -> str:
    """The words a screen reader gets (visually hidden text included), spaces tidied."""
    return " ".join((locator.text_content() or "").split())


def _sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.url.endswith("/sign-in")
    assert "You have signed out." in page.locator(".govuk-notification-banner").inner_text()


@pytest.mark.parametrize(("who", "path", "heading"), [
    ("worker", "/queue", "My work"),
    ("chair", "/queue", "My work"),
    ("manager", "/queue", "My work"),
    ("socialworker", "/queue", "My work"),
    ("admin", "/admin/users", "Users and sessions"),
    ("psw", "/audits", "Case audits"),
])
def test_each_role_lands_on_its_own_page(open_context: Callable[..., Any], live_app: Any,
                                         who: str, path: str, heading: str) -> None:
    page = open_context().new_page()
    person = live_app.people[who]
    sign_in(page, person.username, person.password)
    assert page.url == live_app.url(path)
    assert _heading(page) == heading
    assert f"Signed in as {person.display}" in page.locator(".app-account").inner_text()
    if who == "worker":  # signing out is the same for everyone: check it once
        _sign_out(page)
        page.goto("/queue")
        assert page.url.startswith(live_app.url("/sign-in"))


def test_partner_lands_on_a_working_page(open_context: Callable[..., Any],
                                         live_app: Any) -> None:
    """A partner agency practitioner signs in and "/" sends them to /inbox.

    When this was written the committed app had no /inbox route, so partners landed on
    "Page not found"; this test fails until "/" gives them a real page.
    """
    page = open_context().new_page()
    person = live_app.people["partner"]
    landed = sign_in(page, person.username, person.password)
    assert page.url == live_app.url("/inbox")
    assert landed is not None and landed.status == 200, \
        f"a partner's start page answers {landed and landed.status}: {_heading(page)!r}"
    assert _heading(page) not in ("Page not found", "You do not have permission to do this")
    assert f"Signed in as {person.display}" in page.locator(".app-account").inner_text()


def test_wrong_password_is_refused_with_the_form_kept(open_context: Callable[..., Any],
                                                      live_app: Any) -> None:
    page = open_context().new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(live_app.people["worker"].username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct username and password." in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Username").input_value() == live_app.people["worker"].username


def _open_action(page: Any, trigger: str) -> Any:
    """Open one action's <details> on the contact page and return it."""
    action = page.locator(f"#action-{trigger}")
    action.locator("summary").click()
    return action


def test_worker_records_siblings_screens_and_rates_red(open_context: Callable[..., Any],
                                                       live_app: Any) -> None:
    page = open_context().new_page()
    worker = live_app.people["worker"]
    sign_in(page, worker.username, worker.password)

    # Record one contact for two brothers.
    page.get_by_role("link", name="New contact").click()
    assert _heading(page) == "Record a new contact"
    assert page.get_by_label("When was it received? (UK time)").input_value()
    page.get_by_label("Referral source (CIN census code)").select_option("2A")
    page.get_by_label("Referrer (name and organisation)").fill("Ms Head, Hill Primary")
    for i, (first, dob) in enumerate([("Jay", "2016-05-01"), ("Kit", "2019-09-12")]):
        child = page.locator("fieldset.app-child").nth(i)
        child.get_by_label("First name").fill(first)
        child.get_by_label("Last name").fill("Browser")
        child.get_by_label("Date of birth", exact=True).fill(dob)
    page.get_by_label("What are the concerns?").fill("Both boys arrived hungry all week.")
    page.get_by_role("button", name="Record contact").click()

    banner = page.locator(".govuk-notification-banner--success")
    refs = REFERENCE.findall(banner.inner_text())
    assert "Recorded 2 contacts" in banner.inner_text()
    assert len(refs) == 2 and refs[0] != refs[1], banner.inner_text()
    first = refs[0]

    # Open the first from My work.
    page.get_by_role("link", name="My work").click()
    row = page.locator("tr", has=page.get_by_role("link", name=first, exact=True))
    assert "Jay Browser" in row.inner_text()
    row.get_by_role("link", name=first).click()
    assert page.locator(".govuk-caption-l").inner_text() == f"Contact {first}"
    assert _heading(page).startswith("Jay Browser")
    assert page.get_by_role("link", name=refs[1]).count() == 1  # the sibling is linked

    # Start screening, then rate it red with a reason.
    _open_action(page, "start_screening").get_by_role(
        "button", name="Start screening").click()
    assert "Start screening: done." in page.locator(".govuk-notification-banner").inner_text()
    assert "Screening" in page.locator("h1 .govuk-tag").inner_text()
    rate = _open_action(page, "rate")
    rate.get_by_label("Red").check()
    rate.get_by_label("Reason").fill("Younger child has an unexplained bruise")
    rate.get_by_role("button", name="Set or change the RAG rating").click()
    assert "Set or change the RAG rating: done." in page.locator(
        ".govuk-notification-banner").inner_text()
    assert _text(page.locator("h1 .app-rag--red")) == "RAG rating: Red"

    # The queue shows it with a Red badge.
    page.get_by_role("link", name="My work").click()
    row = page.locator("tr", has=page.get_by_role("link", name=first, exact=True))
    assert _text(row.locator(".app-rag")) == "RAG rating: Red"
    assert row.locator(".app-rag--red").is_visible()
    row.get_by_role("link", name=first).click()

    # The timeline: newest first, each action with who did it and why.
    items = page.locator(".moj-timeline__item")
    titles = [t.strip() for t in page.locator(".moj-timeline__title").all_inner_texts()]
    assert titles[0] == "Set or change the RAG rating"
    assert titles[1].startswith("Start screening")
    assert titles[-1].startswith("Contact received")
    rated = items.nth(0).inner_text()
    assert f"by {worker.display} (Front door worker)" in rated
    assert "Reason: Younger child has an unexplained bruise" in rated
    assert re.search(r"RAG rating\s+Red", rated), rated  # the rating, in the form's words
    assert f"by {worker.display}" in items.nth(1).inner_text()

    # The clocks table: the decision clock, with the day and time it is due.
    clocks = page.locator("table.app-clocks")
    decision = clocks.locator("tbody tr", has_text="Decision on a contact")
    assert decision.count() >= 1
    cells = decision.first.locator("td").all_inner_texts()
    assert WHEN.search(cells[2]), f"no due date in {cells}"
    assert re.search(r"(left|late|Met)", cells[3]), cells


def test_stale_form_keeps_what_the_second_worker_typed(open_context: Callable[..., Any],
                                                       live_app: Any) -> None:
    contact_id = live_app.record("Lou", "Race", screening=True)
    path = f"/contacts/{contact_id}"
    page_a = open_context(as_="worker").new_page()
    page_b = open_context(as_="worker2").new_page()
    page_a.goto(path)
    page_b.goto(path)
    assert "Version" in page_b.locator(".govuk-summary-list").first.inner_text()

    rate_a = _open_action(page_a, "rate")
    rate_a.get_by_label("Red").check()
    rate_a.get_by_label("Reason").fill("A: police report overnight")
    rate_a.get_by_role("button", name="Set or change the RAG rating").click()
    page_a.locator("h1 .app-rag--red").wait_for()  # count() alone would not wait for the page
    assert page_a.locator("h1 .app-rag--red").count() == 1

    # B still has the page as it was before A's change.
    assert page_b.locator("h1 .app-rag--none").count() == 1
    rate_b = _open_action(page_b, "rate")
    rate_b.get_by_label("Amber").check()
    rate_b.get_by_label("Reason").fill("B: school called with more detail")
    rate_b.get_by_role("button", name="Set or change the RAG rating").click()

    stale = page_b.locator("#stale")
    stale.wait_for()
    assert stale.is_visible()
    assert "Someone else changed this contact" in stale.inner_text()
    assert "What you typed is kept in the form below" in stale.inner_text()
    # The latest state: A's red rating and A's action in the timeline.
    assert page_b.locator("h1 .app-rag--red").count() == 1
    assert "A: police report overnight" in page_b.locator(".moj-timeline").inner_text()
    # B's input is still there, the form open, ready to send again.
    rate_b = page_b.locator("#action-rate")
    assert rate_b.get_attribute("open") is not None
    assert rate_b.get_by_label("Reason").input_value() == "B: school called with more detail"
    assert rate_b.get_by_label("Amber").is_checked()
