"""The API keeps everything: a police system's child arrives whole, or is refused by field.

A new contact's child may carry every field of the person record; what is sent is what
``GET`` serves back (normalised as the record stores it: NHS number without spaces,
postcode in its one form). A key the record does not have is refused with its name, a bad
value at its field (``children.0.upn``), and nothing is stored. A child who may already be
known is not recorded a second time: the answer is 409 with the candidates, and the
integrator resends with ``person_id``. What the pages show, the API serves under the same
grants: search (in a POST body, every child shown access-logged), a person's record and the
people commands (a stale version is 409), teams with their caseloads, a contact's child's
chronology and the MASH meetings.

The tests that store a child run on SQLite and on PostgreSQL (a schema of its own, the
real app signed in through the form); the reading routes run on SQLite, as the other web
tests do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import OnService, record_contact, walk_to
from tests.mash_helpers import Joint, add_attendee, add_to_agenda, open_meeting, record_decision
from tests.web.conftest import (
    PEOPLE,
    Browser,
    Contacts,
    all_counts,
    make_app,
    person_actor,
    postgres_schema,
    read_csrf,
    sign_in,
    stamp_latest_revision,
)
from web.auth import hash_password
from workflow.intake.commands import NewContact
from workflow.people.records import Address, PersonDetails
from workflow.persistence.append_only import rewriting
from workflow.persistence.schema import metadata
from workflow.persistence.store import Store, open_store
from workflow.persistence.tables import AccessLogRow, ContactRow
from workflow.persistence.tables_people import PersonRow
from workflow.roles import Actor, Role
from workflow.stages import Stage

#: A UPN with its right check letter (Q) for LA 885, and the same with a wrong one.
UPN = "Q885123426001"
BAD_UPN = "A885123426001"
#: The NHS's published example number (valid check digit), and one digit off.
NHS = "943 476 5919"
BAD_NHS = "943 476 5918"
ADDRESS = {"line_1": "1 Synthetic Row", "line_2": "Flat 2", "town": "Worcester",
           "postcode": "wr1  2ab", "moved_in": "2024-01-02"}
STORED_ADDRESS = {"line_1": "1 Synthetic Row", "line_2": "Flat 2", "town": "Worcester",
                  "postcode": "WR1 2AB", "moved_in": "2024-01-02", "moved_out": None}
#: Months ahead: an unborn child's expected date is near today (refused past 300 days).
DUE = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
LONDON = ZoneInfo("Europe/London")
REASON = "GP practice closed; tracing the number would delay the enquiry"


def intake(*children: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A police notification about these children, received five minutes ago."""
    return {"received_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
            "source": "6", "channel": "police_notification", "referrer": "PC Synthetic",
            "concerns": "Synthetic: domestic incident, children present",
            "consent": "not_sought_risk", "children": list(children)} | extra


def errors_of(response: Any) -> dict[str, list[str]]:
    body = response.get_json()
    assert isinstance(body, dict), response.get_data(as_text=True)
    errors: dict[str, list[str]] = body.get("errors", {})
    return errors


# -- both databases ---------------------------------------------------------------------
@dataclass
class Api:
    """The app on one database, the worker signed in on it, and its sessions."""

    app: Flask
    worker: Browser
    store: Store

    def counts(self) -> dict[str, int]:
        """Rows per table, but the access log (showing a candidate is a view, logged)."""
        with self.store.sessions() as session:
            return {k: v for k, v in all_counts(session).items() if k != "access_log"}

    def logged(self, route: str) -> list[tuple[int | None, int | None]]:
        """(child, contact) of each access-log row of a route, oldest first."""
        with self.store.sessions() as session:
            return [(r.child_id, r.contact_id) for r in session.scalars(
                select(AccessLogRow).where(AccessLogRow.route == route)
                .order_by(AccessLogRow.id))]

    def people(self) -> list[PersonRow]:
        with self.store.sessions() as session:
            return list(session.scalars(select(PersonRow).order_by(PersonRow.id)))

    def record(self, details: PersonDetails) -> int:
        """A child already known: recorded through the command path, as a page would."""
        now = datetime.now(UTC)
        made = record_contact(self.store.uow(), self.app.extensions["rules"],
                              NewContact(now - timedelta(days=40), "2A", [details],
                                         concerns="Synthetic: earlier worry"),
                              person_actor("worker"), now)
        with self.store.sessions() as session:
            return int(session.get(ContactRow, made[0]["id"]).child_id)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def _postgres_app(_secret_key_env: None) -> Iterator[Api]:
    """The real app on a PostgreSQL schema of its own, the worker signed in via the form."""
    with postgres_schema("frontdoor_people_api") as schema_url:
        store = open_store(schema_url)
        metadata().create_all(store.engine)  # type: ignore[attr-defined]
        stamp_latest_revision(store.engine)
        person = PEOPLE["worker"]
        store.accounts.save_account(person.username, person.display_name, person.role,
                                    person.team, person.agency, hash_password(person.password))
        app = make_app(schema_url)
        client = app.test_client()
        assert sign_in(client, person.username, person.password).status_code == 302
        try:
            yield Api(app, Browser(client, person, read_csrf(client, "/sign-in")),
                      app.extensions["store"])
        finally:
            app.extensions["store"].close()
            store.close()


