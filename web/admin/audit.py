"""The administrators' audit: every change to someone's access, one append-only row.

Why a table of its own and not the access log: the access log answers "who looked at which
child"; this answers "who gave whom which access, and when", which a security review and
an investigation after an incident ask first. Rows hold usernames, roles and team codes,
never a password, a code or a child's details, and the database refuses to change them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask_login import current_user

from web.access import accounts
from web.words import agency_name, team_name
from workflow.accounts import AdminChange
from workflow.roles import Role


def audit(action: str, target: str, detail: str = "") -> None:
    """Record one change made by the signed-in administrator."""
    accounts().record_admin_change(AdminChange(datetime.now(UTC), current_user.username,
                                               action, target, detail[:2000]))


def change(label: str, before: object, after: object) -> str:
    """``role: social_worker → team_manager`` (empty when nothing changed)."""
    return "" if before == after else f"{label}: {before or '–'} → {after or '–'}"


def in_words(detail: str) -> str:
    """A stored change (``role: social_worker → team_manager; teams: a,b → a``) as an
    administrator reads it: roles by label, teams and agencies by name. The row keeps the
    codes, which an investigation matches against the directory; only the page translates."""
    return "; ".join(_part_in_words(part) for part in detail.split("; ")) if detail else ""


def _part_in_words(part: str) -> str:
    label, _, values = part.partition(": ")
    before, arrow, after = values.partition(" → ")
    if not arrow or label not in _NAMERS:
        return part
    name = _NAMERS[label]
    return f"{label.capitalize()}: {name(before)} → {name(after)}"


def _role_words(code: str) -> str:
    known = {r.value: r.label for r in Role}
    return known.get(code, code)


def _names(one: Callable[[str], str]) -> Callable[[str], str]:
    """Each comma-separated code by name; the dash of "none" kept."""
    return lambda codes: ", ".join(one(c) for c in codes.split(",")) if codes != "–" else codes


_NAMERS: dict[str, Callable[[str], str]] = {
    "role": lambda code: _role_words(code) if code != "–" else code,
    "teams": _names(team_name),
    "manages": _names(team_name),
    "agency": _names(agency_name),
}
