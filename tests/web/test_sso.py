"""Single sign-on against a stand-in OpenID Connect provider the tests run (tests/oidc_provider).

The whole flow is real: the sign-in page's button posts (with CSRF) and is sent to the
provider with state, nonce and a PKCE challenge; the provider redirects back with a code;
the app swaps it over HTTP (client secret, PKCE verifier) and validates the ID token against
the provider's JWKS. The provider is set up as Entra ID's multi-tenant endpoint with two
trusted tenants (a council and its police force) and one that is not trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.oidc_provider import CLIENT_ID, Running, StandIn, sso_toml
from tests.web.conftest import Template, copy_database, make_app, read_csrf, store_of, text_of
from workflow.persistence.tables import AccessLogRow, SessionRow, UserRow
from workflow.persistence.tables_identity import AdminAuditRow, UserIdentityRow
from workflow.roles import Role

SECRET_ENV = "FRONTDOOR_TEST_SSO_SECRET"
COUNCIL, POLICE, STRANGER = "tid-council", "tid-police", "tid-elsewhere"
EXTRA = f"""create_users = true
manage_access = true
[providers.standin.tenants]
"{COUNCIL}" = {{ name = "Council", email_domains = ["council.example.gov.uk"] }}
"{POLICE}" = {{ name = "Police", email_domains = ["police.example.uk"] }}
[[providers.standin.mappings]]
value = "g-front-door"
tenant = "{COUNCIL}"
role = "front_door_worker"
teams = ["front-door"]
[[providers.standin.mappings]]
value = "g-managers"
tenant = "{COUNCIL}"
teams = ["assessment-1"]
manages = ["assessment-1"]
[[providers.standin.mappings]]
value = "g-mash-police"
tenant = "{POLICE}"
role = "partner"
agency = "police"
"""


@pytest.fixture(scope="module")
def provider() -> Iterator[Running]:
    running = Running(multi_tenant=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def _module_app(template_db: Template, tmp_path_factory: pytest.TempPathFactory,
                provider: Running) -> Iterator[tuple[Flask, Path]]:
    """This module's app: the web tests' template database, and the stand-in provider."""
    folder = tmp_path_factory.mktemp("sso")
    path = folder / "frontdoor.db"
    copy_database(template_db.path, path)
    config = folder / "sso.toml"
    config.write_text(sso_toml(provider.state, SECRET_ENV, EXTRA), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(SECRET_ENV, "stand-in-client-secret")
        application = make_app(f"sqlite:///{path}", SSO_FILE=str(config))
    yield application, path
    store_of(application).close()


@pytest.fixture
def standin(provider: Running) -> StandIn:
    return provider.state


def sso_sign_in(client: FlaskClient, provider: StandIn) -> TestResponse:
    """Press the button, follow the provider, come back: the app's answer to the callback."""
    token = read_csrf(client, "/sign-in")
    start = client.post("/sign-in/sso/standin", data={"csrf_token": token})
    assert start.status_code == 302 and start.headers["Location"].startswith(
        provider.base_url + "/authorize?")
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    url = urlsplit(back.headers["Location"])
    return client.get(f"{url.path}?{url.query}")


def _pre_register(app: Flask, username: str, email: str, role: Role = Role.SOCIAL_WORKER,
                  team: str | None = "assessment-1") -> int:
    accounts = store_of(app).accounts
    made = accounts.save_account(username, "Pre Registered", role, team, None, "!sso")
    accounts.set_email(made.id, email)
    return made.id


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/queue").status_code == 200


def _refusals(db: Callable[[], Session]) -> int:
    with db() as session:
        return len(session.scalars(select(AccessLogRow).where(
            AccessLogRow.outcome == "sso_refused")).all())


