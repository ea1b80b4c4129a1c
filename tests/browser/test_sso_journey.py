"""A person signs in with their organisation's account in Chromium, through the stand-in
OpenID Connect provider (tests/oidc_provider.py): the button on the sign-in page, the trip
to the provider and back, and their work queue; then a colleague from an untrusted tenant
is told plainly that their organisation does not sign in here."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import TIMEOUT_MS, VIEWPORT
from tests.oidc_provider import Running, sso_toml

SECRET_ENV = "FRONTDOOR_BROWSER_SSO_SECRET"
EXTRA = """[providers.standin.tenants]
"tid-council" = { name = "Council", email_domains = ["council.example.gov.uk"] }
"""


@pytest.fixture(scope="module")
def sso_site(tmp_path_factory: pytest.TempPathFactory, _browser_prerequisites: None
             ) -> Iterator[tuple[str, Running]]:
    """The app on a free port with the stand-in provider configured, and the provider."""
    from web.app import create_app
    from workflow.persistence.db import make_engine
    from workflow.persistence.schema import metadata
    from workflow.roles import Role

    provider = Running(multi_tenant=True)
    folder = tmp_path_factory.mktemp("browser-sso")
    url = f"sqlite:///{folder / 'frontdoor.db'}"
    engine = make_engine(url)
    metadata().create_all(engine)  # type: ignore[attr-defined]
    engine.dispose()
    config = Path(folder / "sso.toml")
    config.write_text(sso_toml(provider.state, SECRET_ENV, EXTRA), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONTDOOR_SECRET_KEY", "browser-sso-tests-" + "x" * 32)
        mp.setenv(SECRET_ENV, "stand-in-client-secret")
        mp.delenv("FRONTDOOR_INSECURE_COOKIES", raising=False)
        app = create_app({"DATABASE_URL": url, "SESSION_COOKIE_SECURE": False,
                          "SSO_FILE": str(config)})
    accounts = app.extensions["accounts"]
    accounts.save_team("front-door", "Family Front Door", "front_door", 20)
    made = accounts.save_account("sam.council", "Sam Council", Role.FRONT_DOOR_WORKER,
                                 "front-door", None, "!sso")
    accounts.set_email(made.id, "sam@council.example.gov.uk")
    accounts.join_team("front-door", "sam.council", False)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", provider
    finally:
        server.shutdown()
        thread.join(timeout=5)
        provider.stop()


def _page(chromium: Any, base_url: str) -> tuple[Any, Any]:
    context = chromium.new_context(base_url=base_url, viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.mark.browser
def test_a_council_worker_signs_in_with_their_organisations_account(
        chromium: Any, sso_site: tuple[str, Running]) -> None:
    base_url, provider = sso_site
    provider.state.sign_in_as("sub-sam", "tid-council", email="sam@council.example.gov.uk")
    context, page = _page(chromium, base_url)
    visited: list[str] = []
    page.on("request", lambda r: visited.append(r.url))
    try:
        page.goto("/sign-in")
        page.get_by_role("button", name="Sign in with Stand-in organisation").click()
        page.wait_for_url(f"{base_url}/queue")

        assert "Signed in as Sam Council" in page.content()
        assert any(u.startswith(provider.state.base_url + "/authorize?") and
                   "code_challenge_method=S256" in u for u in visited)
    finally:
        context.close()


@pytest.mark.browser
def test_someone_from_an_untrusted_organisation_is_told_so_and_not_signed_in(
        chromium: Any, sso_site: tuple[str, Running]) -> None:
    base_url, provider = sso_site
    provider.state.sign_in_as("sub-x", "tid-elsewhere", email="x@elsewhere.example")
    context, page = _page(chromium, base_url)
    try:
        page.goto("/sign-in")
        page.get_by_role("button", name="Sign in with Stand-in organisation").click()
        page.wait_for_url(f"{base_url}/sign-in/sso/standin/callback*")

        assert page.locator(".govuk-error-summary").is_visible()
        assert "Your organisation is not one that signs in" in page.content()
        page.goto("/queue")
        assert page.url.startswith(f"{base_url}/sign-in")
    finally:
        context.close()
