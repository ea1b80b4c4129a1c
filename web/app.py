"""The Flask application factory (flaskr habit: nothing is built at import time).

``create_app`` loads the rules from ``config/``, opens the database, and wires the
security every page relies on: deny-by-default routes, server-side sessions, CSRF on
every form, a strict Content-Security-Policy with a per-request nonce, and error pages
that say what happened and what to do (JSON under ``/api/``).

Deployment settings (database, secret key, proxies, HSTS, logs) come from FRONTDOOR_*
environment variables through ``web.settings``, checked before anything else is built.
Behind a TLS proxy, ``ProxyFix`` trusts exactly ``FRONTDOOR_PROXY_COUNT`` hops of
X-Forwarded-For/Proto/Host/Port, so the app knows the request was HTTPS and which host the
browser used. Flask-WTF's strict HTTPS check then compares the browser's Referer with that
host, which is why the Referrer-Policy is ``same-origin`` (see ``_wire_security_headers``).
"""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path
from typing import Any

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from thresholds import load_registry
from thresholds.policy import CataloguePolicy
from web import access, auth, bad_input, health, logs, words
from web.admin.audit import in_words as change_in_words
from web.api.bodies import dotted
from web.auth import sso, tokens
from web.components import select_items
from web.navigation import can_search, nav_items
from web.settings import Settings, load_settings
from workflow.contact import reference_for
from workflow.persistence.db import database_url
from workflow.persistence.store import open_store
from workflow.rules import DEFAULT_CONFIG, load_rules

CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'{sign_in_services}")


def _web_settings(config_dir: Path) -> dict[str, Any]:
    with (config_dir / "settings.toml").open("rb") as handle:
        return dict(tomllib.load(handle).get("web", {}))


def _configure(app: Flask, config_dir: Path, overrides: dict[str, Any]) -> None:
    settings = load_settings()
    web = _web_settings(config_dir)
    if settings.insecure_cookies:
        web["secure_cookies"] = False
    app.config.update(
        SECRET_KEY=settings.secret_key, SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", FRONTDOOR_SETTINGS=settings,
        DATABASE_URL=settings.database_url, TRUSTED_HOSTS=settings.trusted_hosts,
        PREFERRED_URL_SCHEME="https" if settings.production else "http",
        SESSION_COOKIE_SECURE=bool(web.get("secure_cookies", True)),
        SESSION_COOKIE_NAME="frontdoor_session", WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=settings.max_body_bytes, FRONTDOOR_WEB=web, CONFIG_DIR=config_dir,
        API_TITLE="Front Door API", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.update(overrides)


def _wire_proxy_and_logs(app: Flask) -> None:
    """Trust the proxy's forwarded headers (only as many hops as configured); JSON or text
    logs with a request id on every line."""
    settings: Settings = app.config["FRONTDOOR_SETTINGS"]
    hops = settings.proxy_count
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops, x_port=hops)
    logs.configure_logging(settings.log_format, settings.log_level)
    logs.wire_request_ids(app)


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
    app.jinja_env.add_extension("jinja2.ext.do")  # {% do rows.append(...) %} builds macro rows
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")
    app.jinja_env.globals["reference_for"] = reference_for
    app.jinja_env.globals["select_items"] = select_items
    app.jinja_env.filters["change_in_words"] = change_in_words
    words.register(app)
    app.context_processor(lambda: {"nav_items": nav_items(), "can_search": can_search()})


def _wire_security_headers(app: Flask) -> None:
    """CSP with a nonce, no framing, no sniffing; HSTS on HTTPS responses when configured.

    ``Referrer-Policy: same-origin``: the browser sends a Referer to Front Door itself (which
    Flask-WTF's strict HTTPS check needs on every POST) and nothing to any other site, so a
    contact's URL never leaves the service. ``strict-origin-when-cross-origin`` would also
    satisfy the check but tell other sites the service's address; nothing here needs that.
    """
    hsts = app.config["FRONTDOOR_SETTINGS"].hsts_seconds

    @app.before_request
    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def _headers(response: Response) -> Response:
        # A single sign-on button's form redirects to the provider, which form-action
        # must allow (browsers apply it to a form's redirects too).
        services = "".join(f" {o}" for o in app.extensions["sso"].origins())
        response.headers["Content-Security-Policy"] = CSP.format(
            nonce=g.get("csp_nonce", ""), sign_in_services=services)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if hsts and request.is_secure:
            response.headers["Strict-Transport-Security"] = f"max-age={hsts}"
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


_PAGES = (400, 403, 404, 409, 413, 429, 500)
_TITLES = {400: "Bad request", 401: "Sign in first", 403: "You do not have access to this",
           404: "Not found", 405: "Method not allowed", 409: "Conflict", 413: "Too large",
           422: "Check what you entered", 429: "Too many requests", 500: "Server error"}


#: Our words where werkzeug would give its own ("The requested URL was not found on the
#: server. If you entered the URL manually …"), which speak of servers, not of the work.
_PLAIN = {403: "Your role does not give you access to this page or record. Ask your manager "
               "if you need it for your work.",
          404: "There is nothing at this address. It may have been typed wrongly, or the "
               "record may have moved: use the search box or go back to My work.",
          405: "That cannot be done at this address."}


