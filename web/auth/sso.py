"""OpenID Connect sign-in (Authlib) for Microsoft Entra ID or any standard provider.

The flow, and what each step guards against:
1. ``POST /sign-in/sso/<name>`` (a form, so CSRF-protected) sends the browser to the
   provider with a fresh ``state``, ``nonce`` and a PKCE S256 challenge, all kept in the
   signed session cookie by Authlib.
2. ``GET /sign-in/sso/<name>/callback``: Authlib checks ``state`` (and forgets it, so a
   callback cannot be replayed), swaps the code for tokens with the PKCE verifier and the
   client secret, and validates the ID token: signature against the provider's JWKS,
   ``exp``/``iat``, the ``nonce`` of this very sign-in, and, because Authlib checks them
   only when asked, the ``aud`` (our client id) and the ``iss`` (the provider's issuer; for
   Entra's multi-tenant issuer, the one of the token's own tenant).
3. The tenant must be one the provider trusts; ``web.auth.claims`` then finds (or, as the
   configuration allows, links or makes) the account and applies role and team mappings; a
   disabled account is refused whatever the token says.
Refusals show one plain sentence, log a reason word (never a claim's value) and write an
access-log line ``sso_refused``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, render_template, request, url_for
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from web.access import accounts, log_access, public
from web.auth.claims import Refused, user_for
from web.auth.pages import finish_sign_in
from web.auth.sso_config import Provider, load_providers, sso_file

bp = Blueprint("sso", __name__, url_prefix="/sign-in/sso")
log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


@dataclass
class Sso:
    """The providers this app trusts and their Authlib clients (``app.extensions["sso"]``)."""

    providers: dict[str, Provider] = field(default_factory=dict)
    oauth: OAuth | None = None

    def buttons(self) -> list[Provider]:
        return list(self.providers.values())

    def origins(self) -> list[str]:
        """Where the sign-in buttons' forms lead (each provider's own origin)."""
        return sorted({_origin(p.metadata_url) for p in self.providers.values()})

    def client(self, name: str) -> Any:
        if name not in self.providers or self.oauth is None:
            abort(404, "There is no such way to sign in.")
        return self.oauth.create_client(name)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def init_sso(app: Flask) -> None:
    """Read the providers (``SSO_FILE`` in the app's config, FRONTDOOR_SSO_FILE or
    config/sso.toml) and register an Authlib client for each."""
    path = Path(app.config.get("SSO_FILE") or sso_file(app.config["CONFIG_DIR"]))
    providers = load_providers(path)
    oauth = OAuth(app) if providers else None
    for provider in providers.values():
        assert oauth is not None
        oauth.register(
            name=provider.name, client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": " ".join(provider.scopes), "code_challenge_method": "S256",
                           "token_endpoint_auth_method": provider.token_endpoint_auth_method,
                           "timeout": TIMEOUT_SECONDS})
    app.extensions["sso"] = Sso(providers, oauth)


def _sso() -> Sso:
    found: Sso = current_app.extensions["sso"]
    return found


def _redirect_uri(name: str) -> str:
    """The callback the provider sends the browser back to: FRONTDOOR_BASE_URL's host when
    set (what was registered with the provider), else the host of this request."""
    base = current_app.config["FRONTDOOR_SETTINGS"].base_url
    path = url_for("sso.callback", name=name)
    return f"{base}{path}" if base else url_for("sso.callback", name=name, _external=True)


@bp.post("/<name>")
@public
def start(name: str) -> Response:
    """Send the browser to the provider (state, nonce and PKCE made here)."""
    response: Response = _sso().client(name).authorize_redirect(_redirect_uri(name))
    return response


@bp.get("/<name>/callback")
@public
def callback(name: str) -> Response | tuple[str, int]:
    """Validate what the provider sent back and start a session, or say why not."""
    sso, now = _sso(), datetime.now(UTC)
    client = sso.client(name)
    provider = sso.providers[name]
    try:
        token = client.authorize_access_token(claims_options=claims_options(provider))
        claims = token.get("userinfo")
        if not claims:
            raise Refused("no_id_token", "The sign-in service sent no identity.")
        tenant = tenant_of(provider, claims)
        user = user_for(accounts(), provider, claims, tenant, now)
    except Refused as refused:
        return _refused(refused.reason, str(refused))
    except (OAuthError, JoseError, RequestException, KeyError, ValueError) as error:
        return _refused(type(error).__name__, "Signing in with your organisation's account "
                        "did not work. Try again; if it keeps happening, tell IT support.")
    return finish_sign_in(user, now)


def claims_options(provider: Provider) -> dict[str, Any]:
    """What Authlib must check beyond signature, expiry and nonce (fresh each call:
    Authlib takes the validators out of the dict it is given)."""

    def issuer_ok(claims: Mapping[str, Any], value: Any) -> bool:
        return bool(value == provider.expected_issuer(claims.get("tid")))

    return {"iss": {"essential": True, "validate": issuer_ok},
            "aud": {"essential": True, "values": [provider.client_id]},
            "exp": {"essential": True}, "sub": {"essential": True}}


def tenant_of(provider: Provider, claims: Mapping[str, Any]) -> str | None:
    """The token's tenant, which must be one the provider trusts (when it names any)."""
    tenant = claims.get("tid")
    if provider.tenants is None:
        return str(tenant) if tenant else None
    if not isinstance(tenant, str) or tenant not in provider.tenants:
        raise Refused("unknown_tenant", "Your organisation is not one that signs in to this "
                      "Front Door. Ask a Front Door administrator.")
    return tenant


def _refused(reason: str, message: str) -> tuple[str, int]:
    log.warning("Single sign-on refused (%s) on %s", reason, request.endpoint)
    log_access(None, None, "sso_refused")
    return render_template("sign_in.html", title="Sign in", errors={"sso": message},
                           username="", providers=_sso().buttons()), 401
