"""The administrators' audit: every change to someone's access, one append-only row.

Why a table of its own and not the access log: the access log answers "who looked at which
child"; this answers "who gave whom which access, and when", which a security review and
an investigation after an incident ask first. Rows hold usernames, roles and team codes,
never a password, a code or a child's details, and the database refuses to change them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import current_user

from web.access import accounts
from workflow.accounts import AdminChange


def audit(action: str, target: str, detail: str = "") -> None:
    """Record one change made by the signed-in administrator."""
    accounts().record_admin_change(AdminChange(datetime.now(UTC), current_user.username,
                                               action, target, detail[:2000]))


def change(label: str, before: object, after: object) -> str:
    """``role: social_worker → team_manager`` (empty when nothing changed)."""
    return "" if before == after else f"{label}: {before or '–'} → {after or '–'}"
