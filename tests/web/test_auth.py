"""Sign-in, sessions and security headers, as a person at the browser would meet them.

Wrong passwords are refused with the GOV.UK error summary and counted; guessing is
throttled even when the sixth guess is right; sessions live server-side, so signing out
or an administrator's "End sessions" ends them at once; idle (30 min) and absolute
(600 min) timeouts from config/settings.toml sign people out; cookies are HttpOnly,
SameSite=Lax and Secure by default; passwords are argon2id hashes; the CSP has a
per-request nonce that every <script> carries and no 'unsafe-inline'.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import (
    COOKIE,
    KEEP,
    PEOPLE,
    SPARE,
    Browser,
    Contacts,
    count_rows,
    make_app,
    session_cookie,
    sign_in,
    store_of,
    text_of,
)
from workflow.persistence.tables import LoginAttemptRow, SessionRow, UserRow

WRONG = "not-the-password"


def _attempts(db: Callable[[], Session], username: str) -> int:
    with db() as session:
        return len(session.scalars(select(LoginAttemptRow).where(
            LoginAttemptRow.username == username)).all())


def _signed_out(browser: Browser, path: str = "/queue") -> bool:
    response = browser.get(path)
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


# -- signing in ---------------------------------------------------------------------------

def test_a_wrong_password_is_refused_with_401_and_a_govuk_error_summary(
        anonymous: Browser, db: Callable[[], Session]) -> None:
    with db() as session:
        sessions_before = count_rows(session, SessionRow)

    response = sign_in(anonymous.client, "fd.worker", WRONG)

    page = text_of(response)
    assert response.status_code == 401
    assert "<title>Error: Sign in – Front Door</title>" in page
    assert 'class="govuk-error-summary"' in page and "There is a problem" in page
    assert '<a href="#username">Enter a correct username and password.</a>' in page
    assert 'value="fd.worker"' in page  # the username is kept, the password is not
    assert WRONG not in page
    assert _attempts(db, "fd.worker") == 1
    with db() as session:
        assert count_rows(session, SessionRow) == sessions_before
    assert _signed_out(anonymous)


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(
        anonymous: Browser, db: Callable[[], Session]) -> None:
    response = sign_in(anonymous.client, "nobody.here", WRONG)

    assert response.status_code == 401
    assert "Enter a correct username and password." in text_of(response)
    assert _attempts(db, "nobody.here") == 1


def test_after_five_failures_even_the_right_password_is_refused_with_429(
        anonymous: Browser, db: Callable[[], Session]) -> None:
    for _ in range(5):
        assert sign_in(anonymous.client, SPARE.username, WRONG).status_code == 401
    with db() as session:
        sessions_before = count_rows(session, SessionRow)

    response = sign_in(anonymous.client, SPARE.username, SPARE.password)

    assert response.status_code == 429
    assert "Too many failed attempts. Wait 15 minutes and try again." in text_of(response)
    with db() as session:
        assert count_rows(session, SessionRow) == sessions_before
    assert _signed_out(anonymous)


def test_the_right_password_starts_a_session_and_lands_on_my_work(
        anonymous: Browser, db: Callable[[], Session]) -> None:
    response = sign_in(anonymous.client, SPARE.username, SPARE.password)

    assert (response.status_code, response.headers["Location"]) == (302, "/")
    landing = anonymous.get("/", follow_redirects=True)
    assert landing.request.path == "/queue"
    assert "Signed in as Spare Worker" in text_of(landing)


def test_the_cookie_carries_only_a_random_token_and_the_database_only_its_hash(
        app: object, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    worker = signed_in("worker")
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    data = serializer.loads(session_cookie(worker.client))

    assert "fd.worker" not in json.dumps(data) and "front_door_worker" not in json.dumps(data)
    with db() as session:
        assert session.get(SessionRow, data["sid"]) is None
        stored = session.get(SessionRow, hashlib.sha256(data["sid"].encode()).hexdigest())
    assert stored is not None and stored.revoked_at is None


# -- ending sessions -----------------------------------------------------------------------

def test_sign_out_ends_the_server_side_session_so_the_old_cookie_is_useless(
        app: object, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    worker = signed_in("worker")
    old_cookie = session_cookie(worker.client)
    assert old_cookie and worker.get("/queue").status_code == 200

    response = worker.post("/sign-out")

    assert (response.status_code, response.headers["Location"]) == (302, "/sign-in")
    assert "You have signed out." in text_of(worker.get("/sign-in"))
    replay = app.test_client()  # type: ignore[attr-defined]
    replay.set_cookie(COOKIE, old_cookie, domain="localhost")
    assert _signed_out(Browser(replay))
    with db() as session:
        worker_id = session.scalar(select(UserRow.id).where(UserRow.username == "fd.worker"))
        rows = session.scalars(select(SessionRow).where(SessionRow.user_id == worker_id)).all()
    assert rows and all(r.revoked_at is not None for r in rows)


def test_an_administrator_ending_someones_sessions_signs_them_out_at_once(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    admin, worker, chair = signed_in("admin"), signed_in("worker"), signed_in("chair")
    assert worker.get("/queue").status_code == 200
    page = text_of(admin.get("/admin/users"))
    with db() as session:
        worker_id = session.scalar(select(UserRow.id).where(UserRow.username == "fd.worker"))
    assert f'action="/admin/users/{worker_id}/revoke"' in page
    assert "End sessions <span class=\"govuk-visually-hidden\">of fd.worker</span>" in page

    response = admin.post(f"/admin/users/{worker_id}/revoke")

    assert (response.status_code, response.headers["Location"]) == (302, "/admin/users")
    after = text_of(admin.get("/admin/users"))
    assert "Ended 1 session." in after
    assert f'action="/admin/users/{worker_id}/revoke"' not in after  # no live session left
    assert _signed_out(worker)
    assert chair.get("/queue").status_code == 200  # nobody else was touched


# -- timeouts (config/settings.toml [web]: idle 30, absolute 600 minutes) --------------------

def _fresh_start() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def test_thirty_one_idle_minutes_sign_a_person_out(anonymous: Browser) -> None:
    with freeze_time(_fresh_start()) as clock:
        assert sign_in(anonymous.client, SPARE.username, SPARE.password).status_code == 302
        clock.tick(timedelta(minutes=29))
        assert anonymous.get("/queue").status_code == 200  # activity resets the idle clock
        clock.tick(timedelta(minutes=29))
        assert anonymous.get("/queue").status_code == 200

        clock.tick(timedelta(minutes=31))

        assert _signed_out(anonymous)


def test_a_busy_session_still_ends_after_600_minutes(anonymous: Browser) -> None:
    with freeze_time(_fresh_start()) as clock:
        assert sign_in(anonymous.client, SPARE.username, SPARE.password).status_code == 302
        for minute in range(20, 601, 20):
            clock.tick(timedelta(minutes=20))
            assert anonymous.get("/queue").status_code == 200, f"signed out at {minute} min"

        clock.tick(timedelta(minutes=1))  # 601 minutes after signing in

        assert _signed_out(anonymous)


# -- cookies and stored passwords -----------------------------------------------------------

def _set_cookie(browser: Browser) -> str:
    header = browser.get("/sign-in").headers.get("Set-Cookie", "")
    assert header.startswith(f"{COOKIE}="), header
    return header


def test_the_session_cookie_is_httponly_and_samesite_lax(anonymous: Browser) -> None:
    header = _set_cookie(anonymous)

    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_the_session_cookie_is_secure_unless_settings_turn_it_off(database_url: str) -> None:
    app = make_app(database_url, SESSION_COOKIE_SECURE=KEEP)  # settings.toml as shipped
    try:
        header = _set_cookie(Browser(app.test_client()))
    finally:
        store_of(app).close()

    assert "Secure" in header.split("; ")
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_passwords_are_stored_as_argon2id_hashes_never_as_typed(
        db: Callable[[], Session]) -> None:
    with db() as session:
        users = session.scalars(select(UserRow)).all()

    assert len(users) == len(PEOPLE) + 1
    for user in users:
        password = next(p.password for p in (*PEOPLE.values(), SPARE)
                         if p.username == user.username)
        assert user.password_hash.startswith("$argon2id$"), user.username
        assert password not in user.password_hash


# -- Content-Security-Policy ---------------------------------------------------------------

_SCRIPT = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def _script_src(response: object) -> str:
    policy = response.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    return directives["script-src"]


def test_every_script_on_every_page_carries_the_csp_nonce_and_inline_code_is_not_allowed(
        anonymous: Browser, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.one()
    worker, manager, admin = signed_in("worker"), signed_in("manager"), signed_in("admin")
    pages = [(anonymous, "/sign-in"), (worker, "/queue"), (worker, f"/contacts/{contact_id}"),
             (worker, "/contacts/new"), (worker, "/workflow"), (manager, "/allocation"),
             (admin, "/admin/users"), (worker, "/contacts/999999")]
    nonces = set()
    for who, path in pages:
        response = who.get(path)
        script_src = _script_src(response)
        found = re.search(r"'nonce-([^']+)'", script_src)
        assert found, f"{path}: script-src has no nonce: {script_src}"
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        nonce = found.group(1)
        tags = _SCRIPT.findall(text_of(response))
        assert tags, f"{path} has no <script> to check"
        for tag in tags:
            assert f'nonce="{nonce}"' in tag, f"{path}: {tag} lacks this request's nonce"
        nonces.add(nonce)
    assert len(nonces) == len(pages)  # a fresh nonce for every response


def test_security_headers_forbid_framing_sniffing_and_caching_of_pages(
        signed_in: Callable[[str], Browser]) -> None:
    response = signed_in("worker").get("/queue")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"

