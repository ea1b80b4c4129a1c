"""Deny by default: every route declares who may use it, or nobody may.

``@allow(Role.X, …)`` and ``@public`` record the decision in a registry that a
``before_request`` hook enforces. A route that nobody classified is refused for everyone
(and the role × route test fails on it), so forgetting to decide is never a hole.
Refusals and views of a child's record go to the access log (DOMAIN.md §6).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from workflow.accounts import Access, Accounts
from workflow.roles import Role

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "public"
_PENDING: dict[str, frozenset[Role] | str] = {}
#: Routes that libraries add (not our functions): classified here, by endpoint.
LIBRARY_ENDPOINTS: dict[str, frozenset[Role] | str] = {
    "static": PUBLIC,
    "api-docs.openapi_json": frozenset(Role),  # the API's description, for any signed-in user
}


def _key(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def allow(*roles: Role) -> Callable[[F], F]:
    """Grant the route to these roles only."""

    def mark(func: F) -> F:
        _PENDING[_key(func)] = frozenset(roles)
        return func

    return mark


def public(func: F) -> F:
    """The route needs no sign-in (sign-in page, health check, static files)."""
    _PENDING[_key(func)] = PUBLIC
    return func


def route_rules(app: Flask) -> dict[str, frozenset[Role] | str | None]:
    """endpoint → roles granted, ``"public"``, or None when nobody classified it."""
    rules: dict[str, frozenset[Role] | str | None] = {}
    for endpoint, view in app.view_functions.items():
        if endpoint in LIBRARY_ENDPOINTS:
            rules[endpoint] = LIBRARY_ENDPOINTS[endpoint]
            continue
        target = getattr(view, "view_class", None) or view
        rules[endpoint] = _PENDING.get(_key(target))
    return rules


def enforce(app: Flask) -> None:
    """Install the before_request hook that applies the registry."""

    @app.before_request
    def _check() -> None:
        if request.endpoint is None:
            return  # 404 follows
        rule = current_app.extensions["route_rules"].get(request.endpoint)
        if rule == PUBLIC:
            return
        if not current_user.is_authenticated:
            if request.path.startswith("/api/"):
                abort(401)
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if rule is None or current_user.role not in rule:
            log_access(None, None, "denied")
            abort(403)


def accounts() -> Accounts:
    """The accounts port the app was started with."""
    found: Accounts = current_app.extensions["accounts"]
    return found


def log_access(child_id: int | None, contact_id: int | None, outcome: str = "viewed") -> None:
    """Write who looked at (or was refused) what; the route, never the personal data."""
    username = current_user.username if current_user.is_authenticated else "anonymous"
    route = str(request.url_rule or request.path)[:120]
    accounts().log_access(Access(username, datetime.now(UTC), child_id, contact_id, route,
                                 outcome))


def log_children_shown(child_ids: list[int]) -> None:
    """One access-log row per child a list or search showed (DOMAIN.md §6)."""
    for child_id in dict.fromkeys(child_ids):
        log_access(child_id, None)