def _described(error: HTTPException) -> str:
    """The refusal's own description, unless it is werkzeug's stock text for its code."""
    described = str(error.description or "")
    stock = type(error).description
    return _PLAIN.get(error.code or 0, described) if described == stock else described


def _challenge_headers(error: HTTPException, response: Response) -> None:
    """What HTTP says a refusal must carry: ``Allow`` on a 405 (RFC 9110 §15.5.6), and on an
    API 401 the ``WWW-Authenticate`` challenge saying how to authenticate (RFC 6750)."""
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if error.code == 401 and request.path.startswith("/api/"):
        response.headers["WWW-Authenticate"] = tokens.www_authenticate()


_REFUSED = {
    422: "A value could not be stored (too long, out of range or not valid text). Check "
         "what you entered and try again. Nothing was saved.",
    409: "That clashes with a record someone else has just changed. Reload and try again. "
         "Nothing was saved."}


#: Where webargs found a field; its errors nest under these (``{"json": {"version": …}}``).
_LOCATIONS = frozenset({"json", "query", "form", "headers", "cookies", "files", "path"})


def _by_field(errors: Any) -> Any:
    """webargs' errors by dotted field name (``children.0.upn``, ``version``), as every
    other refusal of the API names them: one name for one field, whichever layer refused."""
    if not isinstance(errors, dict) or not errors or not set(errors) <= _LOCATIONS:
        return errors
    flat: dict[str, list[str]] = {}
    for messages in errors.values():
        flat |= dotted(messages)
    return flat


def _wire_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[Any, int]:
        return _error_response(400, "The form had expired or was not sent from Front Door. "
                                    "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        message = data.get("message") or _described(error)
        errors = _by_field(data.get("errors") or data.get("messages"))
        response = make_response(_error_response(error.code or 500, message, errors))
        _challenge_headers(error, response)
        return response

    @app.errorhandler(access.OutsideScope)
    def _outside(error: access.OutsideScope) -> tuple[Any, int]:
        if request.path.startswith("/api/"):
            return _error_response(403, "This record is not one of your cases: open it on "
                                        "its page to give a reason (break the glass).")
        from web.oversight.access import outside_scope_page

        return outside_scope_page(error.child_id, error.contact_id)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Any, int]:
        refused = app.extensions["store"].refusal_status(error)
        if refused:  # type, cause chain and frames: never the message, which quotes the row
            app.logger.warning("Database refused %s on %s", type(error).__name__,
                               request.endpoint, exc_info=error)
            return _error_response(refused, _REFUSED[refused])
        # The formatter keeps the exception's type and frames, never its text (web.logs).
        app.logger.error("Unhandled %s on %s", type(error).__name__, request.endpoint,
                         exc_info=error)
        return _error_response(500, "Something went wrong on our side. Nothing was saved.")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``overrides`` (tests) may set DATABASE_URL, CONFIG_DIR and Flask keys."""
    overrides = dict(overrides or {})
    config_dir = Path(overrides.pop("CONFIG_DIR", DEFAULT_CONFIG))
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    _configure(app, config_dir, overrides)
    _wire_proxy_and_logs(app)
    catalogues = load_registry(config_dir / "levels_of_need")
    app.extensions["catalogues"] = catalogues
    app.extensions["rules"] = load_rules(config_dir, CataloguePolicy(catalogues))
    _wire_database(app)
    bad_input.install_converters(app)  # before any route is added: ids bounded in each
    _wire_templates(app)
    _wire_security_headers(app)
    CSRFProtect(app)
    tokens.init_tokens(app)
    auth.init_login(app)
    sso.init_sso(app)
    _register_blueprints(app)
    health.register(app)
    app.extensions["route_rules"] = access.route_rules(app)
    access.enforce(app)
    app.before_request(bad_input.check_request)  # after the grants: strangers get 401/403
    _wire_errors(app)
    return app


def _register_blueprints(app: Flask) -> None:
    """One blueprint per area of the process; the API builds its routes from the actions."""
    from web import api, drafts, home, info
    from web.admin import (  # noqa: F401 - changes and jobs add routes to admin.bp
        changes,
        jobs,
        leavers,
    )
    from web.admin import clients as admin_clients
    from web.admin import pages as admin
    from web.audits import learning, pages  # noqa: F401 - each adds routes to audits.bp
    from web.audits import sampling as audits
    from web.auth import account
    from web.casework import assessments
    from web.contact import bookings as _bookings  # noqa: F401 - its route joins contact.bp
    from web.contact import lists as _lists  # noqa: F401 - its routes join contact.bp
    from web.contact import pages as contact
    from web.intake import pages as intake
    from web.mash import meetings
    from web.mash import pages as mash
    from web.oversight import access as record_access
    from web.oversight import pages as oversight
    from web.people import pages as people
    from web.people import sharing
    from web.returns import pages as returns
    from web.standards import pages as standards

    for blueprint in (auth.bp, account.bp, sso.bp, home.bp, intake.bp, contact.bp, people.bp,
                      admin.bp, leavers.bp, oversight.bp, returns.bp, mash.bp, meetings.bp,
                      sharing.bp, record_access.bp, admin_clients.bp, standards.bp,
                      audits.bp, info.bp):
        app.register_blueprint(blueprint)
    assessments.register(app)
    drafts.register(app)
    api.register(app)
