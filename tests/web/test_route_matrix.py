"""Every route × every role: deny by default, proved against the live URL map.

The rules come from ``app.url_map`` at test time, so a route added tomorrow (the MASH
pages, say) is checked the day it lands: unclassified → this file fails and names it;
classified → each role either may use it (never a 403) or is refused with 403, and a
visitor who has not signed in is sent to sign in (pages) or gets 401 (the API).

POSTs carry a valid CSRF token (form field or X-CSRFToken header), so a 403 here is the
role decision and not a missing token; their bodies are otherwise empty, so a granted
role is stopped by validation (4xx) before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.web.conftest import PEOPLE, ROLE_KEYS, SPARE, Browser, Contacts, url_for_rule
from web.access import PUBLIC
from workflow.persistence.tables import AccessLogRow, UserRow
from workflow.roles import Role

ANONYMOUS = "anonymous"
#: Routes that end the very session the matrix is using: tried last for each person.
SESSION_ENDING = ("auth.sign_out",)


def ordered_rules(app: Flask) -> list[Rule]:
    """Every rule, those that end the session last."""
    rules = list(app.url_map.iter_rules())
    return sorted(rules, key=lambda r: (r.endpoint in SESSION_ENDING, r.rule, r.endpoint))


def send(who: Browser, method: str, url: str) -> TestResponse:
    """One request; POST/PUT/PATCH/DELETE with a valid CSRF token and an empty body."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return who.client.open(url, method=method)
    if url.startswith("/api/"):
        return who.api(method, url, {})
    return who.client.open(url, method=method, data={"csrf_token": who.csrf()})


def _sent_to_sign_in(response: TestResponse) -> bool:
    return response.status_code in (301, 302, 303) and \
        response.headers.get("Location", "").startswith("/sign-in")


def verdict(rule: Any, role: Role | None, url: str, response: TestResponse) -> str | None:
    """What is wrong with this response for this role, or None when it is right."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if rule == PUBLIC:
        return "public route refused with 403" if status == 403 else None
    if role is None:
        if url.startswith("/api/"):
            return None if status == 401 else f"anonymous API call got {status}, not 401"
        return None if _sent_to_sign_in(response) else \
            f"anonymous got {status}, not a redirect to /sign-in"
    if rule is None or role not in rule:
        return None if status == 403 else f"role not granted got {status}, not 403"
    if status in (401, 403) or _sent_to_sign_in(response):
        return f"granted role was refused ({status})"
    return None


@pytest.fixture
def matrix_values(app: Flask, contacts: Contacts, db: Callable[[], Any]) -> dict[str, Any]:
    """Real ids for the URL variables: a contact that exists and a user who never signs in."""
    with db() as session:
        spare_id = session.scalar(select(UserRow.id).where(UserRow.username == SPARE.username))
    return {"contact_id": contacts.one(), "user_id": spare_id, "trigger": "rate",
            "filename": "build/app.css"}


def _requests(app: Flask, values: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(endpoint, method, url) for every method of every rule.

    The endpoint is the one Flask really dispatches the request to: an OPTIONS request
    for ``/api/v1/contacts`` is answered by the first matching rule (the GET), whatever
    rule we built the URL from, so it is judged by that rule's grant.
    """
    adapter = app.url_map.bind("localhost")
    for rule in ordered_rules(app):
        url = url_for_rule(rule, values)
        for method in sorted(rule.methods or ()):
            endpoint, _args = adapter.match(url, method)
            yield str(endpoint), method, url


def test_every_route_is_classified_as_public_or_granted_to_named_roles(app: Flask) -> None:
    rules = app.extensions["route_rules"]
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    unclassified = sorted(e for e in endpoints if rules.get(e) is None)
    assert not unclassified, (
        "These endpoints were never classified with @allow(...) or @public (or in "
        "access.LIBRARY_ENDPOINTS), so everyone is refused:\n  " + "\n  ".join(unclassified))


@pytest.mark.parametrize("who", [*ROLE_KEYS.values(), ANONYMOUS])
def test_each_role_gets_403_exactly_where_it_was_not_granted(
        who: str, app: Flask, anonymous: Browser, signed_in: Callable[[str], Browser],
        matrix_values: dict[str, Any]) -> None:
    """Every method of every rule, as this person; all violations are listed together."""
    person = anonymous if who == ANONYMOUS else signed_in(who)
    role = None if who == ANONYMOUS else PEOPLE[who].role
    rules = app.extensions["route_rules"]
    wrong = []
    for endpoint, method, url in _requests(app, matrix_values):
        response = send(person, method, url)
        problem = verdict(rules.get(endpoint), role, url, response)
        if problem:
            wrong.append(f"{method} {url} ({endpoint}): {problem}")
    assert not wrong, f"{who}:\n  " + "\n  ".join(wrong)


def test_the_matrix_covers_both_outcomes_for_every_signed_in_role(app: Flask) -> None:
    """Sanity of the matrix itself: each role is granted something and refused something."""
    rules = {e: r for e, r in app.extensions["route_rules"].items() if r not in (None, PUBLIC)}
    for role in Role:
        granted = [e for e, r in rules.items() if role in r]
        refused = [e for e, r in rules.items() if role not in r]
        assert granted and refused, role


def test_a_refused_attempt_is_written_to_the_access_log_as_denied(
        signed_in: Callable[[str], Browser], db: Callable[[], Any]) -> None:
    social_worker = signed_in("social_worker")

    response = social_worker.get("/allocation")

    assert response.status_code == 403
    assert "You do not have permission to do this" in response.get_data(as_text=True)
    with db() as session:
        rows = session.scalars(select(AccessLogRow).where(
            AccessLogRow.username == "social.worker")).all()
    assert [(r.route, r.outcome) for r in rows] == [("/allocation", "denied")]


def test_a_partner_is_refused_a_contact_page_and_the_refusal_is_logged(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Any]) -> None:
    contact_id = contacts.one()

    response = signed_in("partner").get(f"/contacts/{contact_id}")

    assert response.status_code == 403
    assert "Alex" not in response.get_data(as_text=True)  # no child's name leaks out
    with db() as session:
        row = session.scalars(select(AccessLogRow).where(
            AccessLogRow.username == "police.partner")).one()
    assert (row.route, row.outcome) == ("/contacts/<int:contact_id>", "denied")