_KEPT = ("app_user", "user_session", "alembic_version")


def _emptied(api: Api) -> Api:
    """Every row but the users and their sign-in sessions gone, children before parents."""
    with api.store.engine.begin() as conn, rewriting(conn, "tests: every test starts empty"):
        for table in reversed(metadata().sorted_tables):  # type: ignore[attr-defined]
            if table.name not in _KEPT:
                conn.execute(table.delete())
    return api


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def api(request: pytest.FixtureRequest) -> Api:
    """The worker's API on SQLite (the web tests' fresh file) or PostgreSQL (emptied)."""
    if request.param == "postgresql":
        return _emptied(request.getfixturevalue("_postgres_app"))
    app: Flask = request.getfixturevalue("app")
    signed_in: Callable[[str], Browser] = request.getfixturevalue("signed_in")
    return Api(app, signed_in("worker"), app.extensions["store"])


def post_child(api: Api, child: dict[str, Any]) -> Any:
    return api.worker.api("POST", "/api/v1/contacts", intake(child))


def served_child(api: Api, response: Any) -> dict[str, Any]:
    """The child of the first contact made, as ``GET /api/v1/contacts/<id>`` serves it."""
    assert response.status_code == 201, response.get_json()
    contact_id = response.get_json()["contacts"][0]["id"]
    served = api.worker.get(f"/api/v1/contacts/{contact_id}")
    assert served.status_code == 200
    child: dict[str, Any] = served.get_json()["child"]
    return child


# -- every field, sent and served back ----------------------------------------------------
#: (field, what is sent, what is stored, the other fields it needs).
ROUND_TRIPS: list[tuple[str, Any, Any, dict[str, Any]]] = [
    ("kind", "child", "child", {}),
    ("first_name", "  Rowan ", "Rowan", {}),
    ("last_name", "Fieldtest", "Fieldtest", {}),
    ("preferred_name", "Ro", "Ro", {}),
    ("date_of_birth", "2015-06-01", "2015-06-01", {"upn": UPN}),
    ("expected_date_of_birth", DUE, DUE, {}),
    ("sex", "F", "F", {}),
    ("gender_identity", "Non-binary", "Non-binary", {}),
    ("ethnicity", "WIRI", "WIRI", {}),
    ("disabilities", ["MOB", "HAND"], ["MOB", "HAND"], {}),
    ("first_language", "Welsh", "Welsh", {}),
    ("immigration_status", "uasc", "uasc", {}),
    ("nhs_number", NHS, "9434765919", {}),
    ("upn", UPN.lower(), UPN, {}),
    ("upn_unknown", "UN3", "UN3", {"date_of_birth": "2015-06-01"}),
    ("school", "Synthetic Primary School", "Synthetic Primary School", {}),
    ("identifier_status", "not_known_unreasonable_delay", "not_known_unreasonable_delay",
     {"identifier_reason": REASON}),
    ("identifier_reason", REASON, REASON, {"identifier_status": "more_detrimental"}),
    ("address", ADDRESS, STORED_ADDRESS, {}),
]


def test_the_round_trips_cover_every_field_of_the_person_record() -> None:
    assert {f.name for f in dataclasses.fields(PersonDetails)} == {r[0] for r in ROUND_TRIPS}


@pytest.mark.parametrize(("field", "sent", "stored", "with_"), ROUND_TRIPS,
                         ids=[r[0] for r in ROUND_TRIPS])
