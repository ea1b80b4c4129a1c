"""The MASH in the JSON API: a partner's inbox and answers, requests, agency performance,
known-child candidates — with the same refusals as the pages, and nothing changed by one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts
from tests.web.test_mash_pages import HEALTH_QUESTION, POLICE_QUESTION, ask, state
from workflow.persistence.tables import AccessLogRow
from workflow.stages import Stage

#: An answer that shares what was asked, on the public task basis.
SHARED = {"sharing": "shared", "lawful_basis": "public_task"}

@pytest.fixture
def two_requests(app: Flask, contacts: Contacts) -> tuple[int, int, int]:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING, "Ellis", "Quenby")
    return (contact_id, ask(app, contact_id, "police", POLICE_QUESTION),
            ask(app, contact_id, "health", HEALTH_QUESTION))


def test_a_partners_api_inbox_holds_only_their_agencys_requests_and_minimal_identity(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int]) -> None:
    _contact_id, police, _health = two_requests

    response = signed_in("partner").api("GET", "/api/v1/inbox")

    assert response.status_code == 200
    body = response.get_json()
    assert body["agency"] == "police" and body["answered"] == []
    [item] = body["open"]
    assert (item["id"], item["question"], item["child"]) == (police, POLICE_QUESTION,
                                                             "Ellis Quenby")
    assert set(item) == {"id", "question", "requested_at", "due_at", "overdue", "status",
                         "answer", "sharing", "answered_at", "child", "date_of_birth"}


@pytest.mark.parametrize("route", ["/api/v1/requests/{rid}/answer",
                                   "/api/v1/requests/{rid}/actions/answer_request"],
                         ids=["short-form", "action-route"])
def test_a_partner_answers_through_the_api(signed_in: Callable[[str], Browser],
                                           two_requests: tuple[int, int, int],
                                           route: str) -> None:
    _contact_id, police, _health = two_requests
    partner = signed_in("partner")

    response = partner.api("POST", route.format(rid=police),
                           SHARED | {"answer": "Nothing known (synthetic)"})

    assert response.status_code == 200, response.get_json()
    [answered] = partner.api("GET", "/api/v1/inbox").get_json()["answered"]
    assert (answered["answer"], answered["sharing"]) == ("Nothing known (synthetic)", "shared")


@pytest.mark.parametrize("route", ["/api/v1/requests/{rid}/answer",
                                   "/api/v1/requests/{rid}/actions/answer_request"],
                         ids=["short-form", "action-route"])
def test_an_answer_tells_the_partner_nothing_about_the_case(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        route: str) -> None:
    """A partner knows the request, not the contact (DOMAIN.md §6, need to know): the
    reply to an answer names neither the contact's reference nor where the case stands."""
    contact_id, police, _health = two_requests

    response = signed_in("partner").api("POST", route.format(rid=police),
                                        SHARED | {"answer": "Nothing known (synthetic)"})

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert f"FD{contact_id:07d}" not in text
    assert not {"stage", "contact", "reference"} & set(response.get_json())
    assert "information_gathering" not in text


def test_an_api_answer_to_another_agencys_request_is_refused_and_nothing_changes(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    _contact_id, _police, health = two_requests
    before = state(db)

    for route in (f"/api/v1/requests/{health}/answer",
                  f"/api/v1/requests/{health}/actions/answer_request"):
        response = signed_in("partner").api("POST", route, {"answer": "Not ours"})

        assert response.status_code == 403, route
        assert "addressed to Health services" in response.get_json()["message"]
        assert state(db) == before


@pytest.mark.parametrize("body", [{}, {"answer": ""}, {"answer": "x", "contact_id": 1},
                                  {"answer": 42}])
def test_a_bad_api_answer_is_refused_with_422_and_nothing_changes(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session], body: dict[str, Any]) -> None:
    _contact_id, police, _health = two_requests
    before = state(db)

    response = signed_in("partner").api("POST", f"/api/v1/requests/{police}/answer", body)

    assert response.status_code == 422
    assert state(db) == before


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/contacts"), ("GET", "/api/v1/contacts/{cid}"),
    ("GET", "/api/v1/mash/agencies"), ("POST", "/api/v1/children/matches"),
    ("POST", "/api/v1/contacts/{cid}/actions/request_information"),
    ("POST", "/api/v1/contacts/{cid}/actions/chase_request"),
    ("POST", "/api/v1/contacts/{cid}/actions/rate"),
])
def test_a_partner_gets_403_from_the_rest_of_the_api_and_it_is_logged(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session], method: str, path: str) -> None:
    response = signed_in("partner").api(method, path.format(cid=two_requests[0]), {})

    assert response.status_code == 403
    assert "Ellis" not in response.get_data(as_text=True)
    with db() as session:
        denied = session.scalars(select(AccessLogRow.outcome).where(
            AccessLogRow.username == "police.partner")).all()
    assert denied == ["denied"]


