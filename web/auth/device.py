"""Known devices: a signed cookie that says "someone signed in as this person here before".

Why: a per-account limit alone lets anyone lock anyone out by guessing wrongly five times.
With this cookie the person's own browser counts its attempts in a bucket of its own
(``web.auth.throttle``), which a stranger elsewhere cannot fill (the OWASP "device cookie"
defence). The cookie holds, per person who signed in on the browser, a random device id
keyed by a hash of the username (never the username), signed with the app's secret key so
it cannot be forged; it is HttpOnly, sent only to ``/sign-in`` and lasts 90 days from the
last successful sign-in. A shared MASH workstation keeps up to five people's entries.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Request, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "frontdoor_device"
MAX_AGE = 90 * 24 * 3600
MAX_PEOPLE = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="frontdoor-device")


def _who(username: str) -> str:
    return hashlib.sha256(f"device:{username}".encode()).hexdigest()[:24]


def _entries(request: Request) -> dict[str, str]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return {}
    try:
        found: Any = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def known_device(request: Request, username: str) -> str | None:
    """This browser's device id for ``username``, if they signed in on it before."""
    return _entries(request).get(_who(username))


def remember(request: Request, response: Response, username: str) -> None:
    """After a successful sign-in: keep (or make) this person's device id on the browser."""
    entries = _entries(request)
    who = _who(username)
    device = entries.pop(who, None) or secrets.token_urlsafe(24)
    kept = list(entries.items())[-(MAX_PEOPLE - 1):]
    value = _serializer().dumps(dict([*kept, (who, device)]))
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, path="/sign-in", httponly=True,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                        samesite="Lax")