def test_each_field_sent_for_a_child_is_stored_and_served_back(
        api: Api, field: str, sent: Any, stored: Any, with_: dict[str, Any]) -> None:
    child = {"first_name": "Rowan", "last_name": "Fieldtest"} | with_ | {field: sent}

    served = served_child(api, post_child(api, child))

    got = served[field]
    if field == "address":
        got = {k: v for k, v in got.items() if k != "id"}
    assert got == stored
    for other, value in with_.items():
        assert served[other] == (UPN if other == "upn" else value)


def test_a_child_with_every_field_at_once_is_served_back_whole(api: Api) -> None:
    child = {"kind": "child", "first_name": "Rowan", "last_name": "Wholerecord",
             "preferred_name": "Ro", "date_of_birth": "2015-06-01", "sex": "M",
             "gender_identity": "Boy", "ethnicity": "APKN", "disabilities": ["LD"],
             "first_language": "Urdu", "immigration_status": "refugee", "nhs_number": NHS,
             "upn": UPN, "school": "Synthetic Academy", "identifier_status": "included",
             "identifier_reason": "", "address": ADDRESS}

    served = served_child(api, post_child(api, child))

    expected = child | {"nhs_number": "9434765919", "upn_unknown": None,
                        "expected_date_of_birth": None, "address": STORED_ADDRESS,
                        "identifier_decided_by": None, "identifier_decided_at": None}
    assert {k: v for k, v in served.items() if k not in ("id", "version")} == expected | {
        "address": served["address"] | STORED_ADDRESS}
    person = api.worker.get(f"/api/v1/people/{served['id']}").get_json()["person"]
    assert person == served


def test_a_withheld_identifier_records_who_decided(api: Api) -> None:
    served = served_child(api, post_child(api, {
        "first_name": "Sky", "last_name": "Withheld", "identifier_status": "more_detrimental",
        "identifier_reason": REASON}))

    assert served["identifier_decided_by"] == "fd.worker"
    assert served["identifier_decided_at"] is not None


# -- refusals: named, and nothing stored ------------------------------------------------
@pytest.mark.parametrize(("body", "field"), [
    (intake({"first_name": "Kit", "last_name": "Madeup", "favourite_colour": "red"}),
     "children.0.favourite_colour"),
    (intake({"first_name": "Kit", "last_name": "Madeup",
             "address": ADDRESS | {"flat": "2"}}), "children.0.address.flat"),
    (intake({"first_name": "Kit", "last_name": "Madeup"}, priority="high"), "priority"),
    (intake({"first_name": "Kit", "last_name": "Madeup", "gender": "F"}),
     "children.0.gender"),
], ids=["child-key", "address-key", "contact-key", "census-word-not-the-field"])
def test_an_unknown_key_is_refused_with_its_name_and_nothing_is_stored(
        api: Api, body: dict[str, Any], field: str) -> None:
    before = api.counts()

    response = api.worker.api("POST", "/api/v1/contacts", body)

    assert response.status_code == 422
    assert list(errors_of(response)) == [field]
    assert errors_of(response)[field][0].startswith("Unknown field: this route does not take")
    assert api.counts() == before


@pytest.mark.parametrize(("child", "field", "words"), [
    ({"upn": BAD_UPN}, "children.0.upn", "check letter should be Q"),
    ({"nhs_number": BAD_NHS}, "children.0.nhs_number", "check digit"),
    ({"ethnicity": "ZZZZ"}, "children.0.ethnicity", "DfE list"),
    ({"disabilities": ["NONE", "MOB"]}, "children.0.disabilities", "NONE"),
    ({"sex": "X"}, "children.0.sex", "M, F or U"),
    ({"address": ADDRESS | {"postcode": "WR1"}}, "children.0.address.postcode", "postcode"),
    ({"date_of_birth": "2015-02-30"}, "children.0.date_of_birth", "real date"),
    ({"upn": UPN, "upn_unknown": "UN2"}, "children.0.upn_unknown", "only when there is no"),
    ({"identifier_status": "more_detrimental"}, "children.0.identifier_reason", "Say why"),
    ({"ethnicity": "WBRIT"}, "children.0.ethnicity", "up to 4"),
    ({"first_name": "Kit\x00"}, "children.0.first_name", "NUL"),
], ids=["upn-check-letter", "nhs-check-digit", "ethnicity-code", "disability-none-and-more",
        "sex", "postcode", "date", "upn-and-reason", "withheld-without-reason",
        "ethnicity-too-long", "nul"])
