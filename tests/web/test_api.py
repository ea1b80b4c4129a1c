"""The JSON API under /api/v1: documented, same rules as the pages, never a 500 for input.

A client signs in (the session cookie) and sends the page's CSRF token as X-CSRFToken.
Bad bodies are refused with 422 and the field at fault, malformed JSON with 400, a stale
version with 409, a role that was not granted with 403; none of them writes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import PEOPLE, Browser, Contacts, all_counts
from workflow.engine.action import Action
from workflow.engine.payload import Field, Kind, asks
from workflow.engine.registry import actions
from workflow.persistence.tables import AccessLogRow, ContactRow
from workflow.roles import Role
from workflow.stages import Stage

NEW = {"received_at": "2026-01-05T09:30:00+00:00", "source": "6", "channel": "police_notification",
       "referrer": "PC Synthetic", "concerns": "Domestic abuse incident, children present",
       "consent": "not_sought_risk",
       "children": [{"first_name": "Kit", "last_name": "Madeup"},
                    {"first_name": "Quinn", "last_name": "Madeup"}],
       "confirmed": ["received_at"]}  # months ago, and meant (asked about otherwise)


def api_path(action: Action[Any]) -> str:
    """Where the API documents an action: recording a contact is POST /contacts, an action
    found by its record (a partner's answer) sits under that record, every other under the
    contact."""
    if action.name == "receive":
        return "/api/v1/contacts"
    if action.locate:
        return f"/api/v1/{action.locate.removesuffix('_id')}s/{{record_id}}/actions/{action.name}"
    return f"/api/v1/contacts/{{contact_id}}/actions/{action.name}"


def _errors(response: Any) -> dict[str, Any]:
    """The field-level errors of a 422 body (flask-smorest nests them under "json")."""
    body = response.get_json()
    return body.get("errors", {}).get("json", body.get("errors", {}))


# -- the OpenAPI document --------------------------------------------------------------------

def test_the_openapi_document_lists_every_action_and_contact_creation(
        signed_in: Callable[[str], Browser]) -> None:
    response = signed_in("worker").get("/api/v1/openapi.json")

    assert response.status_code == 200
    doc = response.get_json()
    paths = doc["paths"]
    missing = [name for name, action in actions().items()
               if "post" not in paths.get(api_path(action), {})]
    assert not missing, f"actions without a documented POST: {missing}"
    assert {"get", "post"} <= set(paths["/api/v1/contacts"])
    assert "get" in paths["/api/v1/contacts/{contact_id}"]
    create = paths["/api/v1/contacts"]["post"]["requestBody"]["content"]["application/json"]
    new_contact = doc["components"]["schemas"][create["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"received_at", "source", "concerns", "children"} <= set(new_contact["required"])
    rate = paths["/api/v1/contacts/{contact_id}/actions/rate"]["post"]
    schema_name = rate["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    rate_schema = doc["components"]["schemas"][schema_name.rsplit("/", 1)[1]]
    assert "version" in rate_schema["required"]
    assert rate_schema["properties"]["rag"]["enum"][:3] == ["red", "amber", "green"]


# -- creating, listing, reading ----------------------------------------------------------------

def test_a_contact_for_two_siblings_is_created_with_201_one_contact_each(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    response = signed_in("worker").api("POST", "/api/v1/contacts", NEW)

    assert response.status_code == 201
    made = response.get_json()["contacts"]
    assert [c["stage"] for c in made] == ["received", "received"]
    assert made[0]["reference"] == f"FD{made[0]['id']:07d}"
    with db() as session:
        rows = session.scalars(select(ContactRow).order_by(ContactRow.id)).all()
    assert [r.id for r in rows] == [c["id"] for c in made]
    assert rows[0].intake and rows[0].intake == rows[1].intake
    assert rows[0].channel == "police_notification" and rows[0].consent == "not_sought_risk"


def test_the_list_is_the_work_queue_soonest_due_first_with_filters(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    from datetime import timedelta

    newer = contacts.one("Nia", "Newer", ago=timedelta(minutes=5))
    older = contacts.one("Ola", "Older", ago=timedelta(days=9))
    screening = contacts.at(Stage.SCREENING, "Sam", "Screened", ago=timedelta(minutes=1))
    worker = signed_in("worker")

    listed = worker.get("/api/v1/contacts").get_json()["contacts"]
    filtered = worker.get("/api/v1/contacts?stage=screening").get_json()["contacts"]
    overdue = worker.get("/api/v1/contacts?overdue=true").get_json()["contacts"]

    assert [c["id"] for c in listed][:1] == [older]
    assert {c["id"] for c in listed} == {newer, older, screening}
    assert [c["id"] for c in filtered] == [screening]
    assert [c["id"] for c in overdue] == [older] and overdue[0]["overdue"] is True
    bad = worker.get("/api/v1/contacts?stage=bogus&limit=0")
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"stage", "limit"}


def test_the_list_writes_a_childs_date_of_birth_as_iso_8601_like_every_other_date(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    from datetime import date

    from workflow.persistence.tables_people import PersonRow

    contact_id = contacts.one("Dot", "Dated")
    with db() as session:
        child_id = session.get(ContactRow, contact_id).child_id
        session.get(PersonRow, child_id).date_of_birth = date(2014, 7, 19)
        session.commit()

    listed = signed_in("worker").get("/api/v1/contacts").get_json()["contacts"]

    assert [c["date_of_birth"] for c in listed if c["id"] == contact_id] == ["2014-07-19"]


def test_get_returns_stage_version_clocks_events_and_the_actions_this_role_may_take(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    worker = signed_in("worker")

    body = worker.get(f"/api/v1/contacts/{contact_id}").get_json()

    assert (body["id"], body["stage"], body["version"]) == (contact_id, "screening", 2)
    assert [e["trigger"] for e in body["events"]] == ["receive", "start_screening"]
    assert body["events"][1]["actor"] == "fd.worker"
    assert [c["rule"] for c in body["clocks"]] == ["contact_decision"]
    with app.extensions["uow"]() as uow:
        engine_says = app.extensions["rules"].engine.permitted(
            uow.contacts.get(contact_id), Role.FRONT_DOOR_WORKER)
    assert body["permitted_actions"] == [a.name for a in engine_says
                                         if a.name != "receive"]
    assert "rate" in body["permitted_actions"] and "sign_off" not in body["permitted_actions"]


def test_actions_fired_through_the_api_move_the_contact_and_bump_its_version(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.one()
    worker = signed_in("worker")
    url = f"/api/v1/contacts/{contact_id}/actions"

    screened = worker.api("POST", f"{url}/start_screening", {"version": 1})
    rated = worker.api("POST", f"{url}/rate", {"version": 2, "rag": "red",
                                                  "reason": "Injury disclosed"})
    sent = worker.api("POST", f"{url}/send_to_mash", {"version": 3})

    assert [r.status_code for r in (screened, rated, sent)] == [200, 200, 200]
    final = sent.get_json()
    assert (final["stage"], final["version"], final["rag"]) == ("information_gathering", 4,
                                                               "red")
    rating = [e for e in final["events"] if e["trigger"] == "rate"][0]
    assert (rating["actor"], rating["reason"]) == ("fd.worker", "Injury disclosed")
    assert {"mash_red"} <= {c["rule"] for c in final["clocks"] if c["stopped_at"] is None}


def test_viewing_a_contact_through_the_api_is_written_to_the_access_log(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.one()

    signed_in("chair").get(f"/api/v1/contacts/{contact_id}")

    with db() as session:
        child_id = session.get(ContactRow, contact_id).child_id
        [row] = session.scalars(select(AccessLogRow)).all()
    assert (row.username, row.child_id, row.contact_id, row.route, row.outcome) == (
        "mash.chair", child_id, contact_id, "/api/v1/contacts/<int:contact_id>", "viewed")


# -- refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "field", "words"), [
    (NEW | {"bogus": 1}, "bogus", "Unknown field"),
    (NEW | {"source": 6}, "source", "Not a valid string"),
    (NEW | {"source": "99Z"}, "source", "Choose a referral source"),
    (NEW | {"received_at": "last Tuesday"}, "received_at", "Enter a real date and time"),
    (NEW | {"children": []}, "children", "Add between one and six children"),
    ({k: v for k, v in NEW.items() if k != "concerns"}, "concerns", "Describe the concerns"),
], ids=["unknown-field", "wrong-type", "bad-choice", "bad-date", "no-children",
        "missing-concerns"])
def test_a_bad_new_contact_gets_422_naming_the_field_and_writes_nothing(
        body: dict[str, Any], field: str, words: str, signed_in: Callable[[str], Browser],
        db: Callable[[], Session]) -> None:
    with db() as session:
        before = all_counts(session)

    response = signed_in("worker").api("POST", "/api/v1/contacts", body)

    assert response.status_code == 422
    assert words in " ".join(map(str, _errors(response)[field]))
    with db() as session:
        assert all_counts(session) == before


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"version": 2, "rag": "red", "reason": "x", "colour": "red"}, "colour", "Unknown field"),
    ({"version": "two", "rag": "red", "reason": "x"}, "version", "Not a valid integer"),
    ({"version": 2, "rag": 1, "reason": "x"}, "rag", "Choose one of: red, amber, green"),
    ({"version": 2, "rag": "purple", "reason": "x"}, "rag", "Choose one of: red, amber, green"),
    ({"rag": "red", "reason": "x"}, "version", "Missing data"),
], ids=["unknown-field", "wrong-type", "wrong-type-choice", "bad-choice", "no-version"])
def test_a_bad_action_body_gets_422_naming_the_field_and_changes_nothing(
        body: dict[str, Any], field: str, words: str, signed_in: Callable[[str], Browser],
        contacts: Contacts, db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    with db() as session:
        before = all_counts(session)

    response = signed_in("worker").api("POST", f"/api/v1/contacts/{contact_id}/actions/rate",
                                       body)

    assert response.status_code == 422
    assert words in " ".join(map(str, _errors(response)[field]))
    with db() as session:
        assert all_counts(session) == before
    assert contacts.version(contact_id) == 2


def test_a_guard_refusal_names_the_field_to_fix(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.SCREENING)

    response = signed_in("worker").api(
        "POST", f"/api/v1/contacts/{contact_id}/actions/rate", {"version": 2, "rag": "red"})

    assert response.status_code == 422
    assert "reason" in response.get_json()["errors"]
    assert contacts.version(contact_id) == 2


@pytest.mark.parametrize("raw", [b"{not json", b'{"version": 2,}', b"\xff\xfe"],
                         ids=["broken", "trailing-comma", "not-utf8"])
def test_malformed_json_is_a_400_not_a_500(raw: bytes, signed_in: Callable[[str], Browser],
                                           contacts: Contacts,
                                           db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    worker = signed_in("worker")
    with db() as session:
        before = all_counts(session)

    for url in ("/api/v1/contacts", f"/api/v1/contacts/{contact_id}/actions/rate"):
        response = worker.client.post(url, data=raw, content_type="application/json",
                                      headers={"X-CSRFToken": worker.csrf()})
        assert response.status_code == 400, url
        assert response.is_json and response.get_json()["code"] == 400

    with db() as session:
        assert all_counts(session) == before


def test_a_stale_version_gets_409_and_nothing_is_written(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    contacts.fire(contact_id, "rate", variant="amber")  # someone else: version 2 → 3
    with db() as session:
        before = all_counts(session)

    response = signed_in("chair").api(
        "POST", f"/api/v1/contacts/{contact_id}/actions/rate",
        {"version": 2, "rag": "red", "reason": "I read it before the change"})

    assert response.status_code == 409
    assert "Someone else changed contact" in response.get_json()["message"]
    with db() as session:
        assert all_counts(session) == before
        assert session.get(ContactRow, contact_id).rag == "amber"


@pytest.mark.parametrize(("who", "method", "path"), [
    ("partner", "POST", "/api/v1/contacts"),
    ("partner", "GET", "/api/v1/contacts"),
    ("partner", "GET", "/api/v1/contacts/{id}"),
    ("partner", "POST", "/api/v1/contacts/{id}/actions/rate"),
    ("social_worker", "POST", "/api/v1/contacts"),
    ("admin", "GET", "/api/v1/contacts/{id}"),
])
def test_a_role_not_granted_gets_403_and_nothing_is_written(
        who: str, method: str, path: str, signed_in: Callable[[str], Browser],
        contacts: Contacts, db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    body = NEW if path == "/api/v1/contacts" else {"version": 2, "rag": "red", "reason": "x"}
    with db() as session:
        before = {k: v for k, v in all_counts(session).items() if k != "access_log"}

    response = signed_in(who).api(method, path.format(id=contact_id),
                                  body if method == "POST" else None)

    assert response.status_code == 403
    assert response.is_json and response.get_json()["code"] == 403
    assert "Alex" not in response.get_data(as_text=True)
    with db() as session:
        after = all_counts(session)
        denied = session.scalars(select(AccessLogRow).where(
            AccessLogRow.username == PEOPLE[who].username)).all()
    assert {k: v for k, v in after.items() if k != "access_log"} == before
    assert [r.outcome for r in denied] == ["denied"]


def test_an_action_the_role_was_not_granted_is_refused_with_403_and_nothing_moves(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """The API's route for an action is granted to that action's roles, so a front door
    worker is refused sign-off before the engine is asked."""
    contact_id = contacts.at(Stage.AWAITING_SIGNOFF)
    version = contacts.version(contact_id)

    response = signed_in("worker").api(
        "POST", f"/api/v1/contacts/{contact_id}/actions/sign_off", {"version": version})

    assert response.status_code == 403
    assert response.is_json and response.get_json()["code"] == 403
    assert (contacts.stage(contact_id), contacts.version(contact_id)) == (
        "awaiting_signoff", version)


def test_the_page_refuses_an_action_the_role_was_not_granted_in_the_engines_words(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """The page's one action route is open to every caseworker; the engine refuses."""
    contact_id = contacts.at(Stage.AWAITING_SIGNOFF)
    version = contacts.version(contact_id)

    response = signed_in("worker").post(f"/contacts/{contact_id}/actions/sign_off",
                                        {"version": version})

    assert response.status_code == 403
    assert "A front door worker may not" in response.get_data(as_text=True)
    assert (contacts.stage(contact_id), contacts.version(contact_id)) == (
        "awaiting_signoff", version)


def test_an_unknown_contact_is_a_json_404_and_anonymous_calls_a_json_401(
        signed_in: Callable[[str], Browser], anonymous: Browser) -> None:
    missing = signed_in("worker").get("/api/v1/contacts/987654")
    anon = anonymous.get("/api/v1/contacts")

    assert missing.status_code == 404
    assert missing.get_json()["message"] == "There is no contact FD0987654."
    assert anon.status_code == 401 and anon.get_json()["code"] == 401


# -- whatever is sent, never a 500 -----------------------------------------------------------

_KEYS = st.sampled_from(["version", "rag", "reason", "source", "received_at", "concerns",
                         "children", "first_name", "last_name", "channel", "consent"])
_LEAVES = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
           | st.text(max_size=30) | st.sampled_from(["red", "6", "2026-01-05T09:30:00",
                                                    "0001-01-01T00:00:00+14:00",
                                                    "9999-12-31T23:59:59-12:00"]))
