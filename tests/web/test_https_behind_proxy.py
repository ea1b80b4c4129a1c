"""HTTPS behind a proxy, through the test client: what a browser at a council would see.

Flask-WTF's strict check stays on: over HTTPS a form post is accepted only with a Referer
from Front Door's own origin. The app sends ``Referrer-Policy: same-origin`` so browsers do
send that Referer (``no-referrer`` made every HTTPS post fail). The proxy's
X-Forwarded-Proto is believed only when FRONTDOOR_PROXY_COUNT says a proxy is there, and
HSTS goes out only on HTTPS responses. The same journey in Chromium behind a real TLS proxy
is tests/browser/test_https.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import KEEP, PEOPLE, Template, copy_database, csrf_from, make_app, text_of

HOST = "frontdoor.council.example"
BEHIND_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": HOST,
                "X-Forwarded-For": "203.0.113.7"}
ORIGIN = f"https://{HOST}"


@pytest.fixture
def proxied_app(monkeypatch: pytest.MonkeyPatch, template_db: Template,
                tmp_path: Path) -> Iterator[Flask]:
    """The app as production runs it: one trusted proxy, HSTS, Secure cookies, CSRF on."""
    monkeypatch.setenv("FRONTDOOR_PROXY_COUNT", "1")
    monkeypatch.setenv("FRONTDOOR_HSTS_SECONDS", "31536000")
    monkeypatch.setenv("FRONTDOOR_BASE_URL", ORIGIN)
    copy_database(template_db.path, tmp_path / "https.db")
    app = make_app(f"sqlite:///{tmp_path / 'https.db'}", TESTING=False,
                   SESSION_COOKIE_SECURE=KEEP)
    yield app
    app.extensions["store"].close()


def _client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update({f"HTTP_{k.upper().replace('-', '_')}": v
                                for k, v in BEHIND_PROXY.items()})
    return client


def _sign_in(client: FlaskClient, referer: str | None) -> int:
    token = csrf_from(text_of(client.get("/sign-in")))
    worker = PEOPLE["worker"]
    headers = {"Referer": referer} if referer else {}
    response = client.post("/sign-in", headers=headers, data={
        "csrf_token": token, "username": worker.username, "password": worker.password})
    return response.status_code


def test_every_page_asks_browsers_to_send_a_referer_to_front_door_only(
        proxied_app: Flask) -> None:
    response = _client(proxied_app).get("/sign-in")

    assert response.headers["Referrer-Policy"] == "same-origin"


def test_signing_in_over_https_through_the_proxy_works_with_a_same_origin_referer(
        proxied_app: Flask) -> None:
    client = _client(proxied_app)

    assert _sign_in(client, f"{ORIGIN}/sign-in") == 302
    assert client.get("/queue").status_code == 200


@pytest.mark.parametrize("referer", [None, "https://elsewhere.example/sign-in",
                                     f"http://{HOST}/sign-in"])
def test_an_https_post_without_front_doors_own_referer_is_still_refused(
        proxied_app: Flask, referer: str | None) -> None:
    """The strict check is a real protection and stays on."""
    assert _sign_in(_client(proxied_app), referer) == 400


def test_https_responses_carry_hsts_and_secure_httponly_lax_cookies(
        proxied_app: Flask) -> None:
    response = _client(proxied_app).get("/sign-in")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_gets_no_hsts(proxied_app: Flask) -> None:
    response = proxied_app.test_client().get("/sign-in", headers={"Host": HOST})

    assert "Strict-Transport-Security" not in response.headers


def test_a_host_other_than_the_base_url_is_refused(proxied_app: Flask) -> None:
    client = proxied_app.test_client()
    client.environ_base.update({"HTTP_X_FORWARDED_PROTO": "https",
                                "HTTP_X_FORWARDED_HOST": "evil.example"})

    assert client.get("/sign-in").status_code == 400


def test_without_a_configured_proxy_a_forged_forwarded_proto_is_ignored(
        monkeypatch: pytest.MonkeyPatch, app: Flask) -> None:
    """The laptop default trusts no proxy: a client cannot claim HTTPS by a header."""
    monkeypatch.setenv("FRONTDOOR_HSTS_SECONDS", "600")
    laptop = make_app(str(app.config["DATABASE_URL"]))

    response = _client(laptop).get("/sign-in")

    assert "Strict-Transport-Security" not in response.headers
    assert laptop.config["FRONTDOOR_SETTINGS"].proxy_count == 0