def test_a_bad_value_is_refused_at_its_field_and_nothing_is_stored(
        api: Api, child: dict[str, Any], field: str, words: str) -> None:
    before = api.counts()

    response = post_child(api, {"first_name": "Kit", "last_name": "Madeup"} | child)

    assert response.status_code == 422, response.get_json()
    assert words in " ".join(errors_of(response)[field])
    assert api.counts() == before


def test_a_bad_second_child_stops_the_whole_intake(api: Api) -> None:
    before = api.counts()

    response = api.worker.api("POST", "/api/v1/contacts", intake(
        {"first_name": "Kit", "last_name": "Madeup"},
        {"first_name": "Quinn", "last_name": "Madeup", "upn": BAD_UPN}))

    assert response.status_code == 422
    assert set(errors_of(response)) == {"children.1.upn"}
    assert api.counts() == before


def test_a_child_without_names_or_a_person_id_is_asked_for_them(api: Api) -> None:
    response = post_child(api, {"date_of_birth": "2015-06-01"})

    assert response.status_code == 422
    assert set(errors_of(response)) == {"children.0.first_name", "children.0.last_name"}


# -- the known-child check ----------------------------------------------------------------
ELLIS = PersonDetails("Ellis", "Quenbie", date_of_birth=date(2016, 4, 3), upn=UPN,
                      address=Address("4 Synthetic Close", "WR5 1AA"))
MISSPELT = {"first_name": "Elis", "last_name": "Quenbie", "date_of_birth": "2016-04-03",
            "school": "Synthetic Primary"}


def test_a_misspelt_known_child_is_offered_and_nothing_is_stored(api: Api) -> None:
    known = api.record(ELLIS)
    before = api.counts()

    response = post_child(api, MISSPELT)

    assert response.status_code == 409
    body = response.get_json()
    assert "children.0" in body["errors"]
    [child] = body["children"]
    [candidate] = child["candidates"]
    assert child["index"] == 0
    assert (candidate["person_id"], candidate["name"], candidate["date_of_birth"],
            candidate["postcode"]) == (known, "Ellis Quenbie", "2016-04-03", "WR5 1AA")
    assert candidate["score"] > 0 and "first name a close spelling" in candidate["reasons"]
    assert api.counts() == before
    assert api.logged("/api/v1/contacts") == [(known, None)]  # the candidate was shown


def test_resending_with_the_person_id_links_the_known_child_and_makes_no_second_person(
        api: Api) -> None:
    known = api.record(ELLIS)

    response = post_child(api, {"person_id": known})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["children"] == [
        {"person_id": known, "new_person": False, "candidates": []}]
    assert [p.id for p in api.people()] == [known]
    served = served_child(api, response)
    assert (served["id"], served["upn"], served["address"]["postcode"]) == (known, UPN,
                                                                           "WR5 1AA")


def test_a_child_confirmed_new_is_recorded_with_the_candidates_it_was_shown(api: Api) -> None:
    known = api.record(ELLIS)

    response = post_child(api, MISSPELT | {"confirm_new": True})

    assert response.status_code == 201, response.get_json()
    [made] = response.get_json()["children"]
    assert made["new_person"] is True and made["person_id"] != known
    assert [c["person_id"] for c in made["candidates"]] == [known]
    assert len(api.people()) == 2


def test_the_earlier_child_id_key_still_names_a_known_person(api: Api) -> None:
    known = api.record(ELLIS)

    response = post_child(api, {"child_id": known})

    assert response.status_code == 201
    assert [p.id for p in api.people()] == [known]


@pytest.mark.parametrize(("child", "field"), [
    ({"person_id": 99999}, "children.0.person_id"),
    ({"person_id": "1"}, "children.0.person_id"),
    ({"person_id": True}, "children.0.person_id"),
    ({"person_id": 2**31}, "children.0.person_id"),
    ({"person_id": 1, "first_name": "Ellis"}, "children.0.person_id"),
    ({"person_id": 1, "confirm_new": True}, "children.0.person_id"),
    ({"person_id": 1, "child_id": 1}, "children.0.child_id"),
], ids=["nobody", "not-an-integer", "a-boolean", "past-an-integer-column", "with-details",
        "with-confirm-new", "both-keys"])
