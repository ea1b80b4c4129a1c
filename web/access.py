"""Deny by default: every route declares who may use it, or nobody may.

``@allow(Role.X, …)`` and ``@public`` record the decision in a registry that a
``before_request`` hook enforces. A route that nobody classified is refused for everyone
(and the role × route test fails on it), so forgetting to decide is never a hole.
Refusals and views of a child's record go to the access log (DOMAIN.md §6). An API client
signed in by its token is judged by its scopes instead of a role (``web.auth.tokens``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, request
from flask_login import current_user

from workflow.accounts import Access, Accounts
from workflow.roles import Role
from workflow.scope import GLASS_HOURS, RecordScope, scope_for

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "public"


@dataclass(frozen=True)
class _WithAuditors:
    """A grant to the roles the council lets audit (``config/audits.toml``) and ``also``:
    resolved when the app starts, because who audits is configuration, not code."""

    also: frozenset[Role]


_PENDING: dict[str, frozenset[Role] | str | _WithAuditors] = {}
#: Routes that libraries add (not our functions): classified here, by endpoint.
LIBRARY_ENDPOINTS: dict[str, frozenset[Role] | str] = {
    "static": PUBLIC,
    "api-docs.openapi_json": PUBLIC,  # the API's description, read before any sign-in
}


def _key(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def allow(*roles: Role) -> Callable[[F], F]:
    """Grant the route to these roles only."""

    def mark(func: F) -> F:
        _PENDING[_key(func)] = frozenset(roles)
        return func

    return mark


def allow_auditors(*also: Role) -> Callable[[F], F]:
    """Grant the route to whoever may audit (configured) and to these roles too."""

    def mark(func: F) -> F:
        _PENDING[_key(func)] = _WithAuditors(frozenset(also))
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
        found = _PENDING.get(_key(target))
        if isinstance(found, _WithAuditors):
            found = found.also | app.extensions["rules"].audits.auditor_roles
        rules[endpoint] = found
    return rules


def enforce(app: Flask) -> None:
    """Install the before_request hook that applies the registry."""

    from web.auth import tokens  # the sign-in package imports this module

    @app.before_request
    def _check() -> None:
        if request.endpoint is None:
            return  # 404 follows
        _no_impossible_ids(request.view_args or {})
        rule = current_app.extensions["route_rules"].get(request.endpoint)
        if rule == PUBLIC:
            return
        if not current_user.is_authenticated:
            if request.path.startswith("/api/"):
                abort(401, tokens.refusal_message())
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if isinstance(current_user._get_current_object(), tokens.ClientUser):
            tokens.check_client(current_user, request.endpoint, request.view_args or {})
            return
        if rule is None or current_user.role not in rule:
            log_access(None, None, "denied")
            abort(403)
        _check_scope(request.view_args or {})


#: Every id is a 32-bit integer column, and PostgreSQL refuses a larger number in a query.
LARGEST_ID = 2**31 - 1


def _no_impossible_ids(args: dict[str, Any]) -> None:
    """An id in the path that no row can have is a 404 before any query is made (on
    PostgreSQL the query itself would fail with a server error)."""
    if any(isinstance(v, int) and not 0 < v <= LARGEST_ID
           for k, v in args.items() if k.endswith("_id")):
        abort(404)


#: Routes that name a record but must answer outside the scope: breaking the glass itself.
_SCOPE_EXEMPT: set[str] = set()


def scope_exempt(func: F) -> F:
    """The route names a contact or person yet answers whoever is allowed its role (it is
    how the glass is broken, or it checks scope itself)."""
    _SCOPE_EXEMPT.add(_key(func))
    return func


def _check_scope(args: dict[str, Any]) -> None:
    """Every route that names a contact, a person or a child is within the record scope,
    checked here once for pages and API alike, so no route can forget it."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or _key(getattr(view, "view_class", None) or view) in _SCOPE_EXEMPT:
        return
    if record_scope().whole_service:
        return
    from reporting.scope import child_allocations, contact_allocation

    if isinstance(args.get("contact_id"), int):
        found = contact_allocation(g.db, args["contact_id"])
        if found is not None:  # a contact that does not exist is the route's own 404
            require_contact(found[0], found[1], found[2], found[3], args["contact_id"])
    for name in ("person_id", "child_id"):
        if isinstance(args.get(name), int):
            require_child(args[name], child_allocations(g.db, args[name]))


