"""Never losing work, in Chromium: a worker types into the new-contact form and walks
away; the time-out warning opens (a modal dialog that axe passes, focus on "Stay signed
in"), "Stay signed in" keeps them signed in, and the second time nobody answers they are
signed out; signing in again brings them back to the form with what they typed and a
banner saying so (axe passes that too), and "Discard what was restored" empties it for
good.

The session is shortened through the settings the app reads on every request
(``idle_timeout_minutes`` and ``timeout_warning_minutes``), so the journey takes seconds,
not half an hour; nothing sleeps: each step waits for what the person would see.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveApp
from tests.browser.helpers import axe_scan, describe, sign_in

pytestmark = pytest.mark.browser

CONCERNS = "Synthetic: Bo told his teacher he was scared to go home."
#: 24 seconds of idleness end the session; the warning opens 15 seconds before that
#: (the script signs out 5 seconds early, so the last draft still reaches the server).
IDLE_MINUTES, WARN_MINUTES = 0.4, 0.25
WAIT_MS = 30_000


@pytest.fixture
def short_sessions(live_app: LiveApp, monkeypatch: pytest.MonkeyPatch) -> None:
    web = live_app.app.config["FRONTDOOR_WEB"]
    monkeypatch.setitem(web, "idle_timeout_minutes", IDLE_MINUTES)
    monkeypatch.setitem(web, "timeout_warning_minutes", WARN_MINUTES)


def _warning(page: Any) -> Any:
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    dialog.wait_for(state="visible", timeout=WAIT_MS)
    return dialog


def _focused(page: Any) -> tuple[str, bool]:
    """The focused element's text, and whether it is inside the time-out dialog."""
    found: list[Any] = page.evaluate("""() => [document.activeElement.textContent.trim(),
        !!document.activeElement.closest('#timeout-warning')]""")
    return found[0], found[1]


def test_typing_survives_a_time_out_and_comes_back_after_signing_in(
        open_context: Any, live_app: LiveApp, short_sessions: None) -> None:
    worker = live_app.people["worker"]
    page = open_context(bypass_csp=True).new_page()  # bypass: axe is an inline script
    sign_in(page, worker.username, worker.password)
    page.goto("/contacts/new")
    concerns = page.get_by_label("What are the concerns?")
    with page.expect_response(lambda r: r.url.endswith("/drafts/new-contact/0")
                              and r.request.method == "POST") as saved:
        concerns.fill(CONCERNS)
    assert saved.value.status == 200

    dialog = _warning(page)
    assert _focused(page) == ("Stay signed in", True)
    page.keyboard.press("Tab")
    assert _focused(page) == ("Sign out", True)
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == ("Stay signed in", True)
    assert "we will sign you out in" in dialog.inner_text()
    violations = axe_scan(page)
    assert not violations, describe(violations)
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    assert page.url.endswith("/contacts/new")

    _warning(page)  # and this time nobody answers
    page.wait_for_url("**/sign-in", timeout=WAIT_MS)
    assert "nothing was done for a while" in page.inner_text("main")
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(worker.password)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/contacts/new")
    banner = page.get_by_role("region", name="Important")
    banner.wait_for(state="visible")
    assert "We restored what you had typed at" in banner.inner_text()
    assert concerns.input_value() == CONCERNS
    violations = axe_scan(page)
    assert not violations, describe(violations)

    with page.expect_response(lambda r: r.url.endswith("/drafts/new-contact/0/discard")):
        banner.get_by_role("button", name="Discard what was restored").click()
    assert concerns.input_value() == ""
    page.reload()
    assert page.get_by_role("region", name="Important").count() == 0
    assert page.get_by_label("What are the concerns?").input_value() == ""