def test_a_person_id_must_name_someone_and_come_alone(
        api: Api, child: dict[str, Any], field: str) -> None:
    api.record(ELLIS)
    before = api.counts()

    response = post_child(api, child)

    assert response.status_code == 422, response.get_json()
    assert field in errors_of(response)
    assert api.counts() == before


# -- a person, and the people commands --------------------------------------------------
def _person(api: Api) -> dict[str, Any]:
    person_id = api.record(ELLIS)
    body: dict[str, Any] = api.worker.get(f"/api/v1/people/{person_id}").get_json()
    return body


def test_a_stale_version_is_409_and_the_record_keeps_the_first_change(api: Api) -> None:
    person = _person(api)["person"]
    url = f"/api/v1/people/{person['id']}"

    first = api.worker.api("PATCH", url, {"version": person["version"], "school": "New School"})
    stale = api.worker.api("PATCH", url, {"version": person["version"],
                                          "school": "Other School"})

    assert first.status_code == 200, first.get_json()
    assert first.get_json()["person"]["version"] == person["version"] + 1
    assert stale.status_code == 409
    after = api.worker.get(url).get_json()
    assert after["person"]["school"] == "New School"
    assert [(h["field"], h["new"]) for h in after["history"] if h["field"] == "school"] == [
        ("school", "New School")]


def test_changing_a_recorded_value_needs_a_reason_and_keeps_the_old_one(api: Api) -> None:
    person = _person(api)["person"]
    url = f"/api/v1/people/{person['id']}"
    change = {"version": person["version"], "date_of_birth": "2016-03-04"}

    refused = api.worker.api("PATCH", url, change)
    changed = api.worker.api("PATCH", url, change | {"reason": "Birth certificate seen"})

    assert refused.status_code == 422 and "reason" in errors_of(refused)
    assert changed.status_code == 200
    history = changed.get_json()["history"]
    assert [(h["field"], h["old"], h["new"], h["reason"]) for h in history
            if h["field"] == "date_of_birth"] == [
        ("date_of_birth", "2016-04-03", "2016-03-04", "Birth certificate seen")]


@pytest.mark.parametrize(("change", "field"), [
    ({"upn": BAD_UPN}, "upn"), ({"favourite_colour": "red"}, "favourite_colour"),
    ({"address": ADDRESS}, "address"), ({}, "version"),
], ids=["bad-upn", "unknown", "address-moves-by-its-own-route", "no-version"])
def test_a_bad_change_is_refused_at_its_field(api: Api, change: dict[str, Any],
                                              field: str) -> None:
    person = _person(api)["person"]
    body = ({"version": person["version"]} if field != "version" else {}) | change

    response = api.worker.api("PATCH", f"/api/v1/people/{person['id']}", body)

    assert response.status_code == 422, response.get_json()
    assert field in errors_of(response)
    assert api.worker.get(f"/api/v1/people/{person['id']}").get_json()["person"] == person


def test_family_address_and_warning_are_recorded_through_the_people_commands(
        api: Api) -> None:
    person_id = _person(api)["person"]["id"]
    url = f"/api/v1/people/{person_id}"

    related = api.worker.api("POST", f"{url}/relationships", {
        "kind": "mother", "parental_responsibility": True, "lives_with": True,
        "relative": {"first_name": "Morgan", "last_name": "Quenbie",
                     "date_of_birth": "1990-01-01"}})
    moved = api.worker.api("POST", f"{url}/addresses", ADDRESS | {"moved_in": "2026-01-05"})
    warned = api.worker.api("POST", f"{url}/warnings", {"text": "Dog at the address"})

    assert [r.status_code for r in (related, moved, warned)] == [201, 201, 201]
    page = warned.get_json()["person"]
    [mother] = page["family"]
    assert (mother["name"], mother["label"], mother["parental_responsibility"]) == (
        "Morgan Quenbie", "Mother", True)
    assert [(a["postcode"], a["moved_out"]) for a in page["addresses"]] == [
        ("WR1 2AB", None), ("WR5 1AA", "2026-01-04")]
    assert [w["text"] for w in page["warnings"]] == ["Dog at the address"]
    assert page["person"]["address"]["postcode"] == "WR1 2AB"
    mother_page = api.worker.get(f"/api/v1/people/{mother['person_id']}").get_json()
    assert (mother_page["person"]["kind"], mother_page["family"][0]["label"]) == (
        "adult", "Child")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("addresses", ADDRESS | {"postcode": "nowhere"}, "postcode"),
    ("relationships", {"kind": "aunt", "relative_id": 1}, "kind"),
    ("relationships", {"kind": "mother", "relative": {"first_name": "Morgan"}},
     "relative.last_name"),
    ("warnings", {"text": ""}, "text"),
], ids=["postcode", "relationship-kind", "relative-name", "empty-warning"])
def test_a_bad_people_command_is_refused_at_its_field_and_stores_nothing(
        api: Api, path: str, body: dict[str, Any], field: str) -> None:
    person_id = _person(api)["person"]["id"]
    before = api.counts()

    response = api.worker.api("POST", f"/api/v1/people/{person_id}/{path}", body)

    assert response.status_code == 422, response.get_json()
    assert field in errors_of(response)
    assert api.counts() == before