JSON = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(_KEYS | st.text(max_size=8), inner, max_size=6),
                    max_leaves=12)


@pytest.fixture
def screening_once(contacts: Contacts) -> Callable[[], int]:
    """A screening contact made on first use and reused by every Hypothesis example."""
    made: list[int] = []

    def get() -> int:
        if not made:
            made.append(contacts.at(Stage.SCREENING))
        return made[0]

    return get


@pytest.mark.parametrize("target", ["contacts", "rate"])
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JSON)
@example(body={"received_at": "0001-01-01T00:00:00+14:00", "source": "6", "concerns": "x",
               "children": [{"first_name": "a", "last_name": "b"}]})
@example(body={"version": 2, "rag": "red", "reason": "x" * 6000})
@example(body={"children": [{"first_name": ["a"], "last_name": {"b": 1}}], "source": "6",
               "received_at": "2026-01-05T09:30:00", "concerns": "x"})
def test_no_json_body_ever_causes_a_server_error(
        target: str, body: Any, signed_in: Callable[[str], Browser],
        screening_once: Callable[[], int]) -> None:
    worker = signed_in("worker")
    url = "/api/v1/contacts" if target == "contacts" else \
        f"/api/v1/contacts/{screening_once()}/actions/rate"

    response = worker.api("POST", url, body)

    assert response.status_code < 500, (body, response.get_data(as_text=True))


