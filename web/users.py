"""People: demo users for every role, creation and session revocation (CLI and admin page).

Demo passwords are random on every run and printed once, so a laptop demo never ships a
known password; ``FRONTDOOR_DEMO_PASSWORD`` fixes them for scripted demos.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from web.auth import hash_password
from workflow.persistence.tables import SessionRow, UserRow
from workflow.roles import Role

DEMO_USERS: tuple[tuple[str, str, Role, str | None, str | None], ...] = (
    ("demo.worker", "Dee Worker", Role.FRONT_DOOR_WORKER, "front-door", None),
    ("demo.chair", "Cal Chair", Role.MASH_CHAIR, "front-door", None),
    ("demo.manager", "Mo Manager", Role.TEAM_MANAGER, "front-door", None),
    ("demo.manager2", "Max Manager", Role.TEAM_MANAGER, "assessment-1", None),
    ("demo.socialworker", "Sol Worker", Role.SOCIAL_WORKER, "assessment-1", None),
    ("demo.police", "Pat Police", Role.PARTNER, None, "police"),
    ("demo.health", "Hal Health", Role.PARTNER, None, "health"),
    ("demo.admin", "Ada Admin", Role.ADMINISTRATOR, None, None),
)


def upsert_user(db: Session, username: str, display: str, role: Role, team: str | None,
                agency: str | None, password: str) -> UserRow:
    """Create or update a user (a partner must name an agency)."""
    if role == Role.PARTNER and not agency:
        raise ValueError("a partner agency practitioner must be bound to one agency")
    user = db.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        user = UserRow(username=username, display_name=display, password_hash="", role=role)
        db.add(user)
    user.display_name, user.role, user.team, user.agency = display, role.value, team, agency
    user.password_hash = hash_password(password)
    user.active = True
    db.flush()
    return user


def load_demo_users(db: Session) -> list[tuple[str, str, str]]:
    """(username, role label, password) for each demo user, passwords freshly set."""
    fixed = os.environ.get("FRONTDOOR_DEMO_PASSWORD")
    made = []
    for username, display, role, team, agency in DEMO_USERS:
        password = fixed or secrets.token_urlsafe(9)
        upsert_user(db, username, display, role, team, agency, password)
        made.append((username, role.label + (f" ({agency})" if agency else ""), password))
    db.commit()
    return made


def revoke_sessions(db: Session, user_id: int, session_id: str | None = None) -> int:
    """End one session, or every session of a user; returns how many were ended."""
    stmt = update(SessionRow).where(SessionRow.user_id == user_id,
                                    SessionRow.revoked_at.is_(None))
    if session_id:
        stmt = stmt.where(SessionRow.id == session_id)
    result = db.execute(stmt.values(revoked_at=datetime.now(UTC)))
    db.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
