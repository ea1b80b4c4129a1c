"""Administration: users and their sign-in sessions, which an administrator can end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template
from werkzeug.wrappers import Response

from web.access import accounts, allow
from web.views import when
from workflow.accounts import SignInSession
from workflow.roles import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@allow(Role.ADMINISTRATOR)
def users() -> str:
    """Every user, their role, team or agency, and their live sessions."""
    people = accounts().accounts()
    since = datetime.now(UTC) - timedelta(days=1)
    live: dict[int, list[SignInSession]] = {}
    for s in accounts().live_sessions(since):
        live.setdefault(s.user_id, []).append(s)
    return render_template("admin_users.html", title="Users and sessions", people=people,
                           live=live, when=when, roles=Role, errors={})


@bp.post("/users/<int:user_id>/revoke")
@allow(Role.ADMINISTRATOR)
def revoke(user_id: int) -> Response:
    """End every session of one user at once (e.g. a lost laptop)."""
    if accounts().account_by_id(user_id) is None:
        abort(404, "There is no such user.")
    ended = accounts().revoke_sessions(user_id, datetime.now(UTC))
    flash(f"Ended {ended} session(s).", "success")
    return redirect("/admin/users")
