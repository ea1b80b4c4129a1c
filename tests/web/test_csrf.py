"""CSRF: a form post or API call without the page's token is refused and changes nothing.

Every POST route outside /api/ in the live URL map is tried without ``csrf_token`` by a
person allowed to use it, with a body that *would* work: the answer is 400 with a page
that says what to do, and every table keeps its row count. The same request with the
token then succeeds, which proves the 400 was about the token and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import (
    PEOPLE,
    ROLE_KEYS,
    SPARE,
    Browser,
    Contacts,
    all_counts,
    csrf_from,
    text_of,
    url_for_rule,
)
from web.access import PUBLIC
from workflow.persistence.tables import ContactRow, EventRow, SessionRow, UserRow
from workflow.stages import Stage

ANONYMOUS = "anonymous"
EXPIRED = "The form had expired or was not sent from Front Door"
NEW_CONTACT = {"received_at": "2026-01-05T09:30", "source": "2A", "channel": "phone",
               "referrer": "Head teacher", "concerns": "Bruising seen at school",
               "consent": "given", "child-0-first_name": "Robin",
               "child-0-last_name": "Testwell", "child-0-date_of_birth": "2015-06-01",
               "confirmed": "received_at"}  # months ago, and meant


def _user_id(db: Callable[[], Session], username: str) -> int:
    with db() as session:
        return int(session.scalar(select(UserRow.id).where(UserRow.username == username)))


def _form_cases(contact_id: int, version: int) -> dict[str, tuple[str, dict[str, Any]]]:
    """Endpoint → (who sends it, a body that is accepted when the token is present)."""
    return {
        "auth.sign_in_post": (ANONYMOUS, {"username": SPARE.username,
                                          "password": SPARE.password}),
        "auth.sign_out": ("worker", {}),
        "intake.new_contact_post": ("worker", NEW_CONTACT),
        "contacts.action": ("worker", {"rag": "red", "reason": "Injury disclosed",
                                       "version": version}),
        # Sent after the rating above (see the accepted test's order): one version on.
        "contacts.allocate": ("manager", {"team": "assessment-1", "worker": "social.worker",
                                          "version": version + 1}),
        "admin.revoke": ("admin", {}),
    }


def _first_granted(rule: Any) -> str:
    if rule == PUBLIC:
        return ANONYMOUS
    return next(ROLE_KEYS[r] for r in sorted(rule))


@pytest.fixture
def form_posts(app: Flask, contacts: Contacts, db: Callable[[], Session]
               ) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    """(endpoint, url, who, body or None when no known-good body) for each POST form route."""
    contact_id = contacts.at(Stage.SCREENING)
    cases = _form_cases(contact_id, contacts.version(contact_id))
    values = {"contact_id": contact_id, "name": "rate",
              "user_id": _user_id(db, PEOPLE["worker"].username)}
    rules = app.extensions["route_rules"]
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule.startswith("/api/"):
            continue
        who, body = cases.get(rule.endpoint, (_first_granted(rules[rule.endpoint]), None))
        found.append((rule.endpoint, url_for_rule(rule, values), who, body))
    return found


def test_every_post_form_without_a_csrf_token_is_refused_with_400_and_writes_nothing(
        form_posts: list[tuple[str, str, str, dict[str, Any] | None]], anonymous: Browser,
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    assert {e for e, *_ in form_posts} >= {"intake.new_contact_post", "contacts.action",
                                          "contacts.allocate", "admin.revoke",
                                          "auth.sign_in_post", "auth.sign_out"}
    for endpoint, url, who, body in form_posts:
        person = anonymous if who == ANONYMOUS else signed_in(who)
        with db() as session:
            before = all_counts(session)

        response = person.post(url, body or {}, csrf=False)

        assert response.status_code == 400, f"{endpoint}: {response.status_code}"
        assert EXPIRED in text_of(response), endpoint
        with db() as session:
            assert all_counts(session) == before, f"{endpoint} wrote rows without a token"


def test_the_same_posts_with_the_token_are_accepted(
        form_posts: list[tuple[str, str, str, dict[str, Any] | None]], anonymous: Browser,
        signed_in: Callable[[str], Browser]) -> None:
    """The control: the refused bodies were good, so the token was the only reason."""
    ending = ("auth.sign_out", "admin.revoke")  # these end the worker's session: last
    order = {"contacts.action": 0, "contacts.allocate": 1}  # the rating moves the version
    for endpoint, url, who, body in sorted(form_posts, key=lambda p: (
            p[0] in ending, order.get(p[0], -1))):
        if body is None:
            continue
        person = anonymous if who == ANONYMOUS else signed_in(who)
        response = person.post(url, body)
        assert response.status_code == 302, f"{endpoint}: {response.status_code}"
        if endpoint != "auth.sign_out":
            assert not response.headers["Location"].startswith("/sign-in"), endpoint


def test_sign_out_without_a_token_leaves_the_person_signed_in(
        signed_in: Callable[[str], Browser]) -> None:
    worker = signed_in("worker")

    assert worker.post("/sign-out", csrf=False).status_code == 400

    assert worker.get("/queue").status_code == 200


def test_end_sessions_without_a_token_leaves_the_other_person_signed_in(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    admin, worker = signed_in("admin"), signed_in("worker")
    worker_id = _user_id(db, "fd.worker")

    assert admin.post(f"/admin/users/{worker_id}/revoke", csrf=False).status_code == 400

    assert worker.get("/queue").status_code == 200
    with db() as session:
        assert session.scalars(select(SessionRow).where(
            SessionRow.user_id == worker_id, SessionRow.revoked_at.is_not(None))).all() == []


def test_a_token_from_someone_elses_page_does_not_work(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    worker, chair = signed_in("worker"), signed_in("chair")
    chairs_token = csrf_from(text_of(chair.get(f"/contacts/{contact_id}")))

    response = worker.client.post(f"/contacts/{contact_id}/actions/rate", data={
        "csrf_token": chairs_token, "rag": "red", "reason": "x",
        "version": contacts.version(contact_id)})

    assert response.status_code == 400
    with db() as session:
        assert session.get(ContactRow, contact_id).rag is None


def test_a_tampered_token_is_refused(signed_in: Callable[[str], Browser],
                                     db: Callable[[], Session]) -> None:
    worker = signed_in("worker")
    with db() as session:
        before = all_counts(session)

    response = worker.client.post("/contacts/new", data=NEW_CONTACT | {
        "csrf_token": worker.csrf()[:-4] + "AAAA"})

    assert response.status_code == 400
    with db() as session:
        assert all_counts(session) == before


API_CONTACT = {"received_at": "2026-01-05T09:30:00+00:00", "source": "6",
               "concerns": "Police notification", "confirmed": ["received_at"], "children": [
                   {"first_name": "Kit", "last_name": "Madeup"}]}


def test_the_api_refuses_a_post_without_the_x_csrftoken_header(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    worker = signed_in("worker")
    with db() as session:
        before = all_counts(session)

    response = worker.api("POST", "/api/v1/contacts", API_CONTACT, csrf=False)

    assert response.status_code == 400
    assert response.is_json and EXPIRED in response.get_json()["message"]
    with db() as session:
        assert all_counts(session) == before
    assert worker.api("POST", "/api/v1/contacts", API_CONTACT).status_code == 201


def test_the_api_refuses_an_action_without_the_header_and_the_contact_stays_put(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.one()
    worker = signed_in("worker")

    response = worker.api("POST", f"/api/v1/contacts/{contact_id}/actions/start_screening",
                          {"version": 1}, csrf=False)

    assert response.status_code == 400
    assert contacts.stage(contact_id) == "received"
    with db() as session:
        assert len(session.scalars(select(EventRow).where(
            EventRow.contact_id == contact_id)).all()) == 1  # only "received"
