"""The Flask application factory (flaskr habit: nothing is built at import time).

``create_app`` loads the rules from ``config/``, opens the database, and wires the
security every page relies on: deny-by-default routes, server-side sessions, CSRF on
every form, a strict Content-Security-Policy with a per-request nonce, and error pages
that say what happened and what to do (JSON under ``/api/``).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from thresholds import load_registry
from thresholds.policy import CataloguePolicy
from web import access, auth
from web.navigation import can_search, nav_items
from workflow.contact import reference_for
from workflow.persistence.db import PROJECT_ROOT, database_url
from workflow.persistence.store import open_store
from workflow.rules import DEFAULT_CONFIG, load_rules

CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def _secret_key() -> str:
    """FRONTDOOR_SECRET_KEY, or a random key kept in instance/ (created once, mode 600)."""
    if os.environ.get("FRONTDOOR_SECRET_KEY"):
        return os.environ["FRONTDOOR_SECRET_KEY"]
    path = PROJECT_ROOT / "instance" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _web_settings(config_dir: Path) -> dict[str, Any]:
    with (config_dir / "settings.toml").open("rb") as handle:
        return dict(tomllib.load(handle).get("web", {}))


def _configure(app: Flask, config_dir: Path, overrides: dict[str, Any]) -> None:
    web = _web_settings(config_dir)
    if os.environ.get("FRONTDOOR_INSECURE_COOKIES") == "1":
        web["secure_cookies"] = False
    app.config.update(
        SECRET_KEY=_secret_key(), SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(web.get("secure_cookies", True)),
        SESSION_COOKIE_NAME="frontdoor_session", WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=1_000_000, FRONTDOOR_WEB=web, CONFIG_DIR=config_dir,
        API_TITLE="Front Door API", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.update(overrides)


def _wire_database(app: Flask) -> None:
    url = app.config.get("DATABASE_URL") or database_url(app.config["CONFIG_DIR"])
    store = open_store(url)
    app.extensions["store"] = store
    app.extensions["uow"] = store.uow
    app.extensions["accounts"] = store.accounts

    @app.before_request
    def _open_session() -> None:
        g.db = store.read()  # pages read here; every change is a command with its own uow

    @app.teardown_request
    def _close_session(_exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            db.close()


def _wire_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(Path(__file__).parent / "templates")),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")
    app.jinja_env.globals["reference_for"] = reference_for
    app.context_processor(lambda: {"nav_items": nav_items(), "can_search": can_search()})


def _wire_security_headers(app: Flask) -> None:
    @app.before_request
    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP.format(nonce=g.get("csp_nonce", ""))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response


def _error_response(code: int, detail: str = "", errors: Any = None) -> tuple[Any, int]:
    if request.path.startswith("/api/"):
        body = {"code": code, "message": detail or _TITLES.get(code, "Error")}
        if errors:
            body["errors"] = errors
        return jsonify(body), code
    template = f"errors/{code}.html" if code in _PAGES else "errors/400.html"
    return render_template(template, detail=detail, errors={}), code


_PAGES = (400, 403, 404, 409, 429, 500)
_TITLES = {400: "Bad request", 401: "Sign in first", 403: "You do not have access to this",
           404: "Not found", 405: "Method not allowed", 409: "Conflict", 413: "Too large",
           422: "Check what you entered", 429: "Too many requests", 500: "Server error"}


def _wire_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[Any, int]:
        return _error_response(400, "The form had expired or was not sent from Front Door. "
                                    "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Any, int]:
        data = getattr(error, "data", None) or {}
        message = data.get("message") or str(error.description or "")
        errors = data.get("errors") or data.get("messages")
        return _error_response(error.code or 500, message, errors)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Any, int]:  # pragma: no cover - last resort
        app.logger.exception("Unhandled error on %s", request.endpoint)
        return _error_response(500, "Something went wrong on our side. Nothing was saved.")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``overrides`` (tests) may set DATABASE_URL, CONFIG_DIR and Flask keys."""
    overrides = dict(overrides or {})
    config_dir = Path(overrides.pop("CONFIG_DIR", DEFAULT_CONFIG))
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    _configure(app, config_dir, overrides)
    catalogues = load_registry(config_dir / "levels_of_need")
    app.extensions["catalogues"] = catalogues
    app.extensions["rules"] = load_rules(config_dir, CataloguePolicy(catalogues))
    _wire_database(app)
    _wire_templates(app)
    _wire_security_headers(app)
    CSRFProtect(app)
    auth.init_login(app)
    _register_blueprints(app)
    app.extensions["route_rules"] = access.route_rules(app)
    access.enforce(app)
    _wire_errors(app)
    return app


def _register_blueprints(app: Flask) -> None:
    """One blueprint per area of the process; the API builds its routes from the actions."""
    from web import api, home
    from web.admin import pages as admin
    from web.casework import assessments
    from web.contact import pages as contact
    from web.intake import pages as intake
    from web.mash import meetings
    from web.mash import pages as mash
    from web.oversight import pages as oversight
    from web.people import pages as people
    from web.returns import pages as returns

    for blueprint in (auth.bp, home.bp, intake.bp, contact.bp, people.bp, admin.bp,
                      oversight.bp, returns.bp, mash.bp, meetings.bp):
        app.register_blueprint(blueprint)
    assessments.register(app)
    api.register(app)
