"""The primary navigation each role sees (only pages the role may open)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user

from workflow.roles import Role

_W, _C, _M, _S, _H = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER,
                      Role.SOCIAL_WORKER, Role.HEAD_OF_SERVICE)
_ITEMS: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("My work", "/queue", frozenset({_W, _C, _M, _S, Role.FAMILY_HELP_PRACTITIONER})),
    ("New contact", "/contacts/new", frozenset({_W, _C, _M})),
    ("Find a child", "/search", frozenset({_W, _C, _M, _S})),
    ("Allocation", "/allocation", frozenset({_M})),
    ("Timescales", "/oversight", frozenset({_W, _C, _M, _S})),
    ("KPIs", "/oversight/kpis", frozenset({_C, _M})),
    ("Consistency", "/oversight/consistency", frozenset({_C, _M})),
    ("Practice standards", "/standards", frozenset({_W, _C, _M, _S, _H})),
    ("Team performance", "/performance", frozenset({_W, _C, _M, _S, _H})),
    ("MACPTs", "/oversight/macpts", frozenset({_W, _C, _M, _S})),
    ("Notifications", "/notifications", frozenset({_W, _C, _M, _S})),
    ("Returns", "/returns", frozenset({_M})),
    ("Access report", "/oversight/access", frozenset({_M})),
    ("Authorise assessments", "/assessments/authorise", frozenset({_M})),
    # The MASH
    ("MASH meetings", "/mash/meetings", frozenset({_W, _C, _M})),
    ("Agency performance", "/mash/agencies", frozenset({_C, _M})),
    ("Agency inbox", "/inbox", frozenset({Role.PARTNER})),
    ("Users and sessions", "/admin/users", frozenset({Role.ADMINISTRATOR})),
    ("API clients", "/admin/clients", frozenset({Role.ADMINISTRATOR})),
    ("Background jobs", "/admin/jobs", frozenset({Role.ADMINISTRATOR})),
    # Quality assurance: auditors are configured, so they are added in nav_items
    ("Audits", "/audits", frozenset()),
    ("Learning from audits", "/audits/learning", frozenset({_W, _C, _S, Role.PARTNER})),
)


def nav_items() -> list[dict[str, Any]]:
    """Navigation for the signed-in user, the current page marked active."""
    if not current_user.is_authenticated:
        return []
    auditors = current_app.extensions["rules"].audits.auditor_roles
    items = [(text, href) for text, href, roles in _ITEMS if current_user.role in roles
             or (href.startswith("/audits") and current_user.role in auditors)]
    matches = [href for _, href in items if request.path.startswith(href)]
    active = max(matches, key=len, default=None)  # the most specific page, not its parents
    return [{"text": text, "href": href, "active": href == active} for text, href in items]


def can_search() -> bool:
    """Whether the signed-in person may search for children (the header's search box)."""
    return bool(current_user.is_authenticated and current_user.role in (_W, _C, _M, _S))
