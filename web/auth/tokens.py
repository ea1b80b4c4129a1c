"""Bearer tokens for API clients: who the caller is, which scope the route needs, whether
the record is the client's agency's, and a line in the token-use log for every call.

Why a token needs no CSRF check: CSRF is a browser sending a cookie the attacker's page
did not choose; a bearer token is never sent by a browser on its own, so a request that
carries one is the caller's deliberate act. A request with a token is judged by the token
alone (never also by a cookie it happens to carry), and a session keeps its CSRF check.

Deny by default: a route is open to tokens only when ``TOKEN_ROUTES`` names the scope it
needs; then the client must hold that scope, and a contact or request named in the path must
be its agency's (a contact it sent, a request addressed to it). Refusals say why: 401 with
``WWW-Authenticate`` (RFC 6750) for a token that is unknown, revoked or expired; 403 with
the scope needed for one that lacks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, abort, current_app, g, request
from werkzeug.wrappers import Request, Response

from reporting.integrations import request_agency, sender_agency
from workflow.integrations.clients import ApiClient, Clients, Scope, TokenUse
from workflow.roles import Actor, Role

#: The API routes a token may call, and the scope each needs (every other route: 403).
TOKEN_ROUTES: dict[str, Scope] = {
    "api.create_contact": Scope.CONTACTS_CREATE,
    "api.contact_outcome": Scope.CONTACTS_READ_OWN,
    "api.mash_inbox": Scope.REQUESTS_READ_OWN,
    "api.mash_answer": Scope.REQUESTS_ANSWER,
    "api.action_answer_request": Scope.REQUESTS_ANSWER,
    "api_thresholds.catalogue": Scope.REFERENCE_READ,
}
REALM = 'Bearer realm="Front Door API"'
_WHY = {"unknown": "The token is not one Front Door issued.",
        "revoked": "The token was revoked by an administrator.",
        "expired": "The token has expired: ask an administrator for a new one."}


@dataclass(frozen=True)
class ClientUser:
    """An API client as Flask-Login's user: signed in by its token for this request only."""

    client: ApiClient
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False
    must_change_password: bool = False
    team: None = None
    session_id: str = ""

    def get_id(self) -> str:
        return f"client:{self.client.id}"

    @property
    def username(self) -> str:
        return self.client.actor_name

    @property
    def display_name(self) -> str:
        return self.client.name

    name = display_name

    @property
    def agency(self) -> str:
        return self.client.agency

    @property
    def role(self) -> Role:
        """The role the engine sees: the one the route's scope acts as."""
        scope: Scope | None = g.get("client_scope")
        return scope.acts_as if scope else Role.PARTNER

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.agency, None)


def clients() -> Clients:
    found: Clients = current_app.extensions["store"].clients
    return found


def bearer_token(req: Request) -> str | None:
    """The token of an API request's ``Authorization: Bearer …`` header, if it has one."""
    if not req.path.startswith("/api/"):
        return None
    scheme, _, token = req.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def load_client(req: Request) -> ClientUser | None:
    """The client whose token this is, or None (why is kept for the 401's header)."""
    token = bearer_token(req)
    if token is None:
        return None
    g.bearer = True
    client = clients().by_token(token)
    if client is None:
        g.bearer_error = "unknown"
        return None
    g.client_id = client.id
    if not client.usable(datetime.now(UTC)):
        g.bearer_error = "revoked" if client.revoked_at else "expired"
        return None
    return ClientUser(client)


def check_client(user: ClientUser, endpoint: str, args: dict[str, Any]) -> None:
    """Refuse a route the token's scopes do not open, or a record not its agency's."""
    scope = TOKEN_ROUTES.get(endpoint)
    if scope is None:
        abort(403, "This route is not open to API tokens.")
    if scope not in user.client.scopes:
        abort(403, f"This token does not have the scope {scope.value} ({scope.label.lower()}); "
                   "ask an administrator to grant it.")
    g.client_scope = scope
    if isinstance(args.get("contact_id"), int) and \
            sender_agency(g.db, args["contact_id"]) != user.agency:
        abort(403, "This contact was not sent by your agency.")
    for name in ("request_id", "record_id"):
        if isinstance(args.get(name), int):
            agency = request_agency(g.db, args[name])
            if agency is not None and agency != user.agency:
                abort(403, "This request is addressed to another agency.")


def www_authenticate() -> str:
    """The 401's challenge: why a token was refused, in RFC 6750's words."""
    why = g.get("bearer_error")
    if why is None:
        return REALM
    return f'{REALM}, error="invalid_token", error_description="{_WHY[why]}"'


def refusal_message() -> str | None:
    """What a 401 says when a token was offered and refused."""
    why = g.get("bearer_error")
    return None if why is None else _WHY[why]


def init_tokens(app: Flask) -> None:
    """CSRF for sessions only, and the token-use log (route pattern and status, never the
    path's ids, a body or anything about a child)."""
    csrf = app.extensions["csrf"]
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def _csrf_unless_token() -> None:
        if app.config["WTF_CSRF_ENABLED"] and bearer_token(request) is None:
            csrf.protect(apply_exemptions=True)

    @app.after_request
    def _log_token_use(response: Response) -> Response:
        if g.get("bearer"):
            clients().log_use(TokenUse(g.get("client_id"), datetime.now(UTC), request.method,
                                       str(request.url_rule or "(no such route)"),
                                       response.status_code))
        return response
