"""Local accounts as people meet them: throttling that strangers cannot use to lock someone
out, two-step sign-in, the forced password change, and the administration pages (each
change audited, append-only), including moving a leaver's cases through allocation."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import (
    PEOPLE,
    SPARE,
    Browser,
    Contacts,
    read_csrf,
    sign_in,
    store_of,
    text_of,
)
from tests.web.test_every_page_in_words import visible_text
from web import auth
from workflow.persistence.tables import ContactRow, EventRow, UserRow
from workflow.persistence.tables_identity import AdminAuditRow
from workflow.stages import Stage

WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def _cheap_new_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """New hashes (recovery codes, temporary passwords) at argon2's lowest cost: still
    argon2id through the real code, without seconds per test; stored users keep theirs."""
    monkeypatch.setattr(auth, "hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                       parallelism=1))


def _id(db: Callable[[], Session], username: str) -> int:
    with db() as session:
        found = session.scalar(select(UserRow.id).where(UserRow.username == username))
    assert found is not None
    return int(found)


def _audit(db: Callable[[], Session]) -> list[tuple[str, str, str]]:
    with db() as session:
        return [(r.actor, r.action, r.target) for r in session.scalars(
            select(AdminAuditRow).order_by(AdminAuditRow.id))]


def _signed_in(browser: Browser) -> bool:
    return browser.get("/queue").status_code == 200


# -- throttling ----------------------------------------------------------------------------

def test_strangers_filling_an_account_do_not_lock_its_owner_out_of_their_own_browser(
        app: Flask) -> None:
    owner = Browser(app.test_client())
    assert sign_in(owner.client, SPARE.username, SPARE.password).status_code == 302
    owner.reset_token()
    owner.post("/sign-out")
    stranger = Browser(app.test_client())
    for _ in range(5):
        assert sign_in(stranger.client, SPARE.username, WRONG).status_code == 401

    refused = sign_in(stranger.client, SPARE.username, SPARE.password)
    owners_turn = sign_in(owner.client, SPARE.username, SPARE.password)

    assert refused.status_code == 429 and "Too many failed attempts" in text_of(refused)
    assert owners_turn.status_code == 302


def test_many_failures_from_one_network_are_refused_whatever_the_username(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config["FRONTDOOR_WEB"], "login_attempts_per_network", 3)
    guesser = app.test_client()
    for name in ("a.one", "b.two", "c.three"):
        assert sign_in(guesser, name, WRONG).status_code == 401

    response = sign_in(guesser, SPARE.username, SPARE.password)

    assert response.status_code == 429
    assert "from this network" in text_of(response)


def test_an_administrator_clears_the_block_and_the_person_signs_in_at_once(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    stranger = app.test_client()
    for _ in range(6):
        sign_in(stranger, SPARE.username, WRONG)
    assert sign_in(stranger, SPARE.username, SPARE.password).status_code == 429

    cleared = signed_in("admin").post(f"/admin/users/{_id(db, SPARE.username)}/unlock")

    assert cleared.status_code == 302
    assert sign_in(app.test_client(), SPARE.username, SPARE.password).status_code == 302
    assert ("admin", "unlocked", SPARE.username) in _audit(db)


# -- two-step sign-in ----------------------------------------------------------------------

def _enrol(browser: Browser) -> tuple[str, list[str]]:
    browser.post("/account/totp/start")
    page = text_of(browser.get("/account/security"))
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    assert secret, "the secret is shown while enrolling"
    done = browser.post("/account/totp/confirm", {"code": pyotp.TOTP(secret[1]).now()})
    codes = re.findall(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4})</code></li>", text_of(done))
    return secret[1], codes


def _password_then_code(app: Flask, code: str) -> int:
    client = app.test_client()
    first = sign_in(client, SPARE.username, SPARE.password)
    assert (first.status_code, first.headers["Location"]) == (302, "/sign-in/code")
    token = read_csrf(client, "/sign-in/code")
    return client.post("/sign-in/code", data={"csrf_token": token, "code": code}).status_code


def test_a_person_enrolled_in_totp_needs_the_code_and_a_code_works_once(app: Flask) -> None:
    person = Browser(app.test_client())
    sign_in(person.client, SPARE.username, SPARE.password)
    secret, codes = _enrol(person)
    assert len(codes) == 10

    assert _password_then_code(app, "000000") == 401
    totp = pyotp.TOTP(secret)
    code = totp.at(time.time() + 30)  # enrolling took this step's code: the next one
    assert _password_then_code(app, code) == 302
    assert _password_then_code(app, code) == 401  # the same code, seen over a shoulder
    assert _password_then_code(app, codes[0]) == 302  # a recovery code instead
    assert _password_then_code(app, codes[0]) == 401  # which works once


def test_the_password_alone_does_not_start_a_session_for_someone_enrolled(
        app: Flask) -> None:
    person = Browser(app.test_client())
    sign_in(person.client, SPARE.username, SPARE.password)
    _enrol(person)
    client = app.test_client()

    sign_in(client, SPARE.username, SPARE.password)

    assert client.get("/queue").status_code == 302


# -- administration ------------------------------------------------------------------------

def test_a_reset_password_is_shown_once_and_must_be_changed_at_sign_in(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    page = text_of(signed_in("admin").post(f"/admin/users/{_id(db, SPARE.username)}/password"))
    temporary = re.search(r'id="temporary-password">([^<]+)<', page)
    assert temporary
    person = Browser(app.test_client())
    assert sign_in(person.client, SPARE.username, SPARE.password).status_code == 401
    assert sign_in(person.client, SPARE.username, temporary[1]).status_code == 302

    assert person.get("/queue").headers["Location"] == "/account/password"
    common = person.post("/account/password", {"current": temporary[1],
                                               "new": "Password1234!", "confirm": "x"})
    assert common.status_code == 400 and "too common" in text_of(common)
    changed = person.post("/account/password", {"current": temporary[1],
                                                "new": "tulip canal ferry moss",
                                                "confirm": "tulip canal ferry moss"})
    assert changed.status_code == 302 and _signed_in(person)
    assert ("admin", "password_reset", SPARE.username) in _audit(db)


def test_an_administrator_adds_a_user_with_a_temporary_password(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    admin = signed_in("admin")
    form = {"username": "new.worker", "display_name": "New Worker",
            "role": "front_door_worker", "team": "front-door", "local": "1"}

    without_token = admin.post("/admin/users/new", form, csrf=False)
    added = admin.post("/admin/users/new", form)

    assert without_token.status_code == 400
    assert added.status_code == 200 and 'id="temporary-password"' in text_of(added)
    made = store_of(app).accounts.account("new.worker")
    assert made is not None and made.must_change_password and made.team == "front-door"
    assert "new.worker" in store_of(app).accounts.team("front-door").members  # type: ignore
    assert _audit(db) == [("admin", "user_created", "new.worker")]


def test_switching_someone_off_ends_their_sessions_and_refuses_their_password(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    admin, worker = signed_in("admin"), signed_in("worker")
    assert _signed_in(worker)

    admin.post(f"/admin/users/{_id(db, 'fd.worker')}/status", {"active": "0"})
    myself = admin.post(f"/admin/users/{_id(db, 'admin')}/status", {"active": "0"})

    assert not _signed_in(worker)
    assert sign_in(app.test_client(), "fd.worker", PEOPLE["worker"].password
                   ).status_code == 401
    assert myself.status_code == 400 and admin.get("/admin/users").status_code == 200
    assert _audit(db) == [("admin", "disabled", "fd.worker")]


def test_a_change_of_role_and_teams_is_audited_with_before_and_after(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    admin = signed_in("admin")

    admin.post(f"/admin/users/{_id(db, SPARE.username)}/access",
               {"role": "social_worker", "team": "assessment-1"})

    moved = store_of(app).accounts.account(SPARE.username)
    assert moved is not None and (moved.role.value, moved.team) == ("social_worker",
                                                                    "assessment-1")
    with db() as session:
        detail = session.scalar(select(AdminAuditRow.detail))
    assert detail is not None and "role: front_door_worker → social_worker" in detail
    assert "teams: front-door → assessment-1" in detail


def test_the_audit_pages_say_a_change_of_role_and_teams_in_words(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    admin = signed_in("admin")
    admin.post(f"/admin/users/{_id(db, SPARE.username)}/access",
               {"role": "social_worker", "team": "assessment-1"})

    for path in ("/admin/audit", f"/admin/users/{_id(db, SPARE.username)}"):
        page = visible_text(text_of(admin.get(path)))
        assert "Role: Front door worker → Assessment social worker" in page, path
        assert "Teams: Front Door → Assessment 1" in page, path
        assert "front_door_worker" not in page and "front-door →" not in page, path


def test_the_audit_cannot_be_rewritten_through_the_database(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    signed_in("admin").post(f"/admin/users/{_id(db, SPARE.username)}/unlock")
    with db() as session, pytest.raises(Exception, match="append-only"):
        session.execute(AdminAuditRow.__table__.delete())
        session.commit()


# -- a leaver's cases ----------------------------------------------------------------------

def test_a_manager_moves_a_leavers_cases_to_a_colleague_through_allocation(
        contacts: Contacts, signed_in: Callable[[str], Browser],
        db: Callable[[], Session]) -> None:
    first = contacts.at(Stage.ASSESSMENT, "Ann", "Leaver")
    second = contacts.at(Stage.ASSESSMENT, "Bob", "Leaver")
    for contact_id in (first, second):
        contacts.fire(contact_id, "allocate", who="manager2", team="assessment-1",
                      worker="social.worker")
    leaver = _id(db, "social.worker")

    seen = text_of(signed_in("admin").get(f"/admin/users/{leaver}/cases"))
    manager = signed_in("manager2")
    elsewhere = manager.post(f"/admin/users/{leaver}/cases",
                             {"worker": "fd.worker", "contact": [str(first)]})
    moved = manager.post(f"/admin/users/{leaver}/cases",
                         {"worker": "team.manager.two", "contact": [str(first), str(second)]})

    assert "2 open contacts allocated to Sol Worker in Assessment 1" in seen
    assert "Ann" not in seen  # references, no child's name
    assert elsewhere.status_code == 400
    assert moved.status_code == 302
    with db() as session:
        workers = session.scalars(select(ContactRow.worker).where(
            ContactRow.id.in_([first, second]))).all()
        events = session.scalars(select(EventRow).where(
            EventRow.contact_id == first, EventRow.trigger == "allocate")
            .order_by(EventRow.seq)).all()
    assert workers == ["team.manager.two", "team.manager.two"]
    assert (events[-1].actor, events[-1].payload["worker"]) == ("team.manager.two",
                                                               "team.manager.two")
    assert ("team.manager.two", "cases_reassigned", "social.worker") in _audit(db)
