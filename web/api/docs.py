"""The API's description for integrators: the OpenAPI document with its security schemes
and each operation's security, and a Swagger UI page, both open without signing in.

Why open: an integrator reads how to call the API before anyone gives them a token, as
with any public API; the document describes routes and fields, never a record. Why the
security is added here, from the route table: who may call a route is decided in one place
(``web.access`` for people, ``web.auth.tokens.TOKEN_ROUTES`` for tokens), so the document
is derived from those decisions rather than written beside them, and cannot drift.

OpenAPI 3.0 lets only OAuth schemes list scopes in a security requirement, so an
operation open to tokens lists ``bearerAuth: []`` and names its scope in
``x-token-scope`` and in its description.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app, json, render_template
from flask_smorest import Api

from web.access import PUBLIC, public
from web.auth.tokens import TOKEN_ROUTES

SCHEMES = {
    "bearerAuth": {
        "type": "http", "scheme": "bearer", "bearerFormat": "fdt_<key>_<secret>",
        "description": "An API client's token, made by an administrator (shown once). Send "
                       "`Authorization: Bearer <token>`; no CSRF token is needed. Each "
                       "operation open to tokens names the scope it needs."},
    "sessionCookie": {
        "type": "apiKey", "in": "cookie", "name": "frontdoor_session",
        "description": "Signing in on the website. Every POST also needs the page's CSRF "
                       "token in the `X-CSRFToken` header."},
}
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_METHODS = ("get", "post", "put", "patch", "delete")


class FrontDoorApi(Api):
    """flask-smorest's Api, serving the document with its security filled in."""

    def _openapi_json(self) -> Any:
        document = secured(self.spec.to_dict(), current_app)
        return current_app.response_class(json.dumps(document, indent=2),
                                          mimetype="application/json")


def secured(document: dict[str, Any], app: Flask) -> dict[str, Any]:
    """The document with its security schemes, and each operation's security requirement
    from the routes' own grants."""
    document.setdefault("components", {})["securitySchemes"] = SCHEMES
    rules = app.extensions["route_rules"]
    for rule in app.url_map.iter_rules():
        path = document.get("paths", {}).get(_VARIABLE.sub(r"{\1}", rule.rule))
        if path is None:
            continue
        for method in _METHODS:
            if method.upper() in (rule.methods or ()) and method in path:
                _secure(path[method], rules.get(rule.endpoint), rule.endpoint)
    return document


def _secure(operation: dict[str, Any], grant: Any, endpoint: str) -> None:
    if grant == PUBLIC:
        operation["security"] = []
        return
    operation["security"] = [{"sessionCookie": []}]
    scope = TOKEN_ROUTES.get(endpoint)
    if scope is not None:
        operation["security"].append({"bearerAuth": []})
        operation["x-token-scope"] = scope.value
        operation["description"] = (operation.get("description", "") +
                                    f"\n\nAPI tokens need the scope `{scope.value}`.").strip()


bp = Blueprint("api_docs_page", __name__)


@bp.get("/api/docs")
@public
def page() -> str:
    """Swagger UI on the OpenAPI document, from the app's own built files."""
    return render_template("api/docs.html")
