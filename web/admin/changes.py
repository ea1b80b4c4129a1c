"""An administrator's changes to one person's access, each audited.

Switch off / on (switching off ends every session at once), role, agency and teams, the
e-mail single sign-on matches, clearing the sign-in throttles, a password reset (a
temporary password shown once, changed at the next sign-in; sessions ended) and removing
two-step sign-in (a lost phone). An administrator cannot switch off or demote themself,
so the service is never left without one by a slip.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from web import auth
from web.access import accounts, allow
from web.admin.audit import audit, change
from web.admin.pages import account_or_404, bp, render_user, temporary_password
from web.auth import throttle
from web.words import plural
from workflow.roles import Role

_ADMIN = Role.ADMINISTRATOR


def _back(user_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(f"/admin/users/{user_id}")


@bp.post("/users/<int:user_id>/status")
@allow(_ADMIN)
def status(user_id: int) -> Response | tuple[str, int]:
    """Switch an account off (ending its sessions) or on again."""
    person = account_or_404(user_id)
    active = request.form.get("active") == "1"
    if not active and person.id == current_user.id:
        return render_user(person, {"active": "You cannot switch off your own account."},
                           {}, 400)
    accounts().set_active(user_id, active)
    if not active:
        accounts().revoke_sessions(user_id, datetime.now(UTC))
    audit("enabled" if active else "disabled", person.username)
    return _back(user_id, f"{person.display_name} is switched {'on' if active else 'off'}.")


@bp.post("/users/<int:user_id>/access")
@allow(_ADMIN)
def access(user_id: int) -> Response | tuple[str, int]:
    """Role, agency and teams (the home team first)."""
    person, form = account_or_404(user_id), request.form
    errors = _access_problems(person.id, form)
    if errors:
        return render_user(person, errors, form, 400)
    role = Role(form["role"])
    agency = form.get("agency") or None
    home = form.get("team") or None
    teams = [home] if home else []
    teams += [t for t in form.getlist("teams") if t and t != home]
    manages = [t for t in form.getlist("manages") if t in teams]
    before = ([t.code for t in accounts().teams() if person.username in t.members])
    accounts().set_role(user_id, role, agency)
    accounts().set_teams(user_id, teams, manages)
    detail = "; ".join(d for d in (change("role", person.role.value, role.value),
                                   change("agency", person.agency, agency if role ==
                                          Role.PARTNER else None),
                                   change("teams", ",".join(sorted(before)),
                                          ",".join(sorted(teams))),
                                   f"manages: {','.join(manages) or '–'}") if d)
    audit("access_changed", person.username, detail)
    return _back(user_id, f"{person.display_name}'s access is changed.")


def _access_problems(user_id: int, form: MultiDict[str, str]) -> dict[str, str]:
    get = form.get
    known = {t.code for t in accounts().teams()}
    if get("role") not in {r.value for r in Role}:
        return {"role": "Choose a role."}
    if user_id == current_user.id and get("role") != _ADMIN.value:
        return {"role": "You cannot take away your own administrator role."}
    if get("role") == Role.PARTNER.value and not get("agency"):
        return {"agency": "Choose the agency a partner practitioner answers for."}
    chosen = [get("team") or "", *form.getlist("teams")]
    if any(t and t not in known for t in chosen):
        return {"team": "Choose teams from the list."}
    return {}


@bp.post("/users/<int:user_id>/email")
@allow(_ADMIN)
def email(user_id: int) -> Response | tuple[str, int]:
    """The work e-mail a first single sign-on is matched by (empty to clear)."""
    person = account_or_404(user_id)
    value = (request.form.get("email") or "").strip().lower()
    if value and "@" not in value:
        return render_user(person, {"email": "Enter a work e-mail address."}, request.form,
                           400)
    try:
        accounts().set_email(user_id, value or None)
    except ValueError as error:
        return render_user(person, {"email": str(error).capitalize() + "."}, request.form,
                           400)
    audit("email_changed", person.username, change("e-mail", person.email, value or None))
    return _back(user_id, "The e-mail address is saved.")


@bp.post("/users/<int:user_id>/unlock")
@allow(_ADMIN)
def unlock(user_id: int) -> Response:
    """Clear the account's sign-in and code throttles (the person can try again now)."""
    person = account_or_404(user_id)
    accounts().clear_attempts([throttle.account_key(person.username),
                               throttle.totp_key(person.id)])
    audit("unlocked", person.username)
    return _back(user_id, f"{person.display_name} can try to sign in again now.")


@bp.post("/users/<int:user_id>/password")
@allow(_ADMIN)
def reset_password(user_id: int) -> str:
    """A temporary password, shown once; the person must change it when they sign in."""
    person = account_or_404(user_id)
    password = temporary_password()
    accounts().set_password(user_id, auth.hash_password(password), must_change=True)
    ended = accounts().revoke_sessions(user_id, datetime.now(UTC))
    audit("password_reset", person.username,
          f"temporary password; {plural(ended, 'session')} ended")
    return render_template("admin_password_shown.html", title="Password reset", errors={},
                           person=person, password=password)


@bp.post("/users/<int:user_id>/totp-reset")
@allow(_ADMIN)
def reset_totp(user_id: int) -> Response:
    """Switch off someone's two-step sign-in (a lost phone, all recovery codes gone)."""
    person = account_or_404(user_id)
    accounts().set_totp(user_id, None, [])
    audit("totp_removed", person.username)
    return _back(user_id, f"Two-step sign-in is off for {person.display_name}.")
