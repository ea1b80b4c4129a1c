"""The assessment page and the managers' authorisation queue, on the pages and the API.

Only team managers see the queue (everyone else 403); an assessment shows there once its
author submits it and leaves it when another manager authorises it; a factor list the
census refuses is refused at the form with the reason in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.web.conftest import Browser, Contacts
from tests.web.test_pages import error_summary, hidden_version, page
from workflow.stages import Stage

QUEUE = "/assessments/authorise"


def _submitted(contacts: Contacts, who: str = "social_worker", first: str = "Alex") -> int:
    contact_id = contacts.at(Stage.ASSESSMENT, first=first)
    contacts.fire(contact_id, "record_visit", "social_worker", "seen", seen_alone=True)
    contacts.fire(contact_id, "submit_assessment", who, factors=["3A", "16A"])
    return contact_id


@pytest.mark.parametrize("who", ["worker", "chair", "social_worker", "partner", "admin"])
def test_only_team_managers_may_open_the_authorisation_queue(
        signed_in: Callable[[str], Browser], who: str) -> None:
    browser = signed_in(who)

    assert browser.get(QUEUE).status_code == 403
    assert browser.get("/api/v1/assessments/awaiting-authorisation").status_code == 403


def test_the_queue_lists_submitted_assessments_and_not_open_ones(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    waiting = _submitted(contacts, first="Sam")
    still_open = contacts.at(Stage.ASSESSMENT, first="Robin")

    body = page(signed_in("manager").get(QUEUE))

    queue = body[body.index('id="authorise-queue"'):]
    assert f'href="/contacts/{waiting}/assessment">FD{waiting:07d}</a>' in queue
    assert f"FD{still_open:07d}" not in queue
    assert "by Sol Worker" in queue and "3A, 16A" in queue
    assert "Authorise assessments" in body  # in the manager's navigation


def test_a_manager_sees_their_own_submission_marked_for_another_manager(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    _submitted(contacts, who="manager")

    body = page(signed_in("manager").get(QUEUE))

    assert "Yours: another manager authorises it" in body


def test_authorising_from_the_assessment_page_closes_with_rc8_and_empties_the_queue(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = _submitted(contacts)
    manager = signed_in("manager2")
    assessment = manager.get(f"/contacts/{contact_id}/assessment")
    body = page(assessment)
    assert 'id="action-complete_assessment"' in body and "3A: Domestic abuse (child)" in body
    assert re.search(r"<td class=\"govuk-table__cell\">Yes</td>\s*"
                     r"<td class=\"govuk-table__cell\">Yes</td>", body)  # seen, seen alone

    response = manager.post(f"/contacts/{contact_id}/actions/complete_assessment",
                            {"version": hidden_version(assessment),
                             "assessment_outcome": "no_further_action",
                             # the inputs a browser sends empty when they do not apply
                             "lateness_reason": "", "service": "", "handover_on": ""})

    assert response.status_code == 302
    assert contacts.stage(contact_id) == "closed"
    after = page(manager.get(f"/contacts/{contact_id}/assessment"))
    assert "by Max Manager: No further action" in after
    assert "No assessments are waiting" in page(manager.get(QUEUE))


def test_a_retired_factor_is_refused_at_the_form_in_words(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.ASSESSMENT)
    social_worker = signed_in("social_worker")
    version = hidden_version(social_worker.get(f"/contacts/{contact_id}/assessment"))

    response = social_worker.post(f"/contacts/{contact_id}/actions/submit_assessment",
                                  {"version": version, "factors": ["18A", "3A"],
                                   "rationale": "Summary"})

    assert response.status_code == 422
    assert error_summary(response) == {"factors": "18A was retired by the DfE: use 18B or 18C "
                                                  "(physical abuse: child on child, or adult "
                                                  "on child)."}
    body = page(response)
    assert re.search(r'value="18A"\s*>', body) is None  # 18A is not even offered
    assert re.search(r'value="3A" checked', body)


def test_the_api_lists_the_queue_and_submits_with_factors(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.ASSESSMENT)
    url = f"/api/v1/contacts/{contact_id}/actions/submit_assessment"
    social_worker = signed_in("social_worker")

    refused = social_worker.api("POST", url, {"version": contacts.version(contact_id),
                                              "factors": ["21", "3A"], "rationale": "x"})
    done = social_worker.api("POST", url, {"version": contacts.version(contact_id),
                                           "factors": ["21"], "rationale": "No concerns"})
    listed = signed_in("manager").get("/api/v1/assessments/awaiting-authorisation").get_json()

    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "factors": "21 (no factors identified) cannot be chosen with other factors."}
    assert done.status_code == 200
    [item] = listed["assessments"]
    assert (item["contact_id"], item["author"], item["factors"], item["kind"]) == (
        contact_id, "social.worker", ["21"], "s17")