def accounts() -> Accounts:
    """The accounts port the app was started with."""
    found: Accounts = current_app.extensions["accounts"]
    return found


def log_access(child_id: int | None, contact_id: int | None, outcome: str = "viewed",
               reason: str | None = None) -> None:
    """Write who looked at (or was refused) what; the route, never the personal data. A
    read under an audit carries the audit's reference as its reason."""
    username = current_user.username if current_user.is_authenticated else "anonymous"
    route = str(request.url_rule or request.path)[:120]
    why = _audit_reason(child_id, outcome) if reason is None else reason
    accounts().log_access(Access(username, datetime.now(UTC), child_id, contact_id, route,
                                 outcome, why))


def log_children_shown(child_ids: list[int]) -> None:
    """One access-log row per child a list or search showed (DOMAIN.md §6), written in
    one transaction."""
    username = current_user.username if current_user.is_authenticated else "anonymous"
    route, now = str(request.url_rule or request.path)[:120], datetime.now(UTC)
    accounts().log_accesses([Access(username, now, child_id, None, route, "viewed",
                                    _audit_reason(child_id, "viewed"))
                             for child_id in dict.fromkeys(child_ids)])


def _audit_reason(child_id: int | None, outcome: str) -> str:
    """``Case audit AUD-00012`` when the person reads this child's record as its auditor."""
    if child_id is None or outcome not in ("viewed", "exported") or \
            not current_user.is_authenticated:
        return ""
    reference = record_scope().audit_reason(child_id)
    return f"Case audit {reference}" if reference else ""


# -- record scope ----------------------------------------------------------------------
class OutsideScope(Exception):
    """The record is not within the signed-in person's scope (they may break the glass)."""

    def __init__(self, child_id: int | None, contact_id: int | None) -> None:
        super().__init__("outside your record scope")
        self.child_id, self.contact_id = child_id, contact_id


def record_scope() -> RecordScope:
    """The signed-in person's scope, worked out once per request: role, teams, and the
    children they broke the glass for in the last few hours."""
    found: RecordScope | None = g.get("record_scope")
    if found is None:
        now = datetime.now(UTC)
        username, role = current_user.username, current_user.role
        found = g.record_scope = scope_for(
            username, role, accounts().memberships(username),
            accounts().glass_children(username, now - GLASS_HOURS), _audited(username, role))
    return found


def _audited(username: str, role: Role) -> tuple[tuple[int, str], ...]:
    """The children this auditor may read because of an open audit (none for others)."""
    if not current_app.extensions["rules"].audits.may_audit(role):
        return ()
    from reporting.audits import audit_grants

    return tuple(audit_grants(g.db, username).items())


def require_contact(stage: str, team: str | None, worker: str | None, child_id: int | None,
                    contact_id: int) -> None:
    """Refuse (logged) a contact outside the person's scope."""
    if not record_scope().sees(stage, team, worker, child_id):
        log_access(child_id, contact_id, "outside_scope")
        raise OutsideScope(child_id, contact_id)


def require_child(child_id: int, contacts: list[tuple[str, str | None, str | None]]) -> None:
    """Refuse (logged) a child none of whose contacts is within scope (a person with no
    contact, such as a parent recorded as family, is open to those who may see people)."""
    scope = record_scope()
    if not contacts or any(scope.sees(stage, team, worker, child_id)
                           for stage, team, worker in contacts):
        return
    log_access(child_id, None, "outside_scope")
    raise OutsideScope(child_id, None)


def break_glass(child_id: int, contact_id: int | None, reason: str) -> None:
    """Open a child's records to the signed-in person for a few hours, for the reason
    given (logged; managers see every one)."""
    route = str(request.url_rule or request.path)[:120]
    accounts().log_access(Access(current_user.username, datetime.now(UTC), child_id,
                                 contact_id, route, "break_glass", reason.strip()))
    g.pop("record_scope", None)
