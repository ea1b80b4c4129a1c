"""Casework in a real browser: strategy discussions, section 47, assessments.

A social worker records a strategy discussion where the police were not invited and is
told to say why, at the police's row; with the reason it is recorded. Starting the
section 47 enquiry puts the conference target on the contact. An assessment with a visit
is submitted by its social worker, found by a team manager in the authorisation queue,
authorised with no further action, and the case closes with RC8.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems
from tests.builders import OnService, walk_to
from web.views import when
from workflow.persistence.tables import ContactRow
from workflow.stages import Stage

pytestmark = pytest.mark.browser
LONDON = ZoneInfo("Europe/London")


def _walked(live_app: Any, first: str, stage: Stage) -> int:
    """A contact recorded through the services and walked to ``stage`` (tests.builders)."""
    contact_id = live_app.record(first, "Strategy", hours_ago=3)
    app = live_app.app
    with app.extensions["store"].read() as db:
        version = db.get(ContactRow, contact_id).version
    driver = OnService(app.extensions["uow"], app.extensions["rules"], contact_id, version,
                       datetime.now(UTC) - timedelta(hours=2))
    walk_to(driver, stage)
    # Past the front door the case is a team's: the social worker's, so it is theirs to open.
    live_app.allocate(contact_id, "assessment-1", live_app.people["socialworker"].username)
    return contact_id


def _action(page: Any, trigger: str) -> Any:
    action = page.locator(f"#action-{trigger}")
    if action.get_attribute("open") is None:
        action.locator("summary").click()
    return action


def _banner(page: Any) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def _fill_discussion(form: Any, held: datetime) -> None:
    form.locator('input[name="held_at"]').fill(held.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Chaired by").fill("Mia Manager")
    for agency, status in (("la_social_worker", "attended"), ("police", "not_invited"),
                           ("health", "attended"), ("education", "written")):
        form.locator(f'select[name="participation_{agency}"]').select_option(status)
    form.get_by_label("Section 47 enquiry initiated").check()
    form.get_by_label("Reasonable cause to suspect significant harm").fill(
        "Unexplained bruising to a non-mobile baby")
    form.get_by_label("Rationale").fill("Health confirm the injury is not accidental")


def test_police_absent_needs_a_reason_and_section_47_shows_the_conference_target(
        open_context: Callable[..., Any], live_app: Any) -> None:
    contact_id = _walked(live_app, "Dana", Stage.STRATEGY_DISCUSSION)
    page = open_context(as_="socialworker").new_page()
    page.goto(f"/contacts/{contact_id}")
    held = (datetime.now(UTC) - timedelta(minutes=30)).replace(second=0, microsecond=0)

    form = _action(page, "hold_strategy_discussion")
    _fill_discussion(form, held)
    form.get_by_role("button", name="Record a strategy discussion").click()

    summary = page.locator(".govuk-error-summary")
    assert "Police did not contribute: record why." in summary.inner_text()
    assert page_problems(page) == []
    form = _action(page, "hold_strategy_discussion")
    assert form.locator('select[name="participation_police"]').input_value() == "not_invited"
    assert form.get_by_label("Rationale").input_value() == \
        "Health confirm the injury is not accidental"
    form.get_by_label("Reason for Police", exact=True).fill(
        "No offence alleged yet; police briefed by phone afterwards")
    form.get_by_role("button", name="Record a strategy discussion").click()

    assert "Record a strategy discussion: done." in _banner(page)
    card = page.locator(".app-discussion").first
    assert "chaired by Mia Manager" in card.inner_text()
    assert "No offence alleged yet" in card.inner_text()

    start = _action(page, "start_section_47")
    start.get_by_label("Reasonable cause to suspect significant harm").fill(
        "Unexplained bruising to a non-mobile baby")
    start.get_by_role("button", name="Start a section 47 enquiry").click()

    assert "Start a section 47 enquiry: done." in _banner(page)
    rules = live_app.app.extensions["rules"]
    due = rules.timescales.rule("icpc", held.date()).due(held, rules.calendar)
    assert page.locator("#icpc-target").inner_text().strip() == when(due)
    assert "Initiated the section 47 enquiry" in page.locator(".app-discussion").inner_text()


def test_an_assessment_with_a_visit_is_authorised_by_a_manager_and_closes_with_rc8(
        open_context: Callable[..., Any], live_app: Any) -> None:
    contact_id = _walked(live_app, "Eli", Stage.ASSESSMENT)
    reference = f"FD{contact_id:07d}"

    # The social worker records a visit and submits the assessment with its factors.
    worker = open_context(as_="socialworker").new_page()
    worker.goto(f"/contacts/{contact_id}/assessment")
    visit = _action(worker, "record_visit")
    visited = datetime.now(UTC) - timedelta(minutes=20)
    visit.locator('input[name="visited_at"]').fill(
        visited.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"))
    visit.get_by_label("Yes").first.check()  # the child was seen
    visit.locator('input[name="seen_alone"][value="yes"]').check()
    visit.get_by_role("button", name="Record a visit to the child").click()
    assert "Record a visit to the child: done." in _banner(worker)
    worker.goto(f"/contacts/{contact_id}/assessment")
    assert worker.locator("#visits tbody tr").count() == 1
    submit = _action(worker, "submit_assessment")
    submit.get_by_label("3B: Domestic abuse (parent/carer)").check()
    submit.get_by_label("16A: Neglect").check()
    submit.get_by_label("Summary of the assessment and its recommendation").fill(
        "Parents engaged; risks managed by universal services")
    submit.get_by_role("button", name="Submit the assessment for authorisation").click()
    assert "Submit the assessment for authorisation: done." in _banner(worker)

    # The manager finds it in the queue and authorises it: no further action.
    manager = open_context(as_="manager").new_page()
    manager.goto("/queue")
    manager.get_by_role("link", name="Authorise assessments").click()
    row = manager.locator("#authorise-queue tr", has_text=reference)
    assert "by Sam Social" in row.inner_text() and "3B, 16A" in row.inner_text()
    row.get_by_role("link", name=reference).click()
    factors = manager.locator("#assessment-factors").inner_text()
    assert "3B: Domestic abuse (parent/carer)" in factors
    authorise = _action(manager, "complete_assessment")
    authorise.get_by_label("No further action (RC8)").check()
    authorise.get_by_role("button", name="Authorise the assessment").click()

    assert "Authorise the assessment: done." in _banner(manager)
    assert "Closed" in manager.locator("h1 .govuk-tag").inner_text()
    assert manager.locator("#closure-reason").inner_text().startswith(
        "Reason for closure (CIN census): RC8")
    manager.goto("/assessments/authorise")
    assert manager.locator("#authorise-queue", has_text=reference).count() == 0


def test_the_casework_pages_pass_an_accessibility_scan(
        open_context: Callable[..., Any], live_app: Any) -> None:
    contact_id = _walked(live_app, "Finn", Stage.STRATEGY_DISCUSSION)
    page = open_context(as_="manager", bypass_csp=True).new_page()
    found = []
    for path in (f"/contacts/{contact_id}", f"/contacts/{contact_id}/assessment",
                 "/assessments/authorise", "/oversight/kpis"):
        page.goto(path)
        if path == f"/contacts/{contact_id}":
            _action(page, "hold_strategy_discussion")
        found += [f"{path}: {line}" for line in describe(axe_scan(page)).splitlines()]
        found += [f"{path}: {p}" for p in page_problems(page)]
    assert not found, "\n".join(found)