def test_a_pre_registered_council_worker_signs_in_and_is_linked_by_issuer_and_subject(
        app: Flask, standin: StandIn, db: Callable[[], Session]) -> None:
    user_id = _pre_register(app, "sam.council", "sam@council.example.gov.uk",
                            Role.FRONT_DOOR_WORKER, "front-door")
    standin.sign_in_as("sub-sam", COUNCIL, email="Sam@Council.Example.gov.uk",
                       groups=["g-front-door"], name="Sam Council")
    client = app.test_client()

    response = sso_sign_in(client, standin)

    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert _signed_in(client)
    with db() as session:
        identity = session.scalars(select(UserIdentityRow)).one()
        assert (identity.user_id, identity.subject, identity.tenant) == (user_id, "sub-sam",
                                                                          COUNCIL)
        assert identity.issuer == f"{standin.base_url}/{COUNCIL}/v2.0"
    # The e-mail changes at the provider: the same person still signs in, by their subject.
    standin.sign_in_as("sub-sam", COUNCIL, email="sam.new@council.example.gov.uk",
                       groups=["g-front-door"])
    assert sso_sign_in(app.test_client(), standin).status_code == 302


@pytest.mark.parametrize("fault", ["audience", "expired", "foreign_key"])
def test_a_token_for_another_client_expired_or_signed_by_another_key_is_refused(
        fault: str, app: Flask, standin: StandIn, db: Callable[[], Session]) -> None:
    _pre_register(app, "sam.council", "sam@council.example.gov.uk")
    standin.sign_in_as("sub-sam", COUNCIL, email="sam@council.example.gov.uk",
                       groups=["g-front-door"])
    setattr(standin.faults, fault, "another-client" if fault == "audience" else True)
    client = app.test_client()
    with db() as session:
        sessions_before = len(session.scalars(select(SessionRow)).all())

    response = sso_sign_in(client, standin)

    assert response.status_code == 401
    assert "did not work" in text_of(response)
    assert not _signed_in(client)
    assert _refusals(db) == 1
    with db() as session:
        assert len(session.scalars(select(SessionRow)).all()) == sessions_before
        assert session.scalars(select(UserIdentityRow)).all() == []


def test_a_token_for_another_audience_is_refused_even_when_its_azp_names_us(
        app: Flask, standin: StandIn, db: Callable[[], Session]) -> None:
    """Authlib alone accepts this one (it checks ``aud`` only when asked to, and ``azp``
    then matches): the app's own audience option is what refuses it."""
    _pre_register(app, "sam.council", "sam@council.example.gov.uk")
    standin.sign_in_as("sub-sam", COUNCIL, email="sam@council.example.gov.uk",
                       groups=["g-front-door"], azp=CLIENT_ID)
    standin.faults.audience = "another-client"

    response = sso_sign_in(app.test_client(), standin)

    assert response.status_code == 401 and _refusals(db) == 1


def test_an_id_token_replayed_from_an_earlier_sign_in_fails_its_nonce(
        app: Flask, standin: StandIn, db: Callable[[], Session]) -> None:
    _pre_register(app, "sam.council", "sam@council.example.gov.uk")
    standin.sign_in_as("sub-sam", COUNCIL, email="sam@council.example.gov.uk",
                       groups=["g-front-door"])
    assert sso_sign_in(app.test_client(), standin).status_code == 302
    standin.faults.replay_last_token = True  # a valid, signed token: for the last sign-in

    replayed = sso_sign_in(app.test_client(), standin)

    assert replayed.status_code == 401 and _refusals(db) == 1


