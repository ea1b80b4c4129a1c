"""Every route × every role: deny by default, proved against the live URL map.

The rules come from ``app.url_map`` at test time, so a route added tomorrow (the MASH
pages, say) is checked the day it lands: unclassified → this file fails and names it;
classified → each role either may use it (never a 403) or is refused with 403, and a
visitor who has not signed in is sent to sign in (pages) or gets 401 (the API).

POSTs carry a valid CSRF token (form field or X-CSRFToken header), so a 403 here is the
role decision and not a missing token; their bodies are otherwise empty, so a granted
role is stopped by validation (4xx) before anything is written.

And every endpoint is granted to exactly the roles written down here (``GRANTS``), or, for
the API's route of an action, to exactly the roles of that action's rows: a route that
appears, disappears or changes hands fails until this file says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.web.conftest import (
    PEOPLE,
    ROLE_KEYS,
    SPARE,
    Browser,
    Contacts,
    store_of,
    url_for_rule,
)
from web.access import PUBLIC
from workflow.audits.commands import DrawSample
from workflow.engine.action import Action
from workflow.engine.registry import actions
from workflow.persistence.tables import AccessLogRow, ContactRow, UserRow
from workflow.roles import Actor, Role
from workflow.services import handle
from workflow.stages import Stage

ANONYMOUS = "anonymous"
_FD, _CH, _TM, _SW, _PA, _AD = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER,
                                Role.SOCIAL_WORKER, Role.PARTNER, Role.ADMINISTRATOR)
_PSW = Role.PRINCIPAL_SOCIAL_WORKER
CASEWORKERS = frozenset({_FD, _CH, _TM, _SW})
#: Who holds cases from the queue and the contact page: caseworkers and Family Help lead
#: practitioners (each sees only their record scope; the engine decides each action).
CASEHOLDERS = CASEWORKERS | {Role.FAMILY_HELP_PRACTITIONER}
FRONT_DOOR = frozenset({_FD, _CH, _TM})
OVERSIGHT = frozenset({_CH, _TM})
#: Who audits (config/audits.toml), and who reads a case as its auditor may.
AUDITORS = frozenset({_PSW, _TM})
CASE_READERS = CASEWORKERS | {_PSW}
#: Who may use each endpoint that is not an action's generated API route. The page's one
#: action route is open to every caseworker: the engine then decides per action and row.
GRANTS: dict[str, frozenset[Role] | str] = {
    "static": PUBLIC, "home.health": PUBLIC, "health.ready": PUBLIC, "auth.sign_in": PUBLIC,
    "auth.sign_in_post": PUBLIC, "auth.sign_out": PUBLIC,
    "home.index": frozenset(Role), "api-docs.openapi_json": PUBLIC,
    "api_docs_page.page": PUBLIC,
    "home.workflow": CASEWORKERS | {_AD},
    "admin.users": frozenset({_AD}), "admin.revoke": frozenset({_AD}),
    "admin_clients.clients": frozenset({_AD}), "admin_clients.create": frozenset({_AD}),
    "admin_clients.revoke": frozenset({_AD}), "admin_clients.uses": frozenset({_AD}),
    "admin_clients.subscribe": frozenset({_AD}), "admin_clients.end": frozenset({_AD}),
    "admin.user": frozenset({_AD}), "admin.new_user": frozenset({_AD}),
    "admin.new_user_post": frozenset({_AD}), "admin.status": frozenset({_AD}),
    "admin.access": frozenset({_AD}), "admin.email": frozenset({_AD}),
    "admin.unlock": frozenset({_AD}), "admin.reset_password": frozenset({_AD}),
    "admin.reset_totp": frozenset({_AD}), "admin.audit_trail": frozenset({_AD}),
    "admin.jobs": frozenset({_AD}), "admin.retry_job": frozenset({_AD}),
    # A leaver's cases: seen by administrators and managers, moved by a manager (allocation).
    "leavers.cases": frozenset({_AD, _TM}), "leavers.reassign": frozenset({_TM}),
    # Signing in: the code step and single sign-on come before anyone is signed in.
    "auth.sign_in_code": PUBLIC, "auth.sign_in_code_post": PUBLIC,
    "sso.start": PUBLIC, "sso.callback": PUBLIC,
    # One's own account: everyone who is signed in.
    "account.password": frozenset(Role), "account.password_post": frozenset(Role),
    "account.security": frozenset(Role), "account.totp_start": frozenset(Role),
    "account.totp_confirm": frozenset(Role), "account.totp_remove": frozenset(Role),
    # One's own drafts and the time-out warning's "Stay signed in": everyone signed in.
    "drafts.drafts_for": frozenset(Role), "drafts.save": frozenset(Role),
    "drafts.discard": frozenset(Role), "drafts.stay": frozenset(Role),
    "contacts.queue": CASEHOLDERS, "contacts.contact": CASEHOLDERS | {_PSW},
    "contacts.action": CASEHOLDERS,
    "contacts.allocation": frozenset({_TM}), "contacts.allocate": frozenset({_TM}),
    "contacts.allocate_many": frozenset({_TM}), "contacts.upcoming": CASEHOLDERS,
    "info.help_page": frozenset(Role), "info.accessibility": PUBLIC, "info.privacy": PUBLIC,
    "intake.new_contact": FRONT_DOOR, "intake.new_contact_post": FRONT_DOOR,
    "assessments.assessment": CASE_READERS, "assessments.authorise_queue": frozenset({_TM}),
    "mash.agency_inbox": frozenset({_PA}), "mash.answer": frozenset({_PA}),
    "mash.child_chronology": CASE_READERS, "mash.child_chronology_csv": CASEWORKERS,
    "mash.agencies": OVERSIGHT,
    "mash_meetings.index": FRONT_DOOR, "mash_meetings.meeting": FRONT_DOOR,
    "mash_meetings.open_day": frozenset({_CH}), "mash_meetings.agenda": frozenset({_CH}),
    "mash_meetings.attendee": frozenset({_CH}), "mash_meetings.decision": frozenset({_CH}),
    "oversight.dashboard": CASEWORKERS, "oversight.clocks": CASEWORKERS,
    "oversight.notifications": CASEWORKERS, "oversight.mark_read": CASEWORKERS,
    "oversight.kpis": OVERSIGHT, "oversight.kpis_csv": OVERSIGHT,
    "oversight.multi_agency_teams": CASEWORKERS,
    "oversight.requests_behind": OVERSIGHT,
    "oversight.threshold_consistency": OVERSIGHT,
    # Practice standards and performance: every caseholder (their own line of management)
    # and the head of service.
    "standards.compliance": CASEWORKERS | {Role.HEAD_OF_SERVICE},
    "standards.cases": CASEWORKERS | {Role.HEAD_OF_SERVICE},
    "standards.cases_export": CASEWORKERS | {Role.HEAD_OF_SERVICE},
    "standards.team_performance": CASEWORKERS | {Role.HEAD_OF_SERVICE},
    "standards.trend_export": CASEWORKERS | {Role.HEAD_OF_SERVICE},
    "returns.index": frozenset({_TM}), "returns.annex_a": frozenset({_TM}),
    "returns.cin_census": frozenset({_TM}),
    "api.list_contacts": CASEWORKERS, "api.get_contact": CASEWORKERS,
    "api.create_contact": FRONT_DOOR, "api.contact_casework": CASEWORKERS,
    "api.assessments_awaiting_authorisation": frozenset({_TM}),
    "api.mash_inbox": frozenset({_PA}), "api.mash_answer": frozenset({_PA}),
    "api.mash_child_matches": FRONT_DOOR, "api.mash_agencies": OVERSIGHT,
    "api_thresholds.catalogue": CASEWORKERS, "api_thresholds.consistency": OVERSIGHT,
    "people.search_page": CASEWORKERS, "people.search_results": CASEWORKERS,
    "people.person": CASE_READERS, "people.update": CASEWORKERS, "people.move": CASEWORKERS,
    "people.relate": CASEWORKERS, "people.warn": CASEWORKERS,
    "api.people_search": CASEWORKERS, "api.person": CASEWORKERS,
    "api.person_change": CASEWORKERS, "api.person_addresses": CASEWORKERS,
    "api.person_relationships": CASEWORKERS, "api.person_warnings": CASEWORKERS,
    "api.contact_chronology": CASEWORKERS, "api.contact_outcome": CASEWORKERS,
    "api.teams": OVERSIGHT,
    "api.mash_meetings": FRONT_DOOR, "api.mash_meeting": FRONT_DOOR,
    "access.open_contact": CASEWORKERS, "access.open_person": CASEWORKERS,
    "access.report": frozenset({_TM}), "access.child_history": frozenset({_TM}),
    "access.child_history_csv": frozenset({_TM}),
    "sharing.ledger": OVERSIGHT, "sharing.ledger_csv": OVERSIGHT,
    # Case audits: auditors sample, audit, moderate and track; the practitioner opens and
    # answers the audit of their own work and marks their actions done; partners read
    # the published learning.
    "audits.index": AUDITORS, "audits.draw_sample": AUDITORS, "audits.sample_page": AUDITORS,
    "audits.observe": AUDITORS, "audits.save": AUDITORS, "audits.moderate": AUDITORS,
    "audits.actions": AUDITORS, "audits.add_learning": AUDITORS,
    "audits.audit": CASEWORKERS | AUDITORS, "audits.respond": CASEWORKERS | AUDITORS,
    "audits.action_done": CASEWORKERS | AUDITORS,
    "audits.learning": CASEWORKERS | AUDITORS | {_PA},
    "audits.learning_csv": CASEWORKERS | AUDITORS | {_PA},
}
#: Where a page offers actions (the API has a contact route for each action offered there).
PAGE_PARTS = ("contact", "assessment", "requests", "meeting")


def api_endpoint(action: Action[object]) -> str | None:
    """The API endpoint generated for an action (None for recording a contact, which is
    POST /api/v1/contacts)."""
    if action.locate or any(p in action.offered_in for p in PAGE_PARTS):
        return f"api.action_{action.name}"
    return None


def expected_grants() -> dict[str, frozenset[Role] | str]:
    """Every endpoint the app should have, and who may use it."""
    generated = {e: a.roles for a in actions().values() if (e := api_endpoint(a))}
    assert not set(generated) & set(GRANTS)
    return GRANTS | generated
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
    contact_id = contacts.one()
    # Held by the social worker's team while still at the front door: within every
    # caseworker's record scope, so the matrix sees the role grants alone (scope has its own
    # tests in test_record_scope.py).
    contacts.fire(contact_id, "allocate", who="manager", team="assessment-1",
                  worker="social.worker")
    # Sampled for audit by the principal social worker, whose scope is the cases they audit.
    handle(app.extensions["uow"](), app.extensions["rules"], DrawSample(
        "Matrix sample", "rule", "case_audit", (contact_id,),
        Actor(PEOPLE["psw"].username, Role.PRINCIPAL_SOCIAL_WORKER), datetime.now(UTC)))
    # The Family Help practitioner works with that team too, for the same reason.
    store_of(app).accounts.join_team("assessment-1", PEOPLE["family_help"].username, False)
    with db() as session:
        spare_id = session.scalar(select(UserRow.id).where(UserRow.username == SPARE.username))
        person_id = session.scalar(select(ContactRow.child_id)
                                   .where(ContactRow.id == contact_id))
    return {"contact_id": contact_id, "user_id": spare_id, "person_id": person_id,
            "name": "rate", "filename": "build/app.css"}


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


def grant_problems(actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Each endpoint that is new, missing or granted to other roles than written down."""
    problems = [f"{e}: not in this file's table (granted {_roles(actual[e])})"
                for e in sorted(set(actual) - set(expected))]
    problems += [f"{e}: expected, but the app has no such endpoint"
                 for e in sorted(set(expected) - set(actual))]
    problems += [f"{e}: granted {_roles(actual[e])}, expected {_roles(expected[e])}"
                 for e in sorted(set(actual) & set(expected)) if actual[e] != expected[e]]
    return problems