def test_an_unknown_person_is_a_json_404(signed_in: Callable[[str], Browser]) -> None:
    response = signed_in("worker").get("/api/v1/people/424242")

    assert response.status_code == 404
    assert response.get_json()["message"] == "There is no person 424242."


# -- search ---------------------------------------------------------------------------
def test_search_takes_its_words_in_the_body_and_logs_each_child_shown(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    worker = signed_in("worker")
    found = Api(app, worker, app.extensions["store"])
    ellis = found.record(ELLIS)
    other = found.record(PersonDetails("Eli", "Quenby", date_of_birth=date(2012, 1, 9)))
    found.record(PersonDetails("Sam", "Unrelated"))

    response = worker.api("POST", "/api/v1/search", {"q": "Quenbie"})

    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert {r["person_id"] for r in results} == {ellis, other}
    first = next(r for r in results if r["person_id"] == ellis)
    assert (first["name"], first["date_of_birth"], first["postcode"]) == (
        "Ellis Quenbie", "2016-04-03", "WR5 1AA")
    assert "nhs_number" not in first and "upn" not in first  # enough to tell apart, no more
    with db() as session:
        logged = session.scalars(select(AccessLogRow).where(
            AccessLogRow.route == "/api/v1/search")).all()
    assert sorted(r.child_id for r in logged if r.child_id) == sorted([ellis, other])
    assert all("Quenbie" not in r.route for r in logged)


def test_search_is_never_a_url_and_an_empty_query_is_named(
        signed_in: Callable[[str], Browser]) -> None:
    worker = signed_in("worker")

    assert worker.get("/api/v1/search?q=Quenbie").status_code == 405
    empty = worker.api("POST", "/api/v1/search", {"q": "  "})
    unknown = worker.api("POST", "/api/v1/search", {"name": "Quenbie"})
    assert empty.status_code == 422 and "q" in errors_of(empty)
    assert unknown.status_code == 422 and "name" in errors_of(unknown)


def test_search_by_date_of_birth_range(app: Flask, signed_in: Callable[[str], Browser]
                                       ) -> None:
    worker = signed_in("worker")
    found = Api(app, worker, app.extensions["store"])
    ellis = found.record(ELLIS)
    found.record(PersonDetails("Eli", "Quenby", date_of_birth=date(2012, 1, 9)))

    response = worker.api("POST", "/api/v1/search", {"q": "Quenbie", "born_from": "2016-01-01",
                                                     "born_to": "2016-12-31"})

    assert [r["person_id"] for r in response.get_json()["results"]] == [ellis]


# -- who may use what -------------------------------------------------------------------
@pytest.mark.parametrize(("who", "method", "path"), [
    ("partner", "POST", "/api/v1/search"), ("partner", "GET", "/api/v1/people/1"),
    ("partner", "PATCH", "/api/v1/people/1"), ("partner", "POST", "/api/v1/contacts"),
    ("partner", "GET", "/api/v1/contacts/1/chronology"), ("partner", "GET", "/api/v1/teams"),
    ("partner", "GET", "/api/v1/mash/meetings"), ("partner", "GET", "/api/v1/mash/meetings/1"),
    ("admin", "GET", "/api/v1/people/1"), ("admin", "POST", "/api/v1/search"),
    ("social_worker", "GET", "/api/v1/teams"), ("worker", "GET", "/api/v1/teams"),
    ("social_worker", "GET", "/api/v1/mash/meetings"),
    ("social_worker", "POST", "/api/v1/contacts"),
    ("admin", "POST", "/api/v1/people/1/warnings"),
])
def test_a_role_not_granted_is_refused_and_sees_nothing(
        who: str, method: str, path: str, signed_in: Callable[[str], Browser],
        contacts: Contacts) -> None:
    contacts.one("Alex", "Example")

    response = signed_in(who).api(method, path, {} if method != "GET" else None)

    assert response.status_code == 403
    assert "Alex" not in response.get_data(as_text=True)


def test_no_api_call_is_answered_without_signing_in(anonymous: Browser) -> None:
    for method, path in (("POST", "/api/v1/search"), ("GET", "/api/v1/people/1"),
                         ("GET", "/api/v1/teams"), ("GET", "/api/v1/mash/meetings")):
        assert anonymous.api(method, path, {}).status_code == 401


# -- teams and caseloads ----------------------------------------------------------------
def test_teams_list_members_managers_capacity_and_the_open_contacts_each_holds(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    accounts = app.extensions["accounts"]
    accounts.save_team("assessment-1", "Assessment Team 1", "assessment", 12)
    accounts.join_team("assessment-1", "social.worker", False)
    accounts.join_team("assessment-1", "team.manager.two", True)
    held = [contacts.one("Ari", "Held"), contacts.one("Bo", "Held"), contacts.one("Cy", "Held")]
    for contact_id in held:
        contacts.fire(contact_id, "allocate", who="manager", team="assessment-1",
                      worker="social.worker")
    team_only = contacts.one("Di", "Teamonly")
    contacts.fire(team_only, "allocate", who="manager", team="assessment-1", worker="")
    _close(contacts, held[2])

    response = signed_in("manager").get("/api/v1/teams")

    assert response.status_code == 200
    team = next(t for t in response.get_json()["teams"] if t["code"] == "assessment-1")
    assert (team["name"], team["kind"], team["kind_label"], team["capacity"]) == (
        "Assessment Team 1", "assessment", "Assessment", 12)
    assert team["managers"] == ["team.manager.two"]
    assert {m["username"]: (m["manager"], m["caseload"]) for m in team["members"]} == {
        "social.worker": (False, 2), "team.manager.two": (True, 0)}
    assert team["caseload"] == 3  # two with the worker, one with the team alone; not the closed


def _close(contacts: Contacts, contact_id: int) -> None:
    driver = OnService(contacts.uow, contacts.rules, contact_id, contacts.version(contact_id),
                       datetime.now(UTC))
    walk_to(driver, Stage.CLOSED)


# -- chronology and meetings --------------------------------------------------------------
def test_a_contacts_chronology_is_the_childs_across_contacts_and_is_logged(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    earlier = contacts.one("Alex", "Example", ago=timedelta(days=3))
    with db() as session:
        child_id = session.get(ContactRow, earlier).child_id  # type: ignore[union-attr]
    now = datetime.now(UTC)
    [later] = record_contact(contacts.uow(), contacts.rules, NewContact(
        now - timedelta(hours=1), "6", [child_id], concerns="Synthetic: second worry"),
        person_actor("worker"), now)

    response = signed_in("worker").get(f"/api/v1/contacts/{later['id']}/chronology")

    assert response.status_code == 200
    body = response.get_json()
    assert body["child_id"] == child_id
    assert [e["contact"] for e in body["entries"]] == [f"FD{earlier:07d}",
                                                       f"FD{later['id']:07d}"]
    assert all(e["by"] == "Dee Worker (Front door worker)" for e in body["entries"])
    with db() as session:
        logged = session.scalars(select(AccessLogRow).where(
            AccessLogRow.route == "/api/v1/contacts/<int:contact_id>/chronology")).all()
    assert [(r.child_id, r.contact_id) for r in logged] == [(child_id, later["id"])]
    assert signed_in("worker").get("/api/v1/contacts/999999/chronology").status_code == 404


def test_meetings_serve_attendees_agenda_views_and_the_joint_recommendation(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING, "Nia", "Agenda")
    chair, now = Actor("mash.chair", Role.MASH_CHAIR), datetime.now(UTC)
    day = now.astimezone(LONDON).date()
    meeting_id = open_meeting(contacts.uow(), contacts.rules, day, chair, now)
    add_attendee(contacts.uow(), contacts.rules, meeting_id, "police", "DS Synthetic", chair,
                 now, "Detective sergeant")
    add_to_agenda(contacts.uow(), contacts.rules, meeting_id, contact_id, chair, now)
    record_decision(contacts.uow(), contacts.rules, meeting_id, contact_id, Joint(
        "early_help", "Needs support, no significant harm", {"police": "No trace"}, 2),
        chair, now)
    worker = signed_in("worker")

    listed = worker.get("/api/v1/mash/meetings").get_json()["meetings"]
    detail = worker.get(f"/api/v1/mash/meetings/{meeting_id}").get_json()

    assert [(m["id"], m["held_on"], m["attendees"], m["agenda"], m["decided"])
            for m in listed] == [(meeting_id, day.isoformat(), 1, 1, 1)]
    assert detail["attendees"] == [{"agency": "police", "agency_name": "Police",
                                    "name": "DS Synthetic", "position": "Detective sergeant"}]
    [item] = detail["agenda"]
    assert (item["contact_id"], item["reference"], item["child"]) == (
        contact_id, f"FD{contact_id:07d}", "Nia Agenda")
    assert (item["outcome"], item["outcome_label"], item["level"], item["rationale"],
            item["views"], item["decided_by"]) == (
        "early_help", "Early help", 2, "Needs support, no significant harm",
        {"police": "No trace"}, "mash.chair")
    with db() as session:
        logged = session.scalars(select(AccessLogRow.child_id).where(
            AccessLogRow.route == "/api/v1/mash/meetings/<int:meeting_id>")).all()
    assert logged == [item["child_id"]]
    assert worker.get("/api/v1/mash/meetings/999999").status_code == 404


# -- the OpenAPI document -----------------------------------------------------------------
NEW_ROUTES = {
    ("/api/v1/contacts", "post"): "ContactsMadeOut",
    ("/api/v1/contacts/{contact_id}", "get"): "ContactOut",
    ("/api/v1/contacts/{contact_id}/chronology", "get"): "ChronologyOut",
    ("/api/v1/search", "post"): "SearchOut",
    ("/api/v1/people/{person_id}", "get"): "PersonPageOut",
    ("/api/v1/people/{person_id}", "patch"): "PersonPageOut",
    ("/api/v1/people/{person_id}/relationships", "post"): "RecordedOut",
    ("/api/v1/people/{person_id}/addresses", "post"): "RecordedOut",
    ("/api/v1/people/{person_id}/warnings", "post"): "RecordedOut",
    ("/api/v1/teams", "get"): "TeamsOut",
    ("/api/v1/mash/meetings", "get"): "MeetingsOut",
    ("/api/v1/mash/meetings/{meeting_id}", "get"): "MeetingOut",
}
BODIES = {("/api/v1/contacts", "post"): "NewContactIn", ("/api/v1/search", "post"): "SearchIn",
          ("/api/v1/people/{person_id}", "patch"): "PersonChangesIn",
          ("/api/v1/people/{person_id}/relationships", "post"): "RelationshipIn",
          ("/api/v1/people/{person_id}/addresses", "post"): "AddressIn",
          ("/api/v1/people/{person_id}/warnings", "post"): "WarningIn"}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_new_route_is_documented_with_its_schemas_and_every_ref_resolves(
        signed_in: Callable[[str], Browser]) -> None:
    doc = signed_in("worker").get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]

    for (path, method), name in NEW_ROUTES.items():
        responses = doc["paths"][path][method]["responses"]
        ok = next(r for code, r in responses.items() if code.startswith("2"))
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith(f"/{name}")
    for (path, method), name in BODIES.items():
        body = doc["paths"][path][method]["requestBody"]["content"]["application/json"]
        assert body["schema"]["$ref"].endswith(f"/{name}")
        assert "422" in doc["paths"][path][method]["responses"]
    assert "409" in doc["paths"]["/api/v1/contacts"]["post"]["responses"]
    assert "409" in doc["paths"]["/api/v1/people/{person_id}"]["patch"]["responses"]
    child = schemas["ChildIn"]["properties"]
    assert {f.name for f in dataclasses.fields(PersonDetails)} | {
        "person_id", "confirm_new"} <= set(child)
    assert schemas["ChildIn"].get("additionalProperties") is False
    assert set(schemas["PersonOut"]["properties"]) >= {"nhs_number", "upn", "disabilities",
                                                       "address", "identifier_decided_by"}
    dangling = {r for r in _refs(doc) if not _resolves(doc, r)}
    assert not dangling


def _resolves(doc: dict[str, Any], ref: str) -> bool:
    """Whether a local ``#/a/b/c`` reference names something in the document."""
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
