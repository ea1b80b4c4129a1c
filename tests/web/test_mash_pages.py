"""The MASH pages: requests from the contact page, the partner inbox, refusals that change
nothing, and a partner who can open nothing but the inbox.

Read the way a person reads the screen; the database is checked only to prove what was,
or was not, written. "Nothing changed" compares every table's row count (the access log
aside, where a refusal is *meant* to leave a line) and the rows at stake.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts, all_counts, text_of
from workflow.persistence.tables import AccessLogRow, ContactRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.stages import Stage

POLICE_QUESTION = "Any call-outs to the address? (synthetic)"
HEALTH_QUESTION = "Registered with a GP? (synthetic)"
#: An inbox answer that shares what was asked, on the public task basis.
SHARED = {"sharing": "shared", "lawful_basis": "public_task"}


def page(response: Any) -> str:
    return html.unescape(text_of(response))


def state(db: Callable[[], Session]) -> dict[str, Any]:
    """Row counts (access log aside) and every request's and contact's changeable state
    (a contact's typed records are rows of their own tables, so the counts cover them)."""
    with db() as session:
        counts = {k: v for k, v in all_counts(session).items() if k != "access_log"}
        requests = [(r.id, r.status, r.answer, r.chase_count, r.sharing, r.not_shared_reason,
                     r.decided_by_name) for r in session.scalars(select(InfoRequestRow))]
        contacts = [(c.id, c.stage, c.version, c.rag, c.team, c.worker)
                    for c in session.scalars(select(ContactRow))]
    return {"counts": counts, "requests": requests, "contacts": contacts}


def ask(app: Flask, contact_id: int, agency: str, question: str) -> int:
    """Send a request through the command path, as the worker would from the contact page;
    returns the new request's id."""
    Contacts(app).fire(contact_id, "request_information", agency=agency, question=question,
                       lawful_basis="public_task", authorised_by="Mo Manager")
    with app.extensions["uow"]() as uow:
        return max(r.id for r in uow.contacts.get(contact_id).open_requests)


@pytest.fixture
def two_requests(app: Flask, contacts: Contacts) -> tuple[int, int, int]:
    """A contact in information gathering with one request to police and one to health."""
    contact_id = contacts.at(Stage.INFORMATION_GATHERING, "Robin", "Zebedee")
    return (contact_id, ask(app, contact_id, "police", POLICE_QUESTION),
            ask(app, contact_id, "health", HEALTH_QUESTION))


# -- the worker asks -------------------------------------------------------------------------
def test_a_worker_sends_requests_from_the_contact_page_and_sees_them_listed(
        signed_in: Callable[[str], Browser], contacts: Contacts, app: Flask) -> None:
    worker = signed_in("worker")
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    for agency in ("police", "health"):
        response = worker.post(f"/contacts/{contact_id}/actions/request_information", {
            "version": contacts.version(contact_id), "agency": agency,
            "question": f"Question for {agency}", "lawful_basis": "public_task",
            "authorised_by": "Mo Manager"})
        assert response.status_code == 302
        assert response.headers["Location"] == f"/contacts/{contact_id}#mash-requests"

    body = page(worker.get(f"/contacts/{contact_id}"))

    assert "Question for police" in body and "Question for health" in body
    assert 'id="action-request_information"' in body
    assert "request_information" in re.findall(r'/actions/(\w+)"', body)  # one action route


def test_a_request_to_an_unknown_agency_is_refused_at_the_field_and_nothing_changes(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    worker = signed_in("worker")
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    before = state(db)

    response = worker.post(f"/contacts/{contact_id}/actions/request_information", {
        "version": contacts.version(contact_id), "agency": "secret_service",
        "question": "Anything?", "lawful_basis": "public_task", "authorised_by": "Mo"})

    assert response.status_code == 422
    body = page(response)
    assert re.search(r'href="#agency">Choose an agency from the list \(police, health', body)
    assert ">Anything?</textarea>" in body  # what was typed is kept
    assert state(db) == before


def test_re_rating_without_a_reason_is_refused_and_nothing_changes(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    worker = signed_in("worker")
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    before = state(db)

    response = worker.post(f"/contacts/{contact_id}/actions/rate", {
        "version": contacts.version(contact_id), "rag": "red", "reason": "  "})

    assert response.status_code == 422
    assert 'href="#reason">Give a reason.' in page(response)
    assert state(db) == before


# -- the partner's inbox ---------------------------------------------------------------------
def test_a_partner_sees_only_their_agencys_requests_and_only_name_and_birth_date(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int]) -> None:
    contact_id, police, health = two_requests

    body = page(signed_in("partner").get("/inbox"))

    assert POLICE_QUESTION in body and f"REQ{police:06d}" in body
    assert HEALTH_QUESTION not in body and f"REQ{health:06d}" not in body
    assert "Robin Zebedee" in body
    assert "Synthetic concern for tests" not in body  # the contact's concerns stay private
    assert f"FD{contact_id:07d}" not in body and f"/contacts/{contact_id}" not in body


def test_viewing_the_inbox_is_access_logged_per_child_shown(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    signed_in("partner").get("/inbox")

    with db() as session:
        rows = session.scalars(select(AccessLogRow).where(
            AccessLogRow.username == "police.partner", AccessLogRow.route == "/inbox")).all()
    assert [(r.outcome, r.child_id is not None) for r in rows] == [("viewed", True)]


def test_a_partner_answers_their_own_request_and_the_worker_sees_the_answer(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    contact_id, police, _health = two_requests
    partner = signed_in("partner")

    response = partner.post(f"/inbox/requests/{police}/answer",
                            SHARED | {"answer": "Two call-outs in May (synthetic)"})

    assert response.status_code == 302
    with db() as session:
        row = session.get(InfoRequestRow, police)
        assert row is not None
        assert (row.status, row.answered_by, row.sharing, row.answer_basis) == (
            "answered", "police.partner", "shared", "public_task")
    assert "Two call-outs in May (synthetic)" in page(
        signed_in("worker").get(f"/contacts/{contact_id}"))


def test_an_answer_to_another_agencys_request_is_refused_and_nothing_changes(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    _contact_id, _police, health = two_requests
    before = state(db)

    response = signed_in("partner").post(f"/inbox/requests/{health}/answer",
                                         {"answer": "Not ours to answer"})

    assert response.status_code == 403
    assert "This request is addressed to Health services" in page(response)
    assert HEALTH_QUESTION not in page(response)
    assert state(db) == before


def test_an_empty_answer_is_refused_and_what_was_asked_stays_open(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    _contact_id, police, _health = two_requests
    before = state(db)

    response = signed_in("partner").post(f"/inbox/requests/{police}/answer",
                                         SHARED | {"answer": ""})

    assert response.status_code == 422
    assert 'href="#answer">Write what your agency shares (or choose \'not shared\').' in \
        page(response)
    assert state(db) == before


def test_the_inbox_form_asks_what_was_shared_on_which_basis_and_who_decided_not_to(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int]) -> None:
    _contact_id, police, _health = two_requests

    body = page(signed_in("partner").get("/inbox"))

    prefix = f"answer-{police}-"
    for value in ("shared", "shared_in_part", "not_shared"):
        assert f'id="{prefix}sharing-{value}" name="sharing" type="radio" value="{value}"' in body
    for name in ("answer", "not_shared_reason"):
        assert f'<textarea class="govuk-textarea" id="{prefix}{name}" name="{name}"' in body
    for name in ("decided_by_name", "decided_by_role"):
        assert f'id="{prefix}{name}" name="{name}" type="text"' in body
    bases = re.search(rf'<select class="govuk-select" id="{prefix}lawful_basis" '
                      r'name="lawful_basis">(.*?)</select>', body, re.S)
    assert bases is not None
    offered = re.findall(r'<option value="(\w+)"', bases.group(1))
    assert "public_task" in offered and "s47_enquiry" in offered
    assert "s16la_duty_to_share" not in offered  # not commenced: not offered


def test_not_shared_without_a_reason_is_refused_at_the_reason_and_nothing_changes(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    _contact_id, police, _health = two_requests
    before = state(db)

    response = signed_in("partner").post(f"/inbox/requests/{police}/answer", {
        "sharing": "not_shared", "decided_by_name": "Insp. Example",
        "decided_by_role": "Inspector"})

    assert response.status_code == 422
    body = page(response)
    assert ('href="#not_shared_reason">Give the reason your agency did not share the '
            "information (or the part it kept back).") in body
    assert f'id="answer-{police}-sharing-not_shared" name="sharing" type="radio" ' \
        'value="not_shared" checked' in body  # what was chosen is kept
    assert 'value="Insp. Example"' in body
    assert state(db) == before


def test_not_shared_with_its_reason_is_recorded_and_shown_to_the_worker(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    contact_id, police, _health = two_requests

    response = signed_in("partner").post(f"/inbox/requests/{police}/answer", {
        "sharing": "not_shared", "not_shared_reason": "An investigation is live (synthetic)",
        "decided_by_name": "Insp. Example", "decided_by_role": "Inspector"})

    assert response.status_code == 302
    with db() as session:
        row = session.get(InfoRequestRow, police)
        assert row is not None
        assert (row.status, row.sharing, row.not_shared_reason, row.decided_by_name,
                row.decided_by_role) == ("answered", "not_shared",
                                         "An investigation is live (synthetic)",
                                         "Insp. Example", "Inspector")
    body = page(signed_in("worker").get(f"/contacts/{contact_id}"))
    assert "An investigation is live (synthetic) (decided by Insp. Example, Inspector)" in body


@pytest.mark.parametrize("path", [
    "/queue", "/contacts/new", "/contacts/{cid}", "/mash/meetings", "/mash/agencies",
    "/children/{child}/chronology", "/children/{child}/chronology.csv", "/workflow",
    "/api/v1/contacts", "/api/v1/contacts/{cid}", "/api/v1/mash/agencies",
])
def test_a_partner_gets_403_anywhere_but_the_inbox_and_the_attempt_is_logged(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session], path: str) -> None:
    contact_id = two_requests[0]
    with db() as session:
        child_id = session.get(ContactRow, contact_id).child_id  # type: ignore[union-attr]
    url = path.format(cid=contact_id, child=child_id)

    response = signed_in("partner").get(url)

    assert response.status_code == 403
    assert "Robin" not in text_of(response) and "Zebedee" not in text_of(response)
    with db() as session:
        logged = session.scalars(select(AccessLogRow).where(
            AccessLogRow.username == "police.partner", AccessLogRow.outcome == "denied")).all()
    assert len(logged) == 1 and logged[0].child_id is None


def test_a_partner_is_refused_the_workers_request_forms_too(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    contact_id, police, _health = two_requests
    before = state(db)

    for name in ("request_information", "chase_request", "withdraw_request"):
        response = signed_in("partner").post(f"/contacts/{contact_id}/actions/{name}",
                                             {"version": "1", "request_id": police})
        assert response.status_code == 403, name

    assert state(db) == before
