"""One contact from the phone call to a signed-off override, every step through the forms
the actions draw from their own definitions (one action route, ``#action-<name>``).

A front-door worker records a contact, screens it, rates it red and sends it to the MASH;
from the requests panel they ask the police for information, and the police practitioner
answers from the agency inbox. The worker finishes information gathering and records a
decision below the recommendation: a level-3 indicator ticked, level 1 (no further
action) chosen, with the reason for the override. The decision waits for a manager: the
worker is not offered the sign-off, a team manager is, and signs it off, which closes the
contact. The contact page then tells the whole story: a timeline entry for each step, and
the MASH clock met in the timescales table. The decision form and the signed-off contact
are photographed for docs/screenshots/ and the signed-off page passes axe-core.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems, screenshot

pytestmark = pytest.mark.browser

#: The screenshots this journey takes (listed in docs/screenshots/README.md).
SHOTS = ("decision-override", "contact-signed-off")
LEVEL_3 = "L3-CD-HEALTH-01"  # a level-3 indicator in every shipped catalogue version
QUESTION = "Any call-outs to the address in the last year?"
ANSWER = "One call-out in January, no further police action (synthetic)."
OVERRIDE = "Health visitor already supporting the family; school reports no concerns."

#: What the timeline says for each step, newest first, as the contact page titles them.
STEPS = [
    "Sign off the override: Awaiting manager sign-off → Closed",
    "Record the threshold decision: Threshold decision → Awaiting manager sign-off",
    "Finish information gathering: MASH information gathering → Threshold decision",
    "Answer an information request",
    "Ask a partner agency for information",
    "Send to MASH information gathering: Screening → MASH information gathering",
    "Set or change the RAG rating",
    "Start screening: Received → Screening",
    "Contact received",
]


def _action(page: Any, name: str) -> Any:
    """One action's form on the contact page, opened."""
    action = page.locator(f"#action-{name}")
    if action.get_attribute("open") is None:
        action.locator("summary").first.click()
    return action


def _banner(page: Any) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def _stage(page: Any) -> str:
    return page.locator("h1 .govuk-tag").first.inner_text().strip()


def _entry(page: Any, title: str) -> str:
    """The details of the one timeline entry whose title starts with ``title``."""
    item = page.locator(".moj-timeline__item", has=page.locator(
        ".moj-timeline__title", has_text=title))
    return " ".join(item.locator(".moj-timeline__description").inner_text().split())


def _record(page: Any) -> int:
    """Record a one-child contact from the police through the new-contact form."""
    page.goto("/contacts/new")
    page.get_by_label("Referral source (CIN census code)").select_option("6")
    page.get_by_label("Referrer (name and organisation)").fill("PC Example, police")
    child = page.locator("fieldset.app-child").first
    child.get_by_label("First name").fill("Oona")
    child.get_by_label("Last name").fill("Definition")
    page.get_by_label("What are the concerns?").fill("Neighbours heard shouting (synthetic).")
    page.get_by_role("button", name="Record contact").click()
    found = re.search(r"FD(\d{7})", _banner(page))
    assert found, _banner(page)
    return int(found.group(1))


def _screen_rate_and_send(page: Any) -> None:
    _action(page, "start_screening").get_by_role("button", name="Start screening").click()
    assert _stage(page) == "Screening"
    rate = _action(page, "rate")
    rate.get_by_label("Red").check()
    rate.get_by_label("Reason").fill("Police attended twice this month (synthetic).")
    rate.get_by_role("button", name="Set or change the RAG rating").click()
    assert "Set or change the RAG rating: done." in _banner(page)
    _action(page, "send_to_mash").get_by_role(
        "button", name="Send to MASH information gathering").click()
    assert _stage(page) == "MASH information gathering"


def _ask_police(page: Any) -> None:
    ask = _action(page, "request_information")
    ask.get_by_label("Agency", exact=True).select_option(label="Police")
    ask.get_by_label("Question for the agency").fill(QUESTION)
    ask.get_by_label("Lawful basis for sharing").select_option("public_task")
    ask.get_by_label("Authorised by").fill("Mia Manager")
    ask.get_by_role("button", name="Ask a partner agency for information").click()
    assert "Ask a partner agency for information: done." in _banner(page)
    row = page.locator("table.app-requests tr", has_text=QUESTION)
    assert "Open" in row.inner_text()
    # Nothing typed could finish information gathering now, so it is not offered: the
    # panel says what it waits for.
    assert page.locator("#action-complete_information_gathering").count() == 0
    assert "can finish once every request is answered" in page.locator(
        "#requests-outstanding").inner_text()


