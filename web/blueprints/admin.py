"""Administration: users and their sign-in sessions, which an administrator can end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template
from sqlalchemy import select
from werkzeug.wrappers import Response

from web.access import allow, write_session
from web.users import revoke_sessions
from web.views import when
from workflow.persistence.tables import SessionRow, UserRow
from workflow.roles import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@allow(Role.ADMINISTRATOR)
def users() -> str:
    """Every user, their role, team or agency, and their live sessions."""
    people = g.db.scalars(select(UserRow).order_by(UserRow.username)).all()
    since = datetime.now(UTC) - timedelta(days=1)
    sessions = g.db.scalars(select(SessionRow).where(SessionRow.revoked_at.is_(None),
                                                     SessionRow.last_seen_at > since)).all()
    live: dict[int, list[SessionRow]] = {}
    for s in sessions:
        live.setdefault(s.user_id, []).append(s)
    return render_template("admin_users.html", title="Users and sessions", people=people,
                           live=live, when=when, roles=Role, errors={})


@bp.post("/users/<int:user_id>/revoke")
@allow(Role.ADMINISTRATOR)
def revoke(user_id: int) -> Response:
    """End every session of one user at once (e.g. a lost laptop)."""
    if g.db.get(UserRow, user_id) is None:
        abort(404, "There is no such user.")
    with write_session() as db:
        ended = revoke_sessions(db, user_id)
    flash(f"Ended {ended} session(s).", "success")
    return redirect("/admin/users")