def test_every_endpoint_is_granted_to_exactly_the_roles_written_down(app: Flask) -> None:
    """New, missing or re-granted endpoints are each named (deny by default is not enough:
    a route granted to too many roles is a hole too)."""
    problems = grant_problems(app.extensions["route_rules"], expected_grants())
    assert not problems, "\n  ".join(["Route grants differ:", *problems])


def _roles(rule: frozenset[Role] | str | None) -> str:
    if rule is None or isinstance(rule, str):
        return str(rule)
    return ", ".join(sorted(r.value for r in rule))


def test_each_actions_api_route_is_granted_to_exactly_the_roles_of_its_rows(
        app: Flask) -> None:
    """Said once more without the table: the generated routes follow the definitions, and
    the pages' one action route and recording a contact cover every role an action names."""
    rules = app.extensions["route_rules"]
    for action in actions().values():
        endpoint = api_endpoint(action)
        if endpoint is None:
            assert action.offered_in == ("intake",), action.name
            assert rules["api.create_contact"] == action.roles == rules[
                "intake.new_contact_post"]
            continue
        assert rules[endpoint] == action.roles, action.name
        if set(action.offered_in) & {"contact", "assessment", "requests"}:
            assert action.roles <= rules["contacts.action"], action.name


def test_the_grant_check_names_a_new_a_missing_and_a_re_granted_endpoint(
        app: Flask) -> None:
    """The check above can fail: each kind of drift, planted in a copy, is named."""
    planted = dict(app.extensions["route_rules"])
    planted["contacts.planted"] = CASEWORKERS
    del planted["contacts.allocate"]
    planted["api.action_sign_off"] = FRONT_DOOR  # a worker could sign off an override

    assert grant_problems(planted, expected_grants()) == [
        "contacts.planted: not in this file's table (granted front_door_worker, mash_chair, "
        "social_worker, team_manager)",
        "contacts.allocate: expected, but the app has no such endpoint",
        "api.action_sign_off: granted front_door_worker, mash_chair, team_manager, "
        "expected team_manager"]


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


