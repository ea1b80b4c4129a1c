"""Administration of API clients and their webhooks: make a client (its token shown once),
revoke it, see every use of every token, subscribe a client to events (the signing secret
shown once) and see each delivery.

Administrators only; every form carries the CSRF token; every change goes to the
append-only ``admin_audit`` (what was granted to whom, never a token or a secret). The
checks are ``workflow.integrations.admin``'s, the same as ``frontdoor clients``'.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import allow
from web.admin.audit import audit
from web.views import when
from workflow.errors import InvalidInput
from workflow.integrations.admin import create_client, subscription_problems
from workflow.integrations.clients import Scope
from workflow.integrations.webhooks import EventKind, new_secret
from workflow.roles import Role

bp = Blueprint("admin_clients", __name__, url_prefix="/admin/clients")


def _store() -> Any:
    return current_app.extensions["store"]


def _agencies() -> dict[str, str]:
    return {a.id: a.name for a in current_app.extensions["rules"].mash.agencies.all()}


def _page(errors: dict[str, str] | None = None, typed: Any = None, status: int = 200) -> Any:
    clients = _store().clients.all()
    page = render_template(
        "admin_clients.html", title="API clients", clients=clients, scopes=list(Scope),
        events=list(EventKind), agencies=_agencies(), errors=errors or {}, typed=typed or {},
        subscriptions=_store().webhook_subscriptions(), when=when,
        names={c.id: c.name for c in clients}, deliveries=_store().webhook_deliveries(50))
    return (page, status) if status != 200 else page


@bp.get("")
@allow(Role.ADMINISTRATOR)
def clients() -> Any:
    """Every client, its scopes and state; the webhook subscriptions and latest deliveries."""
    return _page()


@bp.post("")
@allow(Role.ADMINISTRATOR)
def create() -> Any:
    """Make a client; its token is shown on the next page only."""
    form = request.form
    scopes = " ".join(form.getlist("scopes"))
    try:
        client, token = create_client(_store().clients, _agencies(), form.get("name", ""),
                                      form.get("agency", ""), scopes, current_user.username,
                                      datetime.now(UTC), form.get("expires_days", ""))
    except InvalidInput as error:
        return _page(error.errors, form, 400)
    audit("api_client_created", client.name,
          f"agency: {client.agency}; scopes: {' '.join(sorted(client.scopes))}; "
          f"expires: {when(client.expires_at) if client.expires_at else 'never'}")
    return render_template("admin_client_token.html", title="Client added", client=client,
                           token=token, errors={})


@bp.post("/<int:client_id>/revoke")
@allow(Role.ADMINISTRATOR)
def revoke(client_id: int) -> Response:
    """Revoke a client's token at once (its next call gets 401)."""
    found = next((c for c in _store().clients.all() if c.id == client_id), None)
    if found is None:
        flash("There is no such client.", "error")
        return redirect("/admin/clients")
    _store().clients.revoke(client_id, datetime.now(UTC))
    audit("api_client_revoked", found.name)
    flash(f"Revoked {found.name}: its token no longer works.", "success")
    return redirect("/admin/clients")


@bp.get("/uses")
@allow(Role.ADMINISTRATOR)
def uses() -> str:
    """The newest 500 calls made with any token: client, route, answer, when."""
    names = {c.id: c.name for c in _store().clients.all()}
    return render_template("admin_client_uses.html", title="Use of API tokens", errors={},
                           uses=_store().clients.uses(500), names=names, when=when)


@bp.post("/subscriptions")
@allow(Role.ADMINISTRATOR)
def subscribe() -> Any:
    """Subscribe a client to an event; the signing secret is shown on the next page only."""
    form = request.form
    client = next((c for c in _store().clients.all()
                   if str(c.id) == form.get("client", "")), None)
    production = current_app.config["FRONTDOOR_SETTINGS"].production
    url, event = form.get("url", "").strip(), form.get("event", "")
    if errors := subscription_problems(client, event, url, production):
        return _page(errors, form, 400)
    assert client is not None  # subscription_problems names a missing client
    secret = new_secret()
    made = _store().subscribe(client.id, EventKind(event), url, secret, datetime.now(UTC))
    audit("webhook_subscribed", client.name, f"event: {event}; url: {url}")
    return render_template("admin_webhook_secret.html", title="Subscription added",
                           client=client, subscription=made, secret=secret, errors={})


@bp.post("/subscriptions/<int:subscription_id>/end")
@allow(Role.ADMINISTRATOR)
def end(subscription_id: int) -> Response:
    """Stop delivering to a subscription (its deliveries stay for the record)."""
    if _store().end_subscription(subscription_id):
        audit("webhook_ended", f"subscription {subscription_id}")
        flash("The subscription was ended.", "success")
    return redirect("/admin/clients")
