"""A manager's comment on signing off, authorising or returning work, as people see it.

A return says what needs to change, and the worker finds it at the top of the contact
until they have done the work again; an agreement may carry a comment. Both are kept on
the timeline (and the child's chronology) with the manager's name and the date in words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from tests.web.conftest import Browser, Contacts, text_of
from workflow.stages import Stage

#: GOV.UK date and time, e.g. "Tuesday 1 December 2026 at 10:31am".
GOVUK_WHEN = r"\w+day \d{1,2} \w+ \d{4} at \d{1,2}(:\d{2})?(am|pm)"
CHANGE = "Weigh the school's attendance report before deciding"


def _page(browser: Browser, contact: int) -> str:
    return html.unescape(text_of(browser.get(f"/contacts/{contact}")))


def _words(body: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def _banner(body: str) -> str | None:
    found = re.search(r'<div class="govuk-notification-banner"[^>]*id="returned"[^>]*>(.*?)'
                      r'<div[^>]*class="govuk-inset-text app-next"', body, re.S)
    return _words(found.group(1)) if found else None


def _timeline(body: str) -> str:
    return _words(body[body.index(">Timeline</h2>"):])


def _post(browser: Browser, contacts: Contacts, contact: int, action: str,
          **fields: str) -> tuple[int, str]:
    sent = browser.post(f"/contacts/{contact}/actions/{action}",
                        {"version": str(contacts.version(contact)), **fields},
                        follow_redirects=True)
    return sent.status_code, html.unescape(text_of(sent))


def test_a_return_without_saying_what_to_change_is_refused_in_the_error_summary(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.AWAITING_SIGNOFF)

    status, body = _post(signed_in("manager"), contacts, contact, "return_decision",
                         reason="  ")

    assert status == 422
    summary = body[body.index("govuk-error-summary"):]
    assert re.search(r'<a href="#reason">Say what needs to change\.</a>', summary)
    assert 'id="reason"' in body and "What needs to change" in body
    assert contacts.stage(contact) == "awaiting_signoff"


def test_the_worker_sees_what_needs_to_change_at_the_top_until_they_decide_again(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.AWAITING_SIGNOFF)
    status, _ = _post(signed_in("manager"), contacts, contact, "return_decision",
                      reason=CHANGE)
    assert status == 200
    worker = signed_in("worker")

    banner = _banner(_page(worker, contact))

    assert banner is not None, "the returned comment is not at the top of the page"
    assert re.fullmatch(rf"Returned for changes Mo Manager returned the threshold decision "
                        rf"on {GOVUK_WHEN}\. What needs to change {re.escape(CHANGE)}", banner)
    assert "team.manager" not in banner

    contacts.fire(contact, "decide", "worker", "referral")

    assert _banner(_page(worker, contact)) is None


def test_the_return_is_on_the_timeline_with_the_managers_name_and_when(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.AWAITING_SIGNOFF)
    _post(signed_in("manager"), contacts, contact, "return_decision", reason=CHANGE)

    timeline = _timeline(_page(signed_in("worker"), contact))

    assert re.search(rf"Return the decision to the worker: Awaiting manager sign-off → Threshold "
                     rf"decision by Mo Manager \(Team manager\) {GOVUK_WHEN} What needs to "
                     rf"change {re.escape(CHANGE)}", timeline, re.I)


def test_a_sign_off_comment_is_on_the_timeline_and_the_chronology_with_the_managers_name(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.AWAITING_SIGNOFF)
    manager = signed_in("manager")

    status, _ = _post(manager, contacts, contact, "sign_off",
                      comment="Agreed: the school will keep an eye on attendance")

    assert status == 200 and contacts.stage(contact) == "closed"
    timeline = _timeline(_page(manager, contact))
    assert re.search(rf"Sign off the override: Awaiting manager sign-off → Closed by Mo Manager "
                     rf"\(Team manager\) {GOVUK_WHEN} Comment Agreed: the school will keep an "
                     rf"eye on attendance", timeline)
    assert timeline.count("Agreed: the school will keep") == 1
    chronology = html.unescape(text_of(manager.get(
        f"/children/{contacts.child_of(contact)}/chronology")))
    assert "Comment: Agreed: the school will keep an eye on attendance" in chronology


def test_a_sign_off_without_a_comment_is_in_force_and_shows_none(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.AWAITING_SIGNOFF)
    manager = signed_in("manager")

    status, _ = _post(manager, contacts, contact, "sign_off", comment="")

    assert status == 200 and contacts.stage(contact) == "closed"
    assert "app-manager-comment" not in _page(manager, contact)


def test_a_returned_assessment_is_at_the_top_until_it_is_submitted_again(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.ASSESSMENT)
    contacts.fire(contact, "submit_assessment", "social_worker")
    status, _ = _post(signed_in("manager"), contacts, contact, "return_assessment",
                      reason="Say how the child's views were heard")
    assert status == 200
    social_worker = signed_in("social_worker")

    banner = _banner(_page(social_worker, contact))

    assert banner is not None and banner.startswith(
        "Returned for changes Mo Manager returned the assessment on")
    assert banner.endswith("What needs to change Say how the child's views were heard")

    contacts.fire(contact, "submit_assessment", "social_worker")

    assert _banner(_page(social_worker, contact)) is None


def test_an_authorisation_comment_is_kept_on_the_timeline(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.ASSESSMENT)
    contacts.fire(contact, "record_visit", "social_worker", "seen")
    contacts.fire(contact, "submit_assessment", "social_worker")

    contacts.fire(contact, "complete_assessment", "manager", "cin_plan",
                  comment="A thorough assessment: the plan follows from it")

    timeline = _timeline(_page(signed_in("manager"), contact))
    assert re.search(r"Authorise the assessment: Assessment → Child in need plan by Mo "
                     rf"Manager \(Team manager\) {GOVUK_WHEN} Comment A thorough assessment",
                     timeline)
