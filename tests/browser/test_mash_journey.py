"""The MASH in a real browser, as issue 5 asks to see it done.

A worker sends information requests to police and health; the police practitioner
answers from the agency inbox; health goes overdue and shows red on the contact and on
the agency performance table; a MASH chair records the day's meeting and the joint
decision, which the worker then sees beside the decision form.

"Health goes overdue" needs time to pass: the test moves the health request's sent and
due instants three hours back in the database (an arrangement step, like seeding), and
everything after that is read from the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.browser.helpers import axe_scan, describe

pytestmark = pytest.mark.browser


def _open(page: Any, trigger: str) -> Any:
    action = page.locator(f"#action-{trigger}")
    action.locator("summary").click()
    return action


def _banner(page: Any) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def _ask(page: Any, agency: str, question: str) -> None:
    form = _open(page, "request_information")
    form.get_by_label("Agency", exact=True).select_option(label=agency)
    form.get_by_label("Question for the agency").fill(question)
    form.get_by_label("Lawful basis for sharing").select_option("public_task")
    form.get_by_label("Authorised by").fill("Mia Manager")
    form.get_by_role("button", name="Ask a partner agency for information").click()
    assert "Ask a partner agency for information: done." in _banner(page)


def _health_three_hours_ago(live_app: Any, contact_id: int) -> None:
    from workflow.persistence.tables_mash import InfoRequestRow

    with live_app.app.extensions["store"].sessions() as db:
        row = db.scalars(select(InfoRequestRow).where(
            InfoRequestRow.contact_id == contact_id, InfoRequestRow.agency == "health")).one()
        row.requested_at -= timedelta(hours=3)
        row.due_at = row.requested_at + timedelta(hours=2)  # red: 2 real hours
        db.commit()


def test_requests_answers_overdue_and_the_meeting_in_a_browser(
        open_context: Callable[..., Any], live_app: Any) -> None:
    contact_id = live_app.record("Nell", "Mashford", screening=True, rag="red")
    path = f"/contacts/{contact_id}"

    # The worker sends the contact to MASH and asks police and health.
    worker = open_context(as_="worker").new_page()
    worker.goto(path)
    _open(worker, "send_to_mash").get_by_role(
        "button", name="Send to MASH information gathering").click()
    _ask(worker, "Police", "Any call-outs to the address?")
    _ask(worker, "Health services (ICB, GP, health visiting, school nursing, hospital)",
         "Registered with a GP?")
    rows = worker.locator("table.app-requests tbody tr")
    assert rows.count() == 2

    # The police practitioner lands on the inbox, sees only the police question, answers.
    police = open_context(as_="partner").new_page()
    police.goto("/")
    assert police.url.endswith("/inbox")
    inbox = police.locator("main").inner_text()
    assert "Any call-outs to the address?" in inbox and "Nell Mashford" in inbox
    assert "Registered with a GP?" not in inbox
    police.get_by_label("Shared", exact=True).check()
    police.get_by_label("Your answer").fill("Two call-outs in May (synthetic).")
    police.get_by_label("Lawful basis your agency shares on").select_option("s47_enquiry")
    police.get_by_role("button", name="Send answer").click()
    assert "Your answer was sent." in _banner(police)
    assert police.goto("/queue").status == 403

    # Health goes overdue: red on the contact and on the agency performance table.
    _health_three_hours_ago(live_app, contact_id)
    worker.goto(path)
    health_row = worker.locator("table.app-requests tr", has_text="Registered with a GP?")
    assert health_row.locator(".app-overdue-tag").is_visible()
    police_row = worker.locator("table.app-requests tr", has_text="Any call-outs")
    assert "Two call-outs in May (synthetic)." in police_row.inner_text()
    chair = open_context(as_="chair").new_page()
    chair.goto("/mash/agencies")
    table_row = chair.locator("table.app-agency-performance tr", has_text="Health services")
    assert table_row.locator(".app-overdue-tag").is_visible()

    # The chair opens today's meeting, records who came, the agenda and the joint decision.
    chair.goto("/mash/meetings")
    chair.get_by_role("button", name="Open the meeting").click()
    assert "is open" in _banner(chair)
    for agency, name in (("police", "DS Sample"), ("health", "Nurse Example")):
        chair.locator("summary", has_text="Record an attendee").click()
        chair.get_by_label("Agency", exact=True).select_option(agency)
        chair.get_by_label("Name", exact=True).fill(name)
        chair.get_by_role("button", name="Record attendee").click()
    chair.get_by_label("Contact (in information gathering").select_option(str(contact_id))
    chair.get_by_role("button", name="Add to the agenda").click()
    item = chair.locator(f"#item-{contact_id}")
    item.locator("summary").click()
    item.get_by_label("View of Police").fill("Two call-outs in May")
    item.get_by_label("View of Health services").fill("Not registered with a GP")
    item.get_by_label("Referral to social care (assessment)").check()
    item.get_by_label("Rationale").fill("Both agencies hold concerns (synthetic)")
    item.get_by_role("button", name="Record the joint decision").click()
    assert "Joint decision recorded" in _banner(chair)

    # The worker sees the recommendation beside the decision, and the meeting that held it.
    worker.goto(path)
    recommendation = worker.locator("#mash-recommendation").inner_text()
    assert "Referral to social care (assessment)" in recommendation
    assert worker.locator("#mash-meetings").is_visible()


@pytest.mark.parametrize(("who", "path"), [("partner", "/inbox"), ("chair", "/mash/meetings"),
                                           ("manager", "/mash/agencies")])
def test_the_mash_pages_pass_axe(open_context: Callable[..., Any], live_app: Any,
                                 who: str, path: str) -> None:
    page = open_context(as_=who, bypass_csp=True).new_page()
    page.goto(path)

    violations = axe_scan(page)

    assert not violations, describe(violations)
