"""API clients with scoped tokens, as a police force's and a health trust's systems use
them: a bearer token instead of a sign-in (no CSRF), each scope opening its routes only,
every record the client's agency's, refusals that say why, and every call logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import freezegun
import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts, store_of
from workflow.integrations.admin import create_client
from workflow.persistence.tables_integrations import ApiClientRow, ApiTokenUseRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.stages import Stage

CHILD = {"first_name": "Kit", "last_name": "Madeup", "date_of_birth": "2019-05-01"}
#: Received an hour ago (a contact from months back is a question the API asks first).
NEW = {"received_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "source": "6",
       "channel": "police_notification", "referrer": "PC Synthetic",
       "concerns": "Domestic abuse incident, children present",
       "consent": "not_sought_risk", "children": [CHILD]}
Token = Callable[..., str]


@pytest.fixture
def token(app: Flask) -> Token:
    """``token("police", "contacts:create")``: a new client's token, as an administrator
    makes it (the client is named after its agency and scopes)."""
    store = store_of(app)
    agencies = app.extensions["rules"].mash.agencies.ids()

    def make(agency: str, *scopes: str) -> str:
        name = f"{agency}-{len(store.clients.all())}"
        _client, made = create_client(store.clients, agencies, name, agency, " ".join(scopes),
                                      "admin", datetime.now(UTC))
        return made

    return make


def call(anonymous: Browser, method: str, path: str, bearer: str, body: Any = None) -> Any:
    return anonymous.client.open(path, method=method, json=body,
                                 headers={"Authorization": f"Bearer {bearer}"})


def _police_contact(anonymous: Browser, police: str) -> int:
    made = call(anonymous, "POST", "/api/v1/contacts", police, NEW)
    assert made.status_code == 201, made.get_json()
    return int(made.get_json()["contacts"][0]["id"])


def test_a_police_token_creates_a_contact_without_csrf_and_reads_its_outcome(
        anonymous: Browser, token: Token) -> None:
    police = token("police", "contacts:create", "contacts:read-own")

    contact_id = _police_contact(anonymous, police)
    outcome = call(anonymous, "GET", f"/api/v1/contacts/{contact_id}/outcome", police)

    assert outcome.status_code == 200
    assert outcome.get_json()["stage"] == Stage.RECEIVED
    assert outcome.get_json()["decision"] is None
    assert "Kit" not in outcome.get_data(as_text=True)  # the outcome, never the child


def test_a_police_token_cannot_read_a_contact_another_agency_or_a_person_recorded(
        anonymous: Browser, token: Token, contacts: Contacts) -> None:
    health = token("health", "contacts:create", "contacts:read-own")
    police = token("police", "contacts:create", "contacts:read-own")
    theirs = _police_contact(anonymous, health)
    by_a_worker = contacts.one()

    refused = [call(anonymous, "GET", f"/api/v1/contacts/{c}/outcome", police)
               for c in (theirs, by_a_worker)]
    full = call(anonymous, "GET", f"/api/v1/contacts/{theirs}", police)

    assert [r.status_code for r in refused] == [403, 403]
    assert refused[0].get_json()["message"] == "This contact was not sent by your agency."
    assert full.status_code == 403  # the whole contact is never open to a token


def test_a_police_token_cannot_answer_requests_and_is_told_which_scope_it_lacks(
        anonymous: Browser, token: Token, contacts: Contacts, db: Callable[[], Session]) -> None:
    police = token("police", "contacts:create", "contacts:read-own")
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    contacts.fire(contact_id, "request_information", agency="police")
    with db() as s:
        request_id = s.scalar(select(InfoRequestRow.id))

    answered = call(anonymous, "POST", f"/api/v1/requests/{request_id}/answer", police,
                    {"sharing": "shared", "answer": "Nothing known",
                     "lawful_basis": "public_task"})

    assert answered.status_code == 403
    assert "requests:answer" in answered.get_json()["message"]
    with db() as s:
        assert s.scalar(select(InfoRequestRow.status)) == "open"


def test_a_health_token_answers_its_own_agencys_request_and_not_the_polices(
        anonymous: Browser, token: Token, contacts: Contacts, db: Callable[[], Session]) -> None:
    health = token("health", "requests:read-own", "requests:answer")
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    contacts.fire(contact_id, "request_information", agency="health")
    contacts.fire(contact_id, "request_information", agency="police")
    with db() as s:
        ids = dict(s.execute(select(InfoRequestRow.agency, InfoRequestRow.id)).all())
    body = {"sharing": "shared", "answer": "Known to the health visitor",
            "lawful_basis": "public_task"}

    inbox = call(anonymous, "GET", "/api/v1/inbox", health)
    own = call(anonymous, "POST", f"/api/v1/requests/{ids['health']}/answer", health, body)
    other = call(anonymous, "POST", f"/api/v1/requests/{ids['police']}/answer", health, body)

    assert [i["id"] for i in inbox.get_json()["open"]] == [ids["health"]]
    assert (own.status_code, other.status_code) == (200, 403)
    with db() as s:
        assert dict(s.execute(select(InfoRequestRow.agency, InfoRequestRow.status))
                    .all()) == {"health": "answered", "police": "open"}


def test_a_revoked_token_is_refused_with_401_and_a_bearer_challenge(
        app: Flask, anonymous: Browser, token: Token) -> None:
    police = token("police", "contacts:create")
    store = store_of(app)
    [client] = store.clients.all()
    store.clients.revoke(client.id, datetime.now(UTC))

    refused = call(anonymous, "POST", "/api/v1/contacts", police, NEW)

    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith('Bearer realm="Front Door API"')
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert refused.get_json()["message"] == "The token was revoked by an administrator."


@pytest.mark.parametrize("bearer", ["fdt_0000beef_nonsense", "not-even-a-token", "fdt_"])
def test_an_unknown_token_is_refused_with_401(anonymous: Browser, bearer: str) -> None:
    refused = call(anonymous, "GET", "/api/v1/inbox", bearer)

    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_a_route_no_scope_opens_is_refused_with_403_for_any_token(
        anonymous: Browser, token: Token) -> None:
    every = token("police", "contacts:create", "contacts:read-own", "requests:read-own",
                  "requests:answer", "reference:read")

    queue = call(anonymous, "GET", "/api/v1/contacts", every)

    assert queue.status_code == 403
    assert queue.get_json()["message"] == "This route is not open to API tokens."


def test_reference_data_is_open_to_a_token_with_reference_read(
        anonymous: Browser, token: Token) -> None:
    reader, other = token("health", "reference:read"), token("health", "requests:read-own")

    assert call(anonymous, "GET", "/api/v1/thresholds/catalogue", reader).status_code == 200
    assert call(anonymous, "GET", "/api/v1/thresholds/catalogue", other).status_code == 403


def test_a_session_still_needs_csrf_and_a_token_never_rides_on_a_session_cookie(
        signed_in: Callable[[str], Browser], token: Token) -> None:
    worker = signed_in("worker")
    weak = token("police", "reference:read")

    without_csrf = worker.api("POST", "/api/v1/contacts", NEW, csrf=False)
    with_token = worker.client.get("/api/v1/contacts",
                                   headers={"Authorization": f"Bearer {weak}"})

    assert without_csrf.status_code == 400
    assert with_token.status_code == 403  # judged by the token, not the worker's cookie


def test_every_token_use_is_logged_by_route_and_status_and_the_token_is_not_stored(
        app: Flask, anonymous: Browser, token: Token, db: Callable[[], Session]) -> None:
    police = token("police", "contacts:create", "contacts:read-own")
    contact_id = _police_contact(anonymous, police)
    call(anonymous, "GET", f"/api/v1/contacts/{contact_id}/outcome", police)
    call(anonymous, "GET", "/api/v1/inbox", police)
    call(anonymous, "GET", "/api/v1/inbox", "fdt_0000beef_nonsense")

    with db() as s:
        uses = s.execute(select(ApiTokenUseRow.client_id, ApiTokenUseRow.method,
                                ApiTokenUseRow.route, ApiTokenUseRow.status)
                         .order_by(ApiTokenUseRow.id)).all()
        stored = s.scalars(select(ApiClientRow.token_hash)).one()
    client_id = store_of(app).clients.all()[0].id

    assert uses == [(client_id, "POST", "/api/v1/contacts", 201),
                    (client_id, "GET", "/api/v1/contacts/<int:contact_id>/outcome", 200),
                    (client_id, "GET", "/api/v1/inbox", 403),
                    (None, "GET", "/api/v1/inbox", 401)]
    assert police not in stored and len(stored) == 64


def test_the_token_use_log_cannot_be_rewritten(
        anonymous: Browser, token: Token, db: Callable[[], Session]) -> None:
    call(anonymous, "GET", "/api/v1/inbox", token("health", "requests:read-own"))

    with db() as s, pytest.raises(Exception, match="append-only"):
        s.execute(text("UPDATE api_token_use SET status = 200"))


def test_a_token_told_a_child_may_be_known_learns_no_details_of_the_known_child(
        anonymous: Browser, token: Token, contacts: Contacts) -> None:
    contacts.record(("Kit", "Madeup"))
    police = token("police", "contacts:create")

    maybe = call(anonymous, "POST", "/api/v1/contacts", police,
                 NEW | {"children": [{"first_name": "Kit", "last_name": "Madeup"}]})

    assert maybe.status_code == 409
    [candidate] = maybe.get_json()["children"][0]["candidates"]
    assert set(candidate) == {"person_id", "score", "reasons", "by_identifier"}
    assert "Kit" not in maybe.get_data(as_text=True)


def test_a_token_past_its_expiry_is_refused_with_401_saying_so(
        app: Flask, anonymous: Browser) -> None:
    store = store_of(app)
    agencies = app.extensions["rules"].mash.agencies.ids()
    with freezegun.freeze_time("2026-11-01 09:00:00"):
        _client, made = create_client(store.clients, agencies, "health-trust", "health",
                                      "requests:read-own", "admin", datetime.now(UTC), "30")
    headers = {"Authorization": f"Bearer {made}"}

    with freezegun.freeze_time("2026-11-30 23:59:00"):
        before = anonymous.client.get("/api/v1/inbox", headers=headers)
    with freezegun.freeze_time("2026-12-01 09:00:01"):
        after = anonymous.client.get("/api/v1/inbox", headers=headers)

    assert before.status_code == 200
    assert after.status_code == 401
    assert after.get_json()["message"].startswith("The token has expired")
