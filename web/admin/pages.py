"""Administration: the list of users, a user's page, creating a user, and the audit trail.

Administrators only (deny by default: every route is ``@allow(Role.ADMINISTRATOR)``);
every form carries the CSRF token; every change is written to the append-only
``admin_audit`` table (``web.admin.audit``). The changes themselves are in
``web.admin.changes``; a leaver's cases in ``web.admin.leavers``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from web import auth
from web.access import accounts, allow
from web.admin.audit import audit
from web.auth import throttle
from web.auth.claims import NO_PASSWORD
from web.auth.passwords import load_policy
from web.views import when
from web.words import plural
from workflow.accounts import Account, SignInSession
from workflow.roles import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


def account_or_404(user_id: int) -> Account:
    found = accounts().account_by_id(user_id)
    if found is None:
        abort(404, "There is no such user.")
    return found


def temporary_password() -> str:
    """A random temporary password that the policy accepts (four groups of five)."""
    policy = load_policy(current_app.config["CONFIG_DIR"])
    while True:
        made = "-".join(secrets.token_urlsafe(4)[:5] for _ in range(4))
        if policy.problem(made) is None:
            return made


@bp.get("/users")
@allow(Role.ADMINISTRATOR)
def users() -> str:
    """Every user, their role, team or agency, status, and their live sessions."""
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
    user = account_or_404(user_id)
    ended = accounts().revoke_sessions(user_id, datetime.now(UTC))
    audit("sessions_ended", user.username, plural(ended, "session"))
    flash(f"Ended {plural(ended, 'session')}.", "success")
    return redirect("/admin/users")


@bp.get("/users/<int:user_id>")
@allow(Role.ADMINISTRATOR)
def user(user_id: int) -> str:
    """One person: status, access, sign-in methods, throttles and what was changed."""
    return render_user(account_or_404(user_id), {}, {})


def render_user(person: Account, errors: dict[str, str], typed: dict[str, Any],
                status: int = 200) -> Any:
    keys = [throttle.account_key(person.username), throttle.totp_key(person.id)]
    page = render_template(
        "admin_user.html", title=person.display_name, person=person, errors=errors,
        typed=typed, roles=Role, teams=accounts().teams(), when=when,
        memberships=[t.name for t in accounts().teams() if person.username in t.members],
        managed=[t.name for t in accounts().teams() if person.username in t.managers],
        identities=accounts().identities(person.id),
        throttles=accounts().throttles(keys), changes=accounts().admin_changes(
            person.username, 50), agencies=_agencies(),
        local=not person.password_hash.startswith("!"))
    return (page, status) if status != 200 else page


def _agencies() -> list[tuple[str, str]]:
    agencies = current_app.extensions["rules"].mash.agencies.all()
    return [(a.id, a.name) for a in agencies]


@bp.get("/users/new")
@allow(Role.ADMINISTRATOR)
def new_user() -> str:
    """The form to add a person (with a temporary password, or for single sign-on only)."""
    return render_template("admin_user_new.html", title="Add a user", errors={}, typed={},
                           roles=Role, teams=accounts().teams(), agencies=_agencies())


@bp.post("/users/new")
@allow(Role.ADMINISTRATOR)
def new_user_post() -> Response | tuple[str, int] | str:
    """Create the person; a temporary password is shown once and must be changed."""
    form = request.form
    errors = _new_user_problems(form)
    if errors:
        return render_template("admin_user_new.html", title="Add a user", errors=errors,
                               typed=form, roles=Role, teams=accounts().teams(),
                               agencies=_agencies()), 400
    username, role = form["username"].strip().lower(), Role(form["role"])
    team = form.get("team") or None
    password = temporary_password() if form.get("local") else None
    made = accounts().save_account(
        username, form["display_name"].strip(), role, team,
        form.get("agency") or None if role == Role.PARTNER else None, NO_PASSWORD,
        form.get("swe_number", "").strip().upper() or None)
    if password:
        accounts().set_password(made.id, auth.hash_password(password), must_change=True)
    if form.get("email"):
        accounts().set_email(made.id, form["email"])
    if team:
        accounts().set_teams(made.id, [team], [])
    audit("user_created", username, f"role: {role.value}; team: {team or '–'}; "
          f"e-mail: {'set' if form.get('email') else '–'}; "
          f"local password: {'temporary' if password else 'none (single sign-on)'}")
    return render_template("admin_password_shown.html", title="User added", errors={},
                           person=made, password=password)


def _new_user_problems(form: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    username = (form.get("username") or "").strip().lower()
    if not username or len(username) > 80 or not username.replace(".", "").replace(
            "-", "").replace("_", "").replace("@", "").isalnum():
        errors["username"] = "Enter a username of letters, digits, dots, hyphens (at most 80)."
    elif accounts().account(username) is not None:
        errors["username"] = "There is already a user with this username."
    if not (form.get("display_name") or "").strip():
        errors["display_name"] = "Enter the name the pages show."
    if form.get("role") not in {r.value for r in Role}:
        errors["role"] = "Choose a role."
    elif form["role"] == Role.PARTNER.value and not form.get("agency"):
        errors["agency"] = "Choose the agency a partner practitioner answers for."
    if form.get("team") and form["team"] not in {t.code for t in accounts().teams()}:
        errors["team"] = "Choose a team from the list."
    email = (form.get("email") or "").strip().lower()
    if email and ("@" not in email or accounts().account_by_email(email) is not None):
        errors["email"] = "Enter a work e-mail address nobody else has."
    if not form.get("local") and not email:
        errors["email"] = "Give a temporary password, or the e-mail single sign-on matches."
    return errors


@bp.get("/audit")
@allow(Role.ADMINISTRATOR)
def audit_trail() -> str:
    """The newest 200 changes anyone made to anyone's access."""
    return render_template("admin_audit.html", title="Changes to access", errors={},
                           changes=accounts().admin_changes(None, 200), when=when)