#: One action per kind of field a payload can ask (level, indicators, grid, reasons, date,
#: date-time, checkboxes, a configured choice, a record id), at a stage it is fired from.
_FUZZED = {"decide": Stage.THRESHOLD_DECISION, "hold_strategy_discussion":
           Stage.STRATEGY_DISCUSSION, "step_down": Stage.CIN_PLAN,
           "submit_assessment": Stage.ASSESSMENT, "record_visit": Stage.ASSESSMENT,
           "request_information": Stage.INFORMATION_GATHERING,
           "chase_request": Stage.INFORMATION_GATHERING,
           "answer_request": Stage.INFORMATION_GATHERING}
_CURRENT = "@version"  # replaced by the contact's current version when sent


def _plausible(spec: Field) -> st.SearchStrategy[Any]:
    """Values of the right shape for one field, right or wrong in content."""
    choices = [v for v, _ in spec.choices] or ["police", "health", "nobody"]
    text = st.text(max_size=20) | st.sampled_from(["", "  ", "Synthetic reason"])
    by_kind: dict[Kind, st.SearchStrategy[Any]] = {
        Kind.TEXT: text, Kind.TEXTAREA: text,
        Kind.EMAIL: text | st.sampled_from(["rowan@police.example", "rowan at police"]),
        Kind.RADIOS: st.sampled_from(choices), Kind.SELECT: st.sampled_from(choices),
        Kind.YES_NO: st.sampled_from(["yes", "no", True, False]),
        Kind.LEVEL: st.sampled_from([1, 2, 3, 4, "4"]),
        Kind.DATETIME: st.sampled_from(["2026-01-05T09:30", "2020-01-06T10:00:00+00:00",
                                        "2030-06-01T10:00", "2026-01-10T10:00"]),
        Kind.DATE: st.sampled_from(["2026-01-05", "2020-02-29", "2030-01-01"]),
        Kind.CHECKBOXES: st.lists(st.sampled_from(["3A", "4B", "21", "ZZ"]), max_size=3),
        Kind.INDICATORS: st.lists(st.sampled_from(["L4-PC-SAFETY-01", "L3-CD-HEALTH-01",
                                                   "NOPE"]), max_size=3),
        Kind.GRID: st.dictionaries(st.sampled_from(["police", "health", "education",
                                                    "la_social_worker", "nobody"]),
                                   st.sampled_from(choices), max_size=4),
        Kind.REASONS: st.dictionaries(st.sampled_from(["police", "health", "nobody"]), text,
                                      max_size=3),
        Kind.ID: st.sampled_from([1, 2, 999, 2**31 - 1]),
    }
    return by_kind[spec.kind] | _LEAVES  # now and then, any JSON leaf at all


