"""A case audit in a browser, as the principal social worker, a team manager and a social
worker would carry it out.

The principal social worker draws five cases at random from Assessment 1 with a seed of
her choosing, and the sample page shows the seed and the five audits. She opens one, saves
a first grade as a draft, then grades every question with its evidence, agrees an action
with the social worker (10 working days) and submits it. A team manager, the second
auditor, finds it waiting for moderation, changes one grade with his reason and records
the moderation. The social worker then finds the agreed action on "My work" with its due
date written as GOV.UK writes dates, and marks it done.

axe-core finds no serious or critical WCAG 2.2 A/AA violation on the sample, the audit
form, the moderation form or "My work"; nothing is fetched from outside the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems

pytestmark = pytest.mark.browser

SEED = "4242"
ACTION = "Record the child's own words at every visit (synthetic)"
GOVUK_DATE = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|"
                        r"September|October|November|December) \d{4}\b")


def _accessible(page: Any, what: str) -> None:
    violations = axe_scan(page)
    assert not violations, f"{what}: serious/critical WCAG violations:\n{describe(violations)}"
    assert not page_problems(page), what


def _caseload(live_app: Any, how_many: int) -> list[int]:
    """Cases of Assessment 1, each allocated to the social worker (through the service)."""
    made = []
    for n in range(how_many):
        contact_id = live_app.record(f"Audit{n}", "Journey", screening=True)
        live_app.allocate(contact_id, "assessment-1", live_app.people["socialworker"].username)
        made.append(contact_id)
    return made


def _questions(live_app: Any) -> list[str]:
    form = live_app.app.extensions["rules"].audits.forms["case_audit"]
    return [q.text for area in form.versions[-1].areas for q in area.questions]


def _draw_sample(page: Any) -> None:
    page.goto("/")
    assert page.url.endswith("/audits")
    page.get_by_label("At random within a team").check()
    page.get_by_label("Team (at random)").select_option("assessment-1")
    page.get_by_label("How many cases (at random)").fill("5")
    page.get_by_label("Seed (optional)").fill(SEED)
    page.get_by_role("button", name="Draw the sample").click()
    page.wait_for_url(re.compile(r"/audits/samples/\d+$"))


def _audit_one(page: Any, questions: list[str], socialworker: str) -> str:
    page.locator("table tbody tr").first.get_by_role("link").click()
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Audit ")
    first = page.locator("fieldset", has_text=questions[0])
    first.get_by_label("Grade").select_option(label="Good")
    first.get_by_label("Evidence").fill("Allocated two days after the referral")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_text("Draft saved.").wait_for()
    for text in questions[1:]:
        box = page.locator("fieldset", has_text=text)
        box.get_by_label("Grade").select_option(label="Good")
        box.get_by_label("Evidence").fill("Seen on the file (synthetic)")
    page.get_by_label("Overall grade").select_option(label="Good")
    page.get_by_label("What will be done").fill(ACTION)
    page.get_by_label("Who will do it").select_option(socialworker)
    page.get_by_label("Working days to do it").fill("10")
    _accessible(page, "the audit form")
    page.get_by_role("button", name="Submit for moderation").click()
    page.get_by_text("Audit submitted for moderation.").wait_for()
    return reference


def _moderate(page: Any, reference: str, question: str) -> None:
    page.goto("/audits")
    page.locator("table", has_text="Waiting for a second auditor") \
        .get_by_role("link", name=reference).click()
    box = page.locator("form[action$='/moderation'] fieldset", has_text=question)
    box.get_by_label("Agreed grade").select_option(label="Requires improvement")
    box.get_by_label("Reason, if you change the grade").fill(
        "No hand-over meeting is recorded (synthetic)")
    _accessible(page, "the moderation form")
    page.get_by_role("button", name="Record the moderation").click()
    page.get_by_text("Audit moderated: the actions are agreed.").wait_for()


def test_a_sampled_case_is_audited_moderated_and_its_action_reaches_the_workers_queue(
        open_context: Callable[..., Any], live_app: Any, traffic: Any) -> None:
    _caseload(live_app, 6)
    questions = _questions(live_app)
    psw = open_context(as_="psw", bypass_csp=True).new_page()  # axe scans need bypass_csp

    _draw_sample(psw)
    assert f"(seed {SEED})" in psw.get_by_role("heading", level=1).inner_text()
    assert psw.locator("table tbody tr").count() == 5
    _accessible(psw, "the sample page")
    reference = _audit_one(psw, questions, live_app.people["socialworker"].username)
    assert "Waiting for moderation" in psw.locator(".govuk-summary-list").inner_text()

    manager = open_context(as_="manager", bypass_csp=True).new_page()
    _moderate(manager, reference, questions[0])
    assert "Moderated" in manager.locator(".govuk-summary-list").inner_text()
    assert "Changed to Requires improvement" in manager.locator("table").first.inner_text()

    worker = open_context(as_="socialworker", bypass_csp=True).new_page()
    worker.goto("/queue")
    row = worker.locator("table.app-agreed-actions tbody tr", has_text=ACTION)
    assert row.count() == 1 and reference in row.inner_text()
    assert GOVUK_DATE.search(row.inner_text()), row.inner_text()
    _accessible(worker, "My work with an agreed action")
    row.get_by_role("button", name="Mark as done").click()
    worker.get_by_text("Action marked as done.").wait_for()
    assert worker.locator("table.app-agreed-actions", has_text=ACTION).count() == 0
    assert not traffic.console_errors, traffic.console_errors