def _police_answer(page: Any) -> None:
    page.goto("/inbox")
    card = page.locator(".govuk-summary-card", has_text=QUESTION)
    assert "Oona Definition" in card.inner_text()
    card.get_by_label("Shared", exact=True).check()
    card.get_by_label("Your answer").fill(ANSWER)
    card.get_by_label("Lawful basis your agency shares on").select_option("public_task")
    card.get_by_role("button", name="Send answer").click()
    assert "Your answer was sent." in _banner(page)
    assert page.locator(".govuk-summary-card", has_text=QUESTION).count() == 0


def _decide_below_the_recommendation(page: Any) -> None:
    decide = _action(page, "decide")
    decide.locator("details.govuk-details", has=page.locator(f"#ind-{LEVEL_3}")).locator(
        "summary").click()
    decide.locator(f"#ind-{LEVEL_3}").check()
    assert decide.locator("#recommendation h4").inner_text().strip() == "Recommended: level 3"
    decide.get_by_label("Level 1", exact=True).check()
    decide.get_by_label("No further action", exact=True).check()
    decide.get_by_label("Rationale").fill("Needs met by universal services (synthetic).")
    decide.get_by_label("Reason for choosing a level below the recommendation").fill(OVERRIDE)
    screenshot(page, SHOTS[0], of=decide)
    decide.get_by_role("button", name="Record the threshold decision").click()
    assert _stage(page) == "Awaiting manager sign-off"


def test_a_contact_from_the_call_to_a_signed_off_override(
        open_context: Callable[..., Any], live_app: Any) -> None:
    worker = open_context(as_="worker").new_page()
    contact_id = _record(worker)
    path = f"/contacts/{contact_id}"
    worker.goto(path)
    _screen_rate_and_send(worker)
    _ask_police(worker)

    _police_answer(open_context(as_="partner").new_page())

    worker.goto(path)
    answered = worker.locator("table.app-requests tr", has_text=QUESTION).inner_text()
    assert "Answered" in answered and ANSWER in answered
    _action(worker, "complete_information_gathering").get_by_role(
        "button", name="Finish information gathering").click()
    assert _stage(worker) == "Threshold decision"
    _decide_below_the_recommendation(worker)
    pending = worker.locator(".govuk-summary-list__row", has_text="Awaiting sign-off")
    assert "below recommended level 3 by Tess Worker" in pending.inner_text()
    assert OVERRIDE in pending.inner_text()
    assert worker.locator("#action-sign_off").count() == 0  # the author is not offered it

    manager = open_context(as_="manager").new_page()
    manager.goto(path)
    sign_off = _action(manager, "sign_off")
    sign_off.get_by_label("Comment (optional)").fill("Agreed: reviewed with the worker.")
    sign_off.get_by_role("button", name="Sign off the override").click()
    assert _stage(manager) == "Closed"
    decision = " ".join(manager.locator(".govuk-summary-list__row",
                                        has_text="Threshold decision").inner_text().split())
    assert "Level 1, No further action by Tess Worker (recommended level 3)" in decision
    assert "override signed off by Mia Manager" in decision

    titles = [" ".join(t.split()) for t in
              manager.locator(".moj-timeline__title").all_inner_texts()]
    assert [t for t in titles if t in STEPS] == STEPS, titles
    # Each entry in the words of the form that asked: options' text, not their codes.
    asked = _entry(manager, "Ask a partner agency for information")
    assert "Agency Police" in asked and "Public task (UK GDPR art. 6(1)(e))" in asked
    answered = _entry(manager, "Answer an information request")
    assert "Request" not in answered
    assert "Did your agency share the information asked for? Shared" in answered
    decided = _entry(manager, "Record the threshold decision")
    assert "Outcome No further action" in decided and "Level of need Level 1" in decided
    mash_clock = manager.locator("table.app-clocks tr", has_text="MASH enquiry completed")
    assert mash_clock.locator("td").last.inner_text().startswith("Met"), mash_clock.inner_text()
    screenshot(manager, SHOTS[1])


def test_the_signed_off_contact_passes_axe(open_context: Callable[..., Any],
                                           live_app: Any) -> None:
    """The closed contact with its whole history, as a manager sees it after signing off."""
    contact_id = live_app.record("Pia", "Definition", rag="red")
    for action, who, data in (
            ("send_to_mash", "worker", {}),
            ("complete_information_gathering", "worker", {}),
            ("decide", "worker", {"outcome": "no_further_action", "level": 1,
                                  "indicators": [LEVEL_3], "rationale": "Synthetic rationale",
                                  "override_reason": OVERRIDE}),
            ("sign_off", "manager", {})):
        live_app.act(contact_id, action, who, data)
    page = open_context(as_="manager", bypass_csp=True).new_page()
    page.goto(f"/contacts/{contact_id}")
    assert _stage(page) == "Closed"

    violations = axe_scan(page)

    assert not violations, describe(violations)
    assert page_problems(page) == []