def _payload_bodies(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies of an action's own keys with plausible or odd values, the version current,
    so that most reach the engine's rules and effects (where a crash would hide)."""
    specs = [f for f in asks(actions()[name].payload) if f.name != actions()[name].locate]
    optional = {f.name: _plausible(f) for f in specs}
    return st.fixed_dictionaries({"version": st.just(_CURRENT)}, optional=optional)


@pytest.mark.parametrize("name", sorted(_FUZZED))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_body_for_any_kind_of_field_ever_causes_a_server_error(
        name: str, data: st.DataObject, app: Flask, signed_in: Callable[[str], Browser],
        contacts: Contacts, made: dict[str, int]) -> None:
    if name not in made:
        made[name] = contacts.at(_FUZZED[name])
        if name in ("chase_request", "answer_request"):
            contacts.fire(made[name], "request_information", agency="police",
                          question="Synthetic question", lawful_basis="public_task",
                          authorised_by="Mo Manager")
    contact_id = made[name]
    body = data.draw(_payload_bodies(name))
    body = {k: contacts.version(contact_id) if v == _CURRENT else v for k, v in body.items()}
    if name == "answer_request":
        with app.extensions["uow"]() as uow:
            request_id = max([r.id for r in uow.contacts.get(contact_id).open_requests] or [1])
        who, url = signed_in("partner"), f"/api/v1/requests/{request_id}/actions/{name}"
    else:
        who, url = signed_in("manager"), f"/api/v1/contacts/{contact_id}/actions/{name}"

    response = who.api("POST", url, body)

    assert response.status_code < 500, (body, response.get_data(as_text=True))


@pytest.fixture
def made() -> dict[str, int]:
    """The contact each fuzzed action is sent to, made on first use within one test."""
    return {}
