"""Nothing a worker types about a child reaches a log line or a URL.

A front-door worker records a child through the intake form (name, date of birth, NHS
number), finds her with the header search by name and by NHS number, and a police system
(the worker's session standing in for its token) records her brother through the API,
asks the known-child check about him and sends one malformed body. Every log record the
app and its web server write meanwhile (the app's own, werkzeug's request lines, SQLAlchemy,
every library: the root logger, in the JSON the app writes in production) is kept, and
none may hold a name, a date of birth in any of the forms people write it, or an NHS
number with or without its spaces. No URL the browser asked for may hold them either: the
search and the known-child check take POST bodies.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from web.logs import JsonFormatter

pytestmark = pytest.mark.browser

SISTER = {"first": "Zebedina", "last": "Quarrington", "born": "2016-07-09",
          "nhs": "401 023 2137"}
BROTHER = {"first": "Ottoline", "last": "Brackenbury", "born": "2019-02-11",
           "nhs": "485 777 3457"}


def secrets_of(child: dict[str, str]) -> list[str]:
    """Every way a child's details could appear in a log: names, dates, NHS numbers."""
    year, month, day = child["born"].split("-")
    return [child["first"], child["last"], child["born"], f"{day}/{month}/{year}",
            f"{day}{month}{year}", child["nhs"], child["nhs"].replace(" ", "")]


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every record on the root logger as the production JSON line, werkzeug included."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    root, werkzeug = logging.getLogger(), logging.getLogger("werkzeug")
    levels = (root.level, werkzeug.level)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    werkzeug.setLevel(logging.INFO)  # a request line per request, as a server writes
    try:
        yield sink
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        werkzeug.setLevel(levels[1])


def _intake(page: Any, child: dict[str, str]) -> None:
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("Referral source (CIN census code)").select_option("2A")
    page.get_by_label("Referrer (name and organisation)").fill("Ms Head, Hill Primary")
    box = page.locator("fieldset.app-child").nth(0)
    box.get_by_label("First name").fill(child["first"])
    box.get_by_label("Last name").fill(child["last"])
    box.get_by_label("Date of birth", exact=True).fill(child["born"])
    box.get_by_label("NHS number (optional)").fill(child["nhs"])
    page.get_by_label("What are the concerns?").fill("Hungry all week (synthetic).")
    page.get_by_role("button", name="Record contact").click()
    page.wait_for_url(re.compile(r"/contacts/\d+$"))


def _search(page: Any, words: str) -> str:
    page.goto("/queue")
    page.get_by_role("search").get_by_role("searchbox").fill(words)
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_load_state()
    return str(page.locator("main").inner_text())


def _api(page: Any, path: str, body: Any) -> Any:
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    return page.request.post(path, data=json.dumps(body), headers={
        "Content-Type": "application/json", "X-CSRFToken": token})


def _brother_through_the_api(page: Any) -> None:
    page.goto("/contacts/new")  # a page with a form: its CSRF token goes in the header
    child = {"first_name": BROTHER["first"], "last_name": BROTHER["last"],
             "date_of_birth": BROTHER["born"], "nhs_number": BROTHER["nhs"]}
    matches = _api(page, "/api/v1/children/matches",
                   child | {"nhs_number": BROTHER["nhs"].replace(" ", "")})
    assert matches.status == 200, matches.text()
    made = _api(page, "/api/v1/contacts", {
        "received_at": "2026-11-30T09:00:00Z", "source": "6", "channel": "police_notification",
        "referrer": "PC Synthetic", "concerns": "Domestic incident (synthetic).",
        "consent": "not_sought_risk", "children": [child]})
    assert made.status == 201, made.text()
    refused = _api(page, "/api/v1/contacts", {"concerns": "x", "children": [
        child | {"first_name": BROTHER["first"] + "\u0000"}]})
    assert refused.status == 422


def test_no_name_date_of_birth_or_nhs_number_entered_reaches_a_log_or_a_url(
        open_context: Callable[..., Any], traffic: Any, captured_logs: io.StringIO) -> None:
    page = open_context(as_="worker").new_page()
    page.goto("/queue")

    _intake(page, SISTER)
    assert SISTER["last"] in _search(page, f"{SISTER['first']} {SISTER['last']}")
    assert SISTER["last"] in _search(page, SISTER["nhs"])
    _brother_through_the_api(page)

    logged = captured_logs.getvalue()
    assert logged.count("\n") > 20, "the journey wrote almost no log lines: nothing scanned"
    assert '"logger": "werkzeug"' in logged  # the request lines were captured too
    assert "POST /api/v1/contacts" in logged and "POST /search" in logged
    for secret in secrets_of(SISTER) + secrets_of(BROTHER):
        assert secret not in logged, f"{secret!r} is in the logs"
        assert not [u for u in traffic.requests if secret in u or
                    secret.replace(" ", "%20") in u or secret.replace(" ", "+") in u], secret
