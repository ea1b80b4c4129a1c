"""A person's own account: change their password, enrol in or remove TOTP.

Why re-ask the current password: a browser left signed in must not let a passer-by change
the password or switch off the second factor. The TOTP secret being enrolled lives in the
session, sealed, until a first right code proves the app has it; only then is it stored
and the recovery codes shown, once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from web import auth
from web.access import accounts, allow
from web.auth import totp
from web.auth.passwords import load_policy
from workflow.accounts import Account
from workflow.roles import Role

bp = Blueprint("account", __name__, url_prefix="/account")
EVERYONE = tuple(Role)


def _me() -> Account:
    found = accounts().account_by_id(current_user.id)
    assert found is not None  # the session loader refused a missing user already
    return found


def _key() -> str:
    return str(current_app.config["SECRET_KEY"])


@bp.get("/password")
@allow(*EVERYONE)
def password() -> str:
    """Choose a new password (required after an administrator's reset)."""
    return render_template("account_password.html", title="Change your password",
                           errors={}, forced=current_user.must_change_password)


@bp.post("/password")
@allow(*EVERYONE)
def password_post() -> Response | tuple[str, int]:
    """Check the current password and the policy; end the person's other sessions."""
    me, form = _me(), request.form
    errors = _password_problems(me, form.get("current", ""), form.get("new", ""),
                                form.get("confirm", ""))
    if errors:
        return render_template("account_password.html", title="Change your password",
                               errors=errors, forced=me.must_change_password), 400
    accounts().set_password(me.id, auth.hash_password(form["new"]), must_change=False)
    accounts().revoke_other_sessions(me.id, datetime.now(UTC), current_user.session_id)
    flash("Your password has been changed. Any other sign-ins have been ended.", "success")
    return redirect("/")


def _password_problems(me: Account, current: str, new: str, confirm: str) -> dict[str, str]:
    if not auth.verify_password(me.password_hash, current):
        return {"current": "Enter your current password."}
    problem = load_policy(current_app.config["CONFIG_DIR"]).problem(new, me.username)
    if problem:
        return {"new": problem}
    if new != confirm:
        return {"confirm": "The two new passwords are different."}
    if new == current:
        return {"new": "Choose a password you have not used here."}
    return {}


@bp.get("/security")
@allow(*EVERYONE)
def security() -> str:
    """Two-step sign-in: on or off, and (while enrolling) the QR code to scan."""
    me = _me()
    pending = totp.unseal(session.get("totp_enrol", ""), _key()) \
        if session.get("totp_enrol") else None
    qr = totp.enrolment_qr(pending, me.username) if pending else None
    return render_template("account_security.html", title="Two-step sign-in", errors={},
                           enabled=me.totp_enabled, secret=pending, qr=qr)


@bp.post("/totp/start")
@allow(*EVERYONE)
def totp_start() -> Response:
    """Make a new secret for this person to scan (not stored until confirmed)."""
    session["totp_enrol"] = totp.seal(totp.new_secret(), _key())
    return redirect("/account/security")


@bp.post("/totp/confirm")
@allow(*EVERYONE)
def totp_confirm() -> Response | tuple[str, int] | str:
    """A first right code: store the secret and show the recovery codes once."""
    me, sealed = _me(), session.get("totp_enrol")
    secret = totp.unseal(sealed, _key()) if sealed else None
    if secret is None:
        return redirect("/account/security")
    step = totp.matching_step(secret, request.form.get("code", ""), datetime.now(UTC))
    if step is None:
        return render_template("account_security.html", title="Two-step sign-in",
                               errors={"code": "Enter the 6-digit code your app shows now."},
                               enabled=False, secret=secret,
                               qr=totp.enrolment_qr(secret, me.username)), 400
    codes = totp.new_recovery_codes()
    accounts().set_totp(me.id, sealed, totp.hash_codes(codes))
    accounts().take_totp_step(me.id, step)
    session.pop("totp_enrol", None)
    return render_template("account_recovery_codes.html", title="Your recovery codes",
                           errors={}, codes=codes)


@bp.post("/totp/remove")
@allow(*EVERYONE)
def totp_remove() -> Response | tuple[str, int]:
    """Switch two-step sign-in off (the current password is asked again)."""
    me = _me()
    if not auth.verify_password(me.password_hash, request.form.get("current", "")):
        return render_template("account_security.html", title="Two-step sign-in",
                               errors={"current": "Enter your current password."},
                               enabled=me.totp_enabled, secret=None, qr=None), 400
    accounts().set_totp(me.id, None, [])
    flash("Two-step sign-in is off.", "success")
    return redirect("/account/security")
