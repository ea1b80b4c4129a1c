"""Pages load everything from Front Door itself, with the Content-Security-Policy in force.

No fonts, scripts, styles or images from anywhere else (a council's children's records
must not tell a third party who is looking at what), and nothing the CSP had to block.
Every other browser test also fails if a page asks for anything outside the app
(the ``open_context`` fixture checks on teardown); this one walks every main page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    None: ["/sign-in"],
    "worker": ["/queue", "/contacts/new", "/contacts/{screening}", "/workflow"],
    "manager": ["/allocation?show=all", "/contacts/{allocated}"],
    "admin": ["/admin/users"],
}


def test_every_request_stays_inside_the_app(open_context: Callable[..., Any], live_app: Any,
                                            traffic: Any) -> None:
    for who, paths in PAGES.items():
        page = open_context(as_=who).new_page()
        for path in paths:
            response = page.goto(path.format(**live_app.contacts))
            assert response is not None and response.status == 200, path
            assert page.locator("h1").count() == 1, path

    assert traffic.external(live_app.base_url) == []
    # The pages really did fetch their styles and scripts (from the app).
    for asset in ("/static/build/app.css", "/static/build/app.mjs"):
        assert live_app.url(asset) in traffic.requests, asset
    assert traffic.console_errors == [], "the browser reported errors (CSP refusals, " \
        f"failed loads): {traffic.console_errors}"
