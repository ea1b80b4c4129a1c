"""An administrator manages API clients on the admin pages: adds one (its token shown once,
then never again), revokes it, sees every use of every token, and subscribes a client to
webhooks (the signing secret shown once); each change is in the audit of access."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, text_of
from workflow.persistence.tables_identity import AdminAuditRow
from workflow.persistence.tables_integrations import ApiClientRow, WebhookSubscriptionRow

POLICE = {"name": "police-niche", "agency": "police",
          "scopes": ["contacts:create", "contacts:read-own"]}


def _add(admin: Browser, form: dict[str, object]) -> tuple[int, str]:
    response = admin.post("/admin/clients", form)  # type: ignore[arg-type]
    found = re.search(r'id="api-token">([^<]+)<', response.get_data(as_text=True))
    return response.status_code, found.group(1) if found else ""


def test_an_administrator_adds_a_client_and_sees_its_token_once(
        signed_in: Callable[[str], Browser], anonymous: Browser,
        db: Callable[[], Session]) -> None:
    admin = signed_in("admin")

    status, token = _add(admin, POLICE)
    listing = text_of(admin.get("/admin/clients"))
    works = anonymous.client.get("/api/v1/inbox", headers={"Authorization": f"Bearer {token}"})

    assert status == 200 and token.startswith("fdt_")
    assert token not in admin.get("/admin/clients").get_data(as_text=True)
    assert "police-niche" in listing and "Send contacts (new worries about children)" in listing
    assert works.status_code == 403  # known token, no requests:read-own: refused by scope
    with db() as s:
        assert s.scalar(select(ApiClientRow.scopes)) == "contacts:create contacts:read-own"
        assert s.scalar(select(AdminAuditRow.action)) == "api_client_created"


def test_a_client_with_a_bad_name_an_unknown_agency_or_no_scope_is_refused_field_by_field(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    admin = signed_in("admin")

    response = admin.post("/admin/clients", {"name": "Police Niche!", "agency": "nowhere"})
    page = text_of(response)

    assert response.status_code == 400
    assert "Use 2 to 80 lower-case letters" in page
    assert "Choose one of the partner agencies" in page
    assert "Grant at least one scope" in page
    with db() as s:
        assert s.scalar(select(ApiClientRow.id)) is None


def test_revoking_on_the_page_stops_the_token_at_once_and_the_use_log_shows_each_call(
        signed_in: Callable[[str], Browser], anonymous: Browser,
        db: Callable[[], Session]) -> None:
    admin = signed_in("admin")
    _status, token = _add(admin, POLICE | {"scopes": ["requests:read-own"]})
    before = anonymous.client.get("/api/v1/inbox", headers={"Authorization": f"Bearer {token}"})
    with db() as s:
        client_id = s.scalar(select(ApiClientRow.id))

    admin.post(f"/admin/clients/{client_id}/revoke")
    after = anonymous.client.get("/api/v1/inbox", headers={"Authorization": f"Bearer {token}"})
    uses = text_of(admin.get("/admin/clients/uses"))

    assert (before.status_code, after.status_code) == (200, 401)
    assert "Revoked" in text_of(admin.get("/admin/clients"))
    assert uses.count("GET /api/v1/inbox") == 2 and "401" in uses and "200" in uses


def test_subscribing_shows_the_signing_secret_once_and_needs_the_events_scope(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    admin = signed_in("admin")
    _add(admin, POLICE | {"scopes": ["contacts:create"]})
    with db() as s:
        client_id = s.scalar(select(ApiClientRow.id))
    form = {"client": client_id, "url": "https://police.example/hooks"}

    refused = admin.post("/admin/clients/subscriptions", form | {"event": "contact.decided"})
    _add(admin, {"name": "health-trust", "agency": "health", "scopes": ["requests:read-own"]})
    with db() as s:
        health = s.scalar(select(ApiClientRow.id).where(ApiClientRow.name == "health-trust"))
    made = admin.post("/admin/clients/subscriptions",
                      {"client": health, "url": "https://health.example/hooks",
                       "event": "request.created"})

    assert refused.status_code == 400
    assert "needs the scope contacts:read-own" in text_of(refused)
    assert made.status_code == 200 and 'id="signing-secret">whsec_' in made.get_data(
        as_text=True)
    with db() as s:
        assert s.scalars(select(WebhookSubscriptionRow.event)).all() == ["request.created"]