def test_a_worker_asks_through_the_api_and_an_unknown_agency_is_refused(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    worker = signed_in("worker")
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    good = {"version": contacts.version(contact_id), "agency": "education",
            "question": "Attendance this term?", "lawful_basis": "public_task",
            "authorised_by": "Mo Manager", "lawful_basis_detail": ""}
    before = state(db)

    url = f"/api/v1/contacts/{contact_id}/actions/request_information"

    refused = worker.api("POST", url, good | {"agency": "mi5"})
    assert refused.status_code == 422
    assert "agency" in refused.get_json()["errors"]
    assert state(db) == before
    made = worker.api("POST", url, good)

    assert made.status_code == 200, made.get_json()
    assert made.get_json()["version"] == good["version"] + 1
    [event] = [e for e in made.get_json()["events"] if e["trigger"] == "request_information"]
    assert event["payload"]["agency"] == "education"


def test_a_request_action_with_only_a_version_is_refused_at_its_first_missing_field(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    """Requests are fired through the same action route as every other action (the
    separate /requests routes are gone), and refused in the same words."""
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    before = state(db)

    response = signed_in("worker").api(
        "POST", f"/api/v1/contacts/{contact_id}/actions/request_information",
        {"version": contacts.version(contact_id)})

    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"agency"}
    assert "Choose an agency from the list" in response.get_json()["errors"]["agency"]
    assert state(db) == before


def test_agency_performance_through_the_api(signed_in: Callable[[str], Browser],
                                            two_requests: tuple[int, int, int]) -> None:
    response = signed_in("manager").api("GET", "/api/v1/mash/agencies?months=2")

    assert response.status_code == 200
    rows = {r["agency"]: r for r in response.get_json()["rows"]}
    month = datetime.now(UTC).strftime("%Y-%m")
    assert rows["police"]["sent"] == 1 and rows["police"]["month"][:4] == month[:4]
    assert signed_in("manager").api("GET", "/api/v1/mash/agencies?months=99").status_code == 422


def test_known_child_candidates_and_linking_a_contact_through_the_api(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int]) -> None:
    worker = signed_in("worker")

    found = worker.api("POST", "/api/v1/children/matches",
                       {"first_name": "Elis", "last_name": "Quenbie"})
    [candidate] = found.get_json()["candidates"]
    made = worker.api("POST", "/api/v1/contacts", {
        "received_at": datetime.now(UTC).isoformat(), "source": "2A",
        "concerns": "Synthetic: school worried", "children": [{"child_id":
                                                              candidate["child_id"]}]})

    assert found.status_code == 200 and candidate["first_name"] == "Ellis"
    assert made.status_code == 201, made.get_json()
    [contact] = made.get_json()["contacts"]
    detail = worker.api("GET", f"/api/v1/contacts/{contact['id']}").get_json()
    assert detail["stage"] == "received"  # no open case: an ordinary new contact


def test_a_childs_name_is_never_taken_in_a_url_to_look_for_matches(
        signed_in: Callable[[str], Browser], two_requests: tuple[int, int, int],
        db: Callable[[], Session]) -> None:
    """Names and dates of birth go in the body: a query-string search is not answered, and
    what the access log keeps of a body search is the route, never the name."""
    worker = signed_in("worker")

    by_url = worker.get("/api/v1/children/matches?first_name=Ellis&last_name=Quenby")
    by_body = worker.api("POST", "/api/v1/children/matches",
                         {"first_name": "Ellis", "last_name": "Quenby"})

    assert by_url.status_code == 405
    assert "candidates" not in (by_url.get_json() or {})
    assert by_body.status_code == 200 and by_body.get_json()["candidates"]
    with db() as session:
        routes = session.scalars(select(AccessLogRow.route).where(
            AccessLogRow.username == "fd.worker")).all()
    assert routes and all("Ellis" not in r and "Quenby" not in r for r in routes)
