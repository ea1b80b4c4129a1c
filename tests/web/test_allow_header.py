"""A 405 says which methods the address does take (``Allow``, RFC 9110 §15.5.6), on every
route of the live URL map, pages and API alike, so a client that used the wrong verb can
correct itself without reading the source."""

from __future__ import annotations

from collections import defaultdict

from flask import Flask

from tests.web.conftest import Browser, url_for_rule

VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _methods_by_address(app: Flask) -> dict[str, set[str]]:
    """Each route's address (with sample values) → every method some rule takes there."""
    found: dict[str, set[str]] = defaultdict(set)
    for rule in app.url_map.iter_rules():
        found[url_for_rule(rule, {})] |= set(rule.methods or ())
    return found


def test_every_405_carries_an_allow_header_naming_the_methods_the_route_takes(
        app: Flask, anonymous: Browser) -> None:
    problems = []
    for address, methods in _methods_by_address(app).items():
        wrong = next((v for v in VERBS if v not in methods), None)
        if wrong is None:
            continue
        response = anonymous.client.open(address, method=wrong)
        allowed = {m.strip() for m in response.headers.get("Allow", "").split(",") if m}
        if response.status_code != 405 or allowed != methods:
            problems.append(f"{wrong} {address}: {response.status_code}, Allow {allowed}")

    assert problems == []


def test_the_api_405_is_json_with_the_allow_header(anonymous: Browser) -> None:
    response = anonymous.client.delete("/api/v1/inbox")

    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json()["code"] == 405
