"""The sign-in pages: password (throttled), the authentication-code step, sign-out.

A local sign-in counts the attempt first (``web.auth.throttle``), checks the password only
if every bucket has room, then either starts the session or, for someone enrolled in TOTP,
asks for a code (or a recovery code) on a second page within five minutes. Unknown,
disabled and single-sign-on-only usernames get the same answer as a wrong password, after
the same time. Every page here is CSRF-protected like every form.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from web import auth
from web.access import accounts, public
from web.auth import device, throttle, totp
from web.auth.sessions import start_session
from workflow.accounts import Account

bp = Blueprint("auth", __name__)
SECOND_STEP = timedelta(minutes=5)
#: The session key holding the page to go back to after signing in.
RETURN_TO = "return_to"
#: Addresses that are not pages to go back to (the sign-in pages, the scripts' own calls).
_NOT_RETURNED_TO = ("/sign-in", "/sign-out", "/drafts/", "/session/")
TIMED_OUT = ("You were signed out because nothing was done for a while. What you had typed "
             "was kept: sign in to carry on where you left off.")
_REFUSALS = {
    "network": "Too many failed attempts from this network. Wait 15 minutes and try again.",
    "account": "Too many failed attempts. Wait 15 minutes and try again. Or sign in on a "
               "device you have signed in on before, with your organisation's account, or "
               "ask an administrator to clear the block.",
    "device": "Too many failed attempts. Wait 15 minutes and try again.",
}


def limits() -> throttle.Limits:
    return throttle.Limits.from_settings(current_app.config["FRONTDOOR_WEB"])


def _page(errors: dict[str, str], username: str, status: int) -> tuple[str, int]:
    return render_template("sign_in.html", title="Sign in", errors=errors, username=username,
                           providers=current_app.extensions["sso"].buttons()), status


@bp.get("/sign-in")
@public
def sign_in() -> str:
    """The sign-in form, with a button for each single sign-on provider. A page that sent
    the person here (``?next=``, after a time-out) is where signing in takes them back."""
    back = safe_return(request.args.get("next"))
    if back:
        session[RETURN_TO] = back
    return _page({}, "", 200)[0]


def safe_return(path: str | None) -> str | None:
    """A path on this site to go back to, or None: never another site (``//host``,
    ``https://``), never the sign-in pages themselves."""
    if not path or len(path) > 300 or not path.startswith("/") or path.startswith("//"):
        return None
    if any(c in path for c in "\\\r\n") or path.startswith(_NOT_RETURNED_TO):
        return None
    return path


@bp.post("/sign-in")
@public
def sign_in_post() -> Response | tuple[str, int]:
    """Count the attempt, check the password, then start a session or ask for a code."""
    username = (request.form.get("username") or "").strip().lower()[:80]
    password = request.form.get("password") or ""
    return _sign_in(username, password, datetime.now(UTC))


def _sign_in(username: str, password: str, now: datetime) -> Response | tuple[str, int]:
    known = device.known_device(request, username) if username else None
    attempt = throttle.reserve(
        accounts(), limits(), now,
        throttle.network_key(request.remote_addr or "-", current_app.config["SECRET_KEY"]),
        throttle.account_key(username), throttle.device_key(known) if known else None)
    if attempt.refused:
        return _page({"username": _REFUSALS[attempt.refused]}, username, 429)
    user = accounts().account(username)
    if user is None or not user.active or not auth.verify_password(user.password_hash,
                                                                   password):
        if user is None or not user.active:
            auth.spend_a_hash(password)
        accounts().record_failed_sign_in(username, now)
        return _page({"username": "Enter a correct username and password."}, username, 401)
    throttle.succeeded(accounts(), attempt)
    accounts().clear_failed_sign_ins(username)
    if user.totp_enabled:
        back = session.get(RETURN_TO)
        session.clear()
        if back:
            session[RETURN_TO] = back
        session["pending"] = {"user": user.id, "at": now.timestamp()}
        return redirect("/sign-in/code")
    return finish_sign_in(user, now)


def finish_sign_in(user: Account, now: datetime) -> Response:
    """Start the server-side session and remember this browser as one of theirs; back to
    the page that sent them to sign in, if any (where their draft waits)."""
    back = safe_return(session.get(RETURN_TO))
    session.clear()
    session["sid"] = start_session(user, now)
    response = redirect(back or "/")
    device.remember(request, response, user.username)
    return response


def _pending(now: datetime) -> Account | None:
    found: Any = session.get("pending")
    if not isinstance(found, dict) or now.timestamp() - float(found.get("at", 0)) > \
            SECOND_STEP.total_seconds():
        return None
    user = accounts().account_by_id(int(found.get("user", 0)))
    return user if user is not None and user.active and user.totp_enabled else None


@bp.get("/sign-in/code")
@public
def sign_in_code() -> Response | str:
    """The second step: the code from the authenticator app, or a recovery code."""
    if _pending(datetime.now(UTC)) is None:
        return redirect("/sign-in")
    return render_template("sign_in_code.html", title="Enter your code", errors={})


@bp.post("/sign-in/code")
@public
def sign_in_code_post() -> Response | tuple[str, int]:
    """Check the code (throttled per person); a code is accepted once only."""
    now = datetime.now(UTC)
    user = _pending(now)
    if user is None:
        flash("That took too long. Sign in again.", "error")
        return redirect("/sign-in")
    if not throttle.second_factor(accounts(), limits(), now, user.id):
        return _code_page("Too many wrong codes. Wait 15 minutes, or ask an administrator.",
                          429)
    if _second_factor_ok(user, request.form.get("code") or "", now):
        return finish_sign_in(user, now)
    return _code_page("Enter the 6-digit code from your app, or one of your recovery codes.",
                      401)


def _second_factor_ok(user: Account, code: str, now: datetime) -> bool:
    secret = totp.unseal(user.totp_secret or "", current_app.config["SECRET_KEY"])
    step = totp.matching_step(secret, code, now) if secret else None
    if step is not None:
        return accounts().take_totp_step(user.id, step)
    return any(c.isalpha() for c in code) and totp.use_recovery_code(accounts(), user.id,
                                                                     code, now)


def _code_page(message: str, status: int) -> tuple[str, int]:
    return render_template("sign_in_code.html", title="Enter your code",
                           errors={"code": message}), status


@bp.post("/sign-out")
@public
def sign_out() -> Response:
    """End the server-side session (CSRF-protected like every form). The time-out warning
    signs out with ``timed_out`` and the page it was on, which signing in returns to."""
    if current_user.is_authenticated:
        accounts().revoke_sessions(current_user.id, datetime.now(UTC), current_user.session_id)
    session.clear()
    if request.form.get("timed_out"):
        back = safe_return(request.form.get("return_to"))
        if back:
            session[RETURN_TO] = back
        flash(TIMED_OUT)
        return redirect("/sign-in")
    flash("You have signed out.", "success")
    return redirect("/sign-in")
