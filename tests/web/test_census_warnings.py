"""A child whose record breaks a CIN census rule is warned about where the child is
recorded: the person page and the contact page, each warning citing the DfE rule and
linking to the field that puts it right. The warnings are the census rules themselves
(reporting.cin_rules), so they clear as soon as the record would pass the return.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.web.conftest import Browser, Contacts, text_of
from workflow.stages import Stage


def _rules_warned(body: str) -> set[str]:
    panel = re.search(r'id="census-warnings".*?</div></div>', body, re.S)
    return set(re.findall(r'data-rule="(\w+)"', panel.group(0))) if panel else set()


def _change(browser: Browser, person_id: int, **fields: str) -> None:
    page = text_of(browser.get(f"/people/{person_id}"))
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    sent = browser.post(f"/people/{person_id}/details",
                        {"version": version.group(1), "reason": "Checked with the school",
                         **fields})
    assert sent.status_code in (302, 303), text_of(sent)


def test_a_referred_child_with_no_disability_or_upn_is_warned_at_the_fields_that_fix_it(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.ASSESSMENT)
    worker = signed_in("social_worker")  # the case is their team's (record scope)
    _change(worker, 1, date_of_birth="2016-05-14", upn_unknown="")  # ten: of school age

    person = text_of(worker.get("/people/1"))
    contact = text_of(signed_in("social_worker").get(f"/contacts/{contact_id}"))

    assert _rules_warned(person) == {"8540", "8770Q"}
    assert _rules_warned(contact) == {"8540", "8770Q"}
    assert "DfE rule 8540:</strong> Child’s disability is missing or invalid" in person
    assert 'href="/people/1?edit=details#disabilities"' in person
    assert 'href="/people/1?edit=details#upn_unknown"' in contact
    # Each link lands on the box that fixes it: the person's form has an element of that id.
    form = text_of(worker.get("/people/1?edit=details"))
    assert 'id="upn_unknown"' in form and 'id="disabilities"' in form


def test_the_warnings_clear_once_the_record_would_pass_the_census(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.at(Stage.ASSESSMENT)
    worker = signed_in("social_worker")  # the case is their team's (record scope)
    _change(worker, 1, date_of_birth="2016-05-14", upn_unknown="")

    worker.post("/people/1/details", {})  # a form without a version is refused, not saved
    _change(worker, 1, **{"disabilities-shown": "yes", "disabilities": "NONE",
                          "upn_unknown": "UN3"})

    assert _rules_warned(text_of(worker.get("/people/1"))) == set()


def test_the_edit_link_opens_the_form_the_warning_points_at(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.at(Stage.ASSESSMENT)

    body = text_of(signed_in("social_worker").get("/people/1?edit=details"))

    assert re.search(r'<details id="edit-details" class="govuk-details app-action"\s+open>',
                     body)
