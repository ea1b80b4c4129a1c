"""The API reference page works in a real browser with the CSP in force: Swagger UI, from
Front Door's own files, draws the OpenAPI document (its operations and the Authorize
button its security schemes give) without a sign-in and without reaching any other site."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import VIEWPORT

pytestmark = pytest.mark.browser
PORT = 5113  # this suite's own port for the docs server


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory,
                _browser_prerequisites: None) -> Iterator[str]:
    """A fresh app (nobody signed in, no records) served on 127.0.0.1:5113."""
    from web.app import create_app
    from workflow.persistence.db import make_engine
    from workflow.persistence.schema import metadata

    url = f"sqlite:///{tmp_path_factory.mktemp('docs-db') / 'frontdoor.db'}"
    engine = make_engine(url)
    metadata().create_all(engine)  # type: ignore[attr-defined]
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONTDOOR_SECRET_KEY", "browser-tests-" + "x" * 32)
        app = create_app({"DATABASE_URL": url, "SESSION_COOKIE_SECURE": False})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{PORT}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["store"].close()


def test_swagger_ui_draws_the_document_from_the_apps_own_files_under_the_csp(
        chromium: Any, docs_server: str) -> None:
    context = chromium.new_context(base_url=docs_server, viewport=VIEWPORT, locale="en-GB")
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page = context.new_page()
    try:
        page.goto("/api/docs")
        page.locator(".swagger-ui .info .title").filter(has_text="Front Door API").wait_for()
        page.get_by_text("/api/v1/contacts/{contact_id}/outcome").first.wait_for()
        authorize = page.locator("button.authorize")
        assert authorize.count() == 1  # drawn from the declared security schemes
    finally:
        context.close()

    assert [u for u in requests if not u.startswith(docs_server + "/")
            and not u.startswith("data:")] == []
    assert f"{docs_server}/static/build/swagger-ui/swagger-ui-bundle.js" in requests
    assert errors == [], f"the browser reported errors (CSP refusals?): {errors}"
