"""A stand-in OpenID Connect provider the tests run on 127.0.0.1: discovery, JWKS,
authorize and token endpoints, issuing RS256 ID tokens signed with a key made per run.

It behaves like Entra ID's multi-tenant endpoint when asked (issuer with ``{tenantid}``
in the discovery document, ``tid`` in tokens), and each test says who signs in and what
goes wrong (``Faults``): a wrong audience, an expired token, a signature by a key not in the
JWKS, an ID token replayed from an earlier sign-in (its nonce), another tenant's issuer.
The token endpoint checks the client secret and the PKCE verifier as a real provider does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "front-door-tests"
CLIENT_SECRET = "stand-in-client-secret"  # noqa: S105 - a test provider's secret


@dataclass
class Faults:
    """What the next token gets wrong (all off: a good token)."""

    audience: str | None = None
    expired: bool = False
    foreign_key: bool = False
    replay_last_token: bool = False
    issuer_tenant: str | None = None


@dataclass
class StandIn:
    """The provider's state: who signs in next, and the codes and tokens it issued."""

    base_url: str = ""
    multi_tenant: bool = False
    claims: dict[str, Any] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    other_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048,
                                                                          {"kid": "k1"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_token: str | None = None
    token_requests: int = 0

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/{{tenantid}}/v2.0" if self.multi_tenant else self.base_url

    def sign_in_as(self, sub: str, tenant: str | None = None, **claims: Any) -> None:
        """The next person to sign in (their claims; ``tid`` for a tenant)."""
        self.claims = {"sub": sub, **claims}
        if tenant:
            self.claims["tid"] = tenant
        self.faults = Faults()

    def discovery(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.base_url}/authorize",
                "token_endpoint": f"{self.base_url}/token", "jwks_uri": f"{self.base_url}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"]}

    def id_token(self, nonce: str) -> str:
        f, now = self.faults, int(time.time())
        if f.replay_last_token and self.last_token:
            return self.last_token
        tenant = f.issuer_tenant or self.claims.get("tid")
        issuer = self.issuer.replace("{tenantid}", str(tenant)) if self.multi_tenant \
            else self.issuer
        exp = now - 600 if f.expired else now + 600
        claims = {"iss": issuer, "aud": f.audience or CLIENT_ID, "iat": exp - 1200 if
                  f.expired else now, "exp": exp, "nonce": nonce, **self.claims}
        key = self.other_key if f.foreign_key else self.key
        token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        self.last_token = token
        return token


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _token_answer(state: StandIn, authorization: str | None, form: dict[str, str]
                  ) -> tuple[dict[str, Any], int]:
    """The token endpoint: the client's secret, then the code and its PKCE verifier."""
    state.token_requests += 1
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    if authorization != f"Basic {expected}":
        return {"error": "invalid_client"}, 401
    asked = state.codes.pop(form.get("code", ""), None)
    if asked is None or _challenge(form.get("code_verifier", "")) != asked.get(
            "code_challenge") or asked.get("code_challenge_method") != "S256":
        return {"error": "invalid_grant"}, 400
    return {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
            "expires_in": 300, "id_token": state.id_token(asked.get("nonce", ""))}, 200


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            return

        def _json(self, body: Any, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            if url.path == "/.well-known/openid-configuration":
                return self._json(state.discovery())
            if url.path == "/jwks":
                return self._json({"keys": [state.key.as_dict(private=False)]})
            if url.path == "/authorize":
                return self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
            return self._json({"error": "not_found"}, 404)

        def _authorize(self, query: dict[str, str]) -> None:
            code = secrets.token_urlsafe(16)
            state.codes[code] = query
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            self._json(*_token_answer(state, self.headers.get("Authorization"), form))

    return Handler


class Running:
    """The provider serving on a free port until ``stop``."""

    def __init__(self, multi_tenant: bool = False) -> None:
        self.state = StandIn(multi_tenant=multi_tenant)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.state.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="stand-in-oidc")
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def sso_toml(provider: StandIn, secret_env: str, extra: str = "") -> str:
    """A config/sso.toml for the stand-in (``extra`` appends tenants or mappings)."""
    return (f'[providers.standin]\nlabel = "Stand-in organisation"\n'
            f'metadata_url = "{provider.base_url}/.well-known/openid-configuration"\n'
            f'issuer = "{provider.issuer}"\nclient_id = "{CLIENT_ID}"\n'
            f'client_secret_env = "{secret_env}"\n{extra}')