def test_a_callback_used_twice_is_refused_the_second_time(
        app: Flask, standin: StandIn, db: Callable[[], Session]) -> None:
    _pre_register(app, "sam.council", "sam@council.example.gov.uk")
    standin.sign_in_as("sub-sam", COUNCIL, email="sam@council.example.gov.uk",
                       groups=["g-front-door"])
    client = app.test_client()
    token = read_csrf(client, "/sign-in")
    start = client.post("/sign-in/sso/standin", data={"csrf_token": token})
    back = urlsplit(requests.get(start.headers["Location"], allow_redirects=False,
                                 timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302

    again = app.test_client().get(f"{back.path}?{back.query}")

    assert again.status_code == 401


@pytest.mark.parametrize("tenant, issuer_tenant", [(STRANGER, None), (POLICE, COUNCIL)])
def test_an_untrusted_tenant_or_an_issuer_of_another_tenant_is_refused(
        tenant: str, issuer_tenant: str | None, app: Flask, standin: StandIn,
        db: Callable[[], Session]) -> None:
    standin.sign_in_as("sub-x", tenant, email="x@police.example.uk", groups=["g-mash-police"])
    standin.faults.issuer_tenant = issuer_tenant
    client = app.test_client()

    response = sso_sign_in(client, standin)

    assert response.status_code == 401 and not _signed_in(client)
    with db() as session:
        assert session.scalar(select(UserRow).where(UserRow.email == "x@police.example.uk")) \
            is None


def test_a_user_switched_off_here_cannot_sign_in_with_a_valid_token(
        app: Flask, standin: StandIn, db: Callable[[], Session]) -> None:
    user_id = _pre_register(app, "sam.council", "sam@council.example.gov.uk")
    standin.sign_in_as("sub-sam", COUNCIL, email="sam@council.example.gov.uk",
                       groups=["g-front-door"])
    assert sso_sign_in(app.test_client(), standin).status_code == 302
    store_of(app).accounts.set_active(user_id, False)
    client = app.test_client()

    response = sso_sign_in(client, standin)

    assert response.status_code == 401 and "switched off" in text_of(response)
    assert not _signed_in(client)


def test_groups_map_to_role_and_teams_and_a_first_sign_in_makes_the_account(
        app: Flask, standin: StandIn, db: Callable[[], Session]) -> None:
    standin.sign_in_as("sub-mo", COUNCIL, email="mo@council.example.gov.uk",
                       preferred_username="mo.manager@council.example.gov.uk", name="Mo New",
                       groups=["g-front-door", "g-managers", "unrelated"])

    assert sso_sign_in(app.test_client(), standin).status_code == 302

    made = store_of(app).accounts.account("mo.manager@council.example.gov.uk")
    assert made is not None and (made.role, made.team, made.display_name) == (
        Role.FRONT_DOOR_WORKER, "front-door", "Mo New")
    teams = {t.code: t for t in store_of(app).accounts.teams()}
    assert made.username in teams["front-door"].members
    assert made.username in teams["assessment-1"].managers
    # Removed from the group at the provider: no access at the next sign-in.
    standin.sign_in_as("sub-mo", COUNCIL, email="mo@council.example.gov.uk",
                       groups=["unrelated"])
    client = app.test_client()
    assert sso_sign_in(client, standin).status_code == 401 and not _signed_in(client)
    with db() as session:  # what the provider's groups changed is audited, as the provider
        audited = session.execute(select(AdminAuditRow.actor, AdminAuditRow.action,
                                         AdminAuditRow.detail)).all()
    assert [(a, b) for a, b, _ in audited] == [("sso:standin", "user_created")]
    assert "front_door_worker teams assessment-1,front-door manages assessment-1" in \
        audited[0][2]


def test_a_police_officer_is_mapped_to_a_partner_bound_to_the_police(
        app: Flask, standin: StandIn) -> None:
    standin.sign_in_as("sub-pc", POLICE, email="pc.jones@police.example.uk",
                       preferred_username="pc.jones@police.example.uk",
                       groups=["g-mash-police"])
    client = app.test_client()

    assert sso_sign_in(client, standin).status_code == 302

    made = store_of(app).accounts.account("pc.jones@police.example.uk")
    assert made is not None and (made.role, made.agency) == (Role.PARTNER, "police")
    assert client.get("/inbox").status_code == 200 and client.get("/queue").status_code == 403


def test_a_police_tenant_cannot_claim_a_council_address_pre_registered_here(
        app: Flask, standin: StandIn, db: Callable[[], Session]) -> None:
    _pre_register(app, "sam.council", "sam@council.example.gov.uk")
    standin.sign_in_as("sub-impostor", POLICE, email="sam@council.example.gov.uk",
                       groups=[])
    client = app.test_client()

    response = sso_sign_in(client, standin)

    assert response.status_code == 401 and "not set up" in text_of(response)
    with db() as session:
        assert session.scalars(select(UserIdentityRow)).all() == []


def test_the_sign_in_page_offers_the_provider_and_starting_needs_the_csrf_token(
        app: Flask) -> None:
    client = app.test_client()
    page = text_of(client.get("/sign-in"))

    refused = client.post("/sign-in/sso/standin", data={})

    assert "Sign in with Stand-in organisation" in page
    assert refused.status_code == 400


