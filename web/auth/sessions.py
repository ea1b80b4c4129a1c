"""Server-side sessions behind Flask-Login, their timeouts, and the forced password change.

The browser's signed cookie carries only a random session token; the session itself is
a row in ``user_session``, so sign-out and an administrator's revoke end it at once and
everywhere. Each request checks the idle and absolute timeouts. A person whose password an
administrator reset can use nothing but the change-password page (and sign out) until they
have chosen a new one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, current_app, redirect, request, session
from flask_login import LoginManager, current_user
from werkzeug.wrappers import Response

from web.access import accounts
from web.auth import tokens
from workflow.accounts import Account, SignInSession
from workflow.roles import Actor, Role

#: Where someone who must change their password may still go.
CHANGE_PASSWORD = "/account/password"  # noqa: S105 - a page address
_ALLOWED_WHILE_CHANGING = ("account.password", "account.password_post",
                           "auth.sign_out", "auth.sign_in", "static")


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
    must_change_password: bool = False
    #: When the session ends if nothing more is done (the idle or the absolute limit,
    #: whichever is sooner): the time-out warning counts down to it.
    ends_at: datetime | None = None
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
    seen = row.last_seen_at
    if now - seen > timedelta(minutes=1):  # keeps most reads from writing
        accounts().touch_session(row.id, now)
        seen = now
    return SignedInUser(user.id, user.username, user.display_name, user.role, user.team,
                        user.agency, row.id, user.must_change_password,
                        _ends_at(row, seen))


def _ends_at(row: SignInSession, seen: datetime) -> datetime:
    s = _settings()
    return min(seen + timedelta(minutes=s["idle_timeout_minutes"]),
               row.created_at + timedelta(minutes=s["absolute_timeout_minutes"]))


def stay_signed_in(user: SignedInUser, now: datetime) -> datetime:
    """Count now as activity (the person asked to stay signed in); when the session ends."""
    accounts().touch_session(user.session_id, now)
    row = accounts().session(user.session_id)
    return _ends_at(row, now) if row is not None else now


def _expired(row: SignInSession, now: datetime) -> bool:
    s = _settings()
    idle = now - row.last_seen_at > timedelta(minutes=s["idle_timeout_minutes"])
    absolute = now - row.created_at > timedelta(minutes=s["absolute_timeout_minutes"])
    return idle or absolute


def init_login(app: Any) -> None:
    """Wire Flask-Login to the server-side session table, and hold anyone who must change
    their password on that page."""
    manager = LoginManager()
    manager.login_view = "auth.sign_in"
    manager.login_message = "Sign in to continue."
    manager.session_protection = None  # our own session table does this job
    # A request with a bearer token is judged by the token alone (web.auth.tokens).
    manager.request_loader(lambda req: tokens.load_client(req)
                           if tokens.bearer_token(req) is not None else _load_from_session())
    manager.user_loader(lambda _id: None)
    manager.init_app(app)

    @app.before_request
    def _password_change_first() -> Response | None:
        if request.endpoint in _ALLOWED_WHILE_CHANGING or request.endpoint is None:
            return None
        if current_user.is_authenticated and current_user.must_change_password:
            if request.path.startswith("/api/"):
                abort(403, "Change your password first (sign in on the website).")
            return redirect(CHANGE_PASSWORD)
        return None


def start_session(user: Account, now: datetime) -> str:
    """Create the server-side session and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    accounts().start_session(_token_id(token), user.id, now)
    return token