# -- the scope axis: the same routes with a record outside the person's cases ---------------

#: URL variables that name a record within someone's scope (a contact, or its child).
SCOPED_VARIABLES = frozenset({"contact_id", "person_id", "child_id"})
#: Routes that name a record yet answer outside the scope: breaking the glass itself.
GLASS = frozenset({"access.open_contact", "access.open_person"})
#: Whose scope is narrower than the service, and which case lies outside it (a team
#: manager sees the whole service; partners and administrators open no case at all, which
#: the role matrix above already proves).
OUTSIDE: dict[str, str] = {"worker": "assessment-1", "chair": "assessment-1",
                           "social_worker": "front-door"}


def _outside_values(contacts: Contacts, db: Callable[[], Any], team: str) -> dict[str, Any]:
    """A case at assessment held by ``team`` (and a worker of it): its contact and child."""
    contact_id = contacts.at(Stage.ASSESSMENT, "Otto", "Outside")
    worker = "social.worker" if team == "assessment-1" else "fd.worker"
    contacts.fire(contact_id, "allocate", who="manager", team=team, worker=worker)
    with db() as session:
        child_id = session.scalar(select(ContactRow.child_id)
                                  .where(ContactRow.id == contact_id))
    return {"contact_id": contact_id, "person_id": child_id, "child_id": child_id,
            "name": "rate", "user_id": 1, "filename": "build/app.css"}


