"""In a browser: the police decide not to share, the inbox refuses it until the reason is
written, and a team manager finds the decision in the child's information-sharing ledger
and downloads it; the refused inbox and the ledger pass axe-core's WCAG 2.2 A/AA rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems

pytestmark = pytest.mark.browser
QUESTION = "Any intelligence about the address? (synthetic)"
REASON = "A live investigation would be prejudiced (synthetic)"


def _accessible(page: Any, what: str) -> None:
    violations = axe_scan(page)
    assert not violations, f"{what}:\n{describe(violations)}"
    assert not page_problems(page), what


def _asked(live_app: Any) -> tuple[int, int]:
    """A red contact in information gathering with one question to the police."""
    contact_id = live_app.record("Rue", "Withheld", screening=True, rag="red")
    live_app.act(contact_id, "send_to_mash", "worker")
    live_app.act(contact_id, "request_information", "worker", {
        "agency": "police", "question": QUESTION, "lawful_basis": "s47_enquiry",
        "authorised_by": "Mia Manager"})
    with live_app.app.extensions["uow"]() as uow:
        return contact_id, int(uow.contacts.get(contact_id).child_id)


def test_a_decision_not_to_share_from_the_inbox_to_the_managers_ledger(
        open_context: Callable[..., Any], live_app: Any) -> None:
    _contact_id, child_id = _asked(live_app)

    police = open_context(as_="partner", bypass_csp=True).new_page()
    police.goto(live_app.url("/inbox"))
    card = police.locator(".govuk-summary-card", has_text=QUESTION)
    card.get_by_label("Not shared", exact=True).check()
    card.get_by_label("Who decided not to share: name").fill("Insp. Example")
    card.get_by_role("button", name="Send answer").click()
    summary = police.locator(".govuk-error-summary")
    assert "Give the reason your agency did not share" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert police.locator("#not_shared_reason textarea").is_visible()
    _accessible(police, "the refused inbox")
    card = police.locator(".govuk-summary-card", has_text=QUESTION)
    card.get_by_label("Why your agency did not share").fill(REASON)
    card.get_by_label("Who decided not to share: role").fill("Public protection inspector")
    card.get_by_role("button", name="Send answer").click()
    assert "Your answer was sent." in police.locator(".govuk-notification-banner").inner_text()

    manager = open_context(as_="manager", bypass_csp=True).new_page()
    manager.goto(live_app.url(f"/people/{child_id}"))
    manager.get_by_role("link", name="Information sharing ledger").click()
    assert manager.locator("h1").inner_text() == "Rue Withheld"
    answered = manager.locator("table.app-sharing-ledger tr", has_text="Answered by the agency")
    text = answered.inner_text()
    assert "Not shared" in text and REASON in text
    assert "Insp. Example, Public protection inspector" in text and "Mia Manager" in text
    _accessible(manager, "the sharing ledger")
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Download as CSV").click()
    name = download.value.suggested_filename
    assert name.startswith(f"information-sharing-{child_id}-") and "Rue" not in name
