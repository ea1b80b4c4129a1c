"""Sign-in, server-side sessions, timeouts and throttling (Flask-Login + argon2).

The browser's signed cookie carries only a random session token; the session itself is
a row in ``user_session``, so sign-out and an administrator's revoke end it at once and
everywhere. Each request checks the idle and absolute timeouts. Failed sign-ins are
counted per username; past the limit, sign-in is refused for the rest of the window.
Passwords are hashed with argon2 and never logged.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Blueprint, current_app, flash, redirect, render_template, request, session
from flask_login import LoginManager, current_user
from werkzeug.wrappers import Response

from web.access import accounts, public
from workflow.accounts import Account, SignInSession
from workflow.roles import Actor, Role

bp = Blueprint("auth", __name__)
hasher = PasswordHasher()


@dataclass(frozen=True)
class SignedInUser:
    """The person behind this request (what Flask-Login calls the user)."""

    id: int
    username: str
    display_name: str
    role: Role
    team: str | None
    agency: str | None
    session_id: str
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def name(self) -> str:
        return self.display_name

    @property
    def actor(self) -> Actor:
        """This person as the engine sees them."""
        return Actor(self.username, self.role, self.agency, self.team)


def hash_password(password: str) -> str:
    """argon2id hash for storage."""
    return hasher.hash(password)


def _token_id(token: str) -> str:
    """Store only a hash of the token, so a leaked table cannot be replayed as cookies."""
    return hashlib.sha256(token.encode()).hexdigest()


def _settings() -> dict[str, Any]:
    return current_app.config["FRONTDOOR_WEB"]


def _load_from_session() -> SignedInUser | None:
    token = session.get("sid")
    if not isinstance(token, str):
        return None
    row = accounts().session(_token_id(token))
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or _expired(row, now):
        session.clear()
        return None
    user = accounts().account_by_id(row.user_id)
    if user is None or not user.active:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):  # keeps most reads from writing
        accounts().touch_session(row.id, now)
    return SignedInUser(user.id, user.username, user.display_name, user.role, user.team,
                        user.agency, row.id)


def _expired(row: SignInSession, now: datetime) -> bool:
    s = _settings()
    idle = now - row.last_seen_at > timedelta(minutes=s["idle_timeout_minutes"])
    absolute = now - row.created_at > timedelta(minutes=s["absolute_timeout_minutes"])
    return idle or absolute


def init_login(app: Any) -> None:
    """Wire Flask-Login to the server-side session table."""
    manager = LoginManager()
    manager.login_view = "auth.sign_in"
    manager.login_message = "Sign in to continue."
    manager.session_protection = None  # our own session table does this job
    manager.request_loader(lambda _request: _load_from_session())
    manager.user_loader(lambda _id: None)
    manager.init_app(app)


def _throttled(username: str, now: datetime) -> bool:
    s = _settings()
    since = now - timedelta(minutes=s["login_window_minutes"])
    return accounts().failed_sign_ins(username, since) >= s["login_attempts"]


def _verify(user: Account | None, password: str) -> bool:
    if user is None or not user.active:
        hasher.hash(password)  # spend the same time, so usernames cannot be probed
        return False
    try:
        return hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def start_session(user: Account, now: datetime) -> str:
    """Create the server-side session and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    accounts().start_session(_token_id(token), user.id, now)
    return token


@bp.get("/sign-in")
@public
def sign_in() -> str:
    """The sign-in form."""
    return render_template("sign_in.html", title="Sign in", errors={}, username="")


@bp.post("/sign-in")
@public
def sign_in_post() -> Response | tuple[str, int]:
    """Check the password, throttle guessing, start a server-side session."""
    username = (request.form.get("username") or "").strip().lower()[:80]
    password = request.form.get("password") or ""
    return _sign_in(username, password, datetime.now(UTC))


def _sign_in(username: str, password: str, now: datetime) -> Response | tuple[str, int]:
    if _throttled(username, now):
        errors = {"username": "Too many failed attempts. Wait 15 minutes and try again."}
        return render_template("sign_in.html", title="Sign in", errors=errors,
                               username=username), 429
    user = accounts().account(username)
    if not _verify(user, password):
        accounts().record_failed_sign_in(username, now)
        errors = {"username": "Enter a correct username and password."}
        return render_template("sign_in.html", title="Sign in", errors=errors,
                               username=username), 401
    assert user is not None
    accounts().clear_failed_sign_ins(username)
    session.clear()
    session["sid"] = start_session(user, now)
    return redirect("/")


@bp.post("/sign-out")
@public
def sign_out() -> Response:
    """End the server-side session (CSRF-protected like every form)."""
    if current_user.is_authenticated:
        accounts().revoke_sessions(current_user.id, datetime.now(UTC), current_user.session_id)
    session.clear()
    flash("You have signed out.", "success")
    return redirect("/sign-in")