def scope_verdict(endpoint: str, response: TestResponse) -> str | None:
    """What is wrong with the answer to a granted route naming an out-of-scope record."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if endpoint in GLASS:
        return None if status != 403 else "breaking the glass was itself refused"
    return None if status in (403, 404) else f"got {status}, not 403/404"


@pytest.mark.parametrize("who", sorted(OUTSIDE))
def test_each_granted_route_naming_a_record_outside_the_persons_cases_refuses_it(
        who: str, app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Any]) -> None:
    """Every route × this role × a record out of scope: refused, unless it is how the
    glass is broken (the in-scope half is the matrix above, on a record all may open)."""
    values = _outside_values(contacts, db, OUTSIDE[who])
    person, role = signed_in(who), PEOPLE[who].role
    rules = app.extensions["route_rules"]
    tried, wrong = 0, []
    for endpoint, method, url in _requests(app, values):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        granted = rules.get(endpoint)
        if not (set(rule.arguments) & SCOPED_VARIABLES) or granted == PUBLIC or \
                granted is None or role not in granted or method in ("HEAD", "OPTIONS"):
            continue
        tried += 1
        if problem := scope_verdict(endpoint, send(person, method, url)):
            wrong.append(f"{method} {url} ({endpoint}): {problem}")
    assert tried >= 10, f"only {tried} scoped routes tried"
    assert not wrong, f"{who}:\n  " + "\n  ".join(wrong)


def test_the_glass_routes_are_the_only_ones_exempt_from_scope(app: Flask) -> None:
    """A route made exempt from the record scope must be written down here."""
    from web.access import _SCOPE_EXEMPT, _key

    exempt = {e for e, view in app.view_functions.items()
              if _key(getattr(view, "view_class", None) or view) in _SCOPE_EXEMPT}
    assert exempt == GLASS
