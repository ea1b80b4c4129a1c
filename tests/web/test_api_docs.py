"""The API's description is open to integrators before they have a token: the OpenAPI
document (valid OpenAPI 3, with its security schemes and each operation's security) and
a Swagger UI page served from the app's own files, nothing from another site."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.web.conftest import Browser

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


@pytest.fixture
def document(anonymous: Browser) -> dict[str, Any]:
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200  # no sign-in needed
    found: dict[str, Any] = response.get_json()
    return found


def test_the_openapi_document_is_valid_openapi_3(document: dict[str, Any]) -> None:
    validate(document)  # raises, naming the part at fault, if it is not

    assert document["openapi"].startswith("3.")


def test_the_document_declares_the_bearer_token_and_the_session_cookie(
        document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]

    assert schemes["bearerAuth"]["type"] == "http"
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert (schemes["sessionCookie"]["in"], schemes["sessionCookie"]["name"]) == (
        "cookie", "frontdoor_session")


def test_each_operation_says_how_it_is_called_and_which_scope_a_token_needs(
        document: dict[str, Any]) -> None:
    paths = document["paths"]
    create = paths["/api/v1/contacts"]["post"]
    queue = paths["/api/v1/contacts"]["get"]
    answer = paths["/api/v1/requests/{request_id}/answer"]["post"]

    assert create["security"] == [{"sessionCookie": []}, {"bearerAuth": []}]
    assert create["x-token-scope"] == "contacts:create"
    assert "`contacts:create`" in create["description"]
    assert queue["security"] == [{"sessionCookie": []}]  # people only
    assert answer["x-token-scope"] == "requests:answer"
    assert paths["/api/v1/contacts/{contact_id}/outcome"]["get"]["x-token-scope"] == \
        "contacts:read-own"


def test_every_operation_states_its_security(document: dict[str, Any]) -> None:
    missing = [f"{method.upper()} {path}" for path, item in document["paths"].items()
               for method, operation in item.items()
               if method != "parameters" and "security" not in operation]

    assert missing == []


def test_the_docs_page_is_open_and_loads_only_the_apps_own_files(anonymous: Browser) -> None:
    response = anonymous.get("/api/docs")
    html = response.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)

    assert response.status_code == 200
    assert "/static/build/swagger-ui/swagger-ui-bundle.js" in sources
    assert all(s.startswith("/") and not s.startswith("//") for s in sources)
    assert len(re.findall(r"<script ", html)) == len(re.findall(r'<script [^>]*nonce="', html))
    if (STATIC / "build" / "app.css").exists():  # built by `npm run build`
        missing = [s for s in sources if s.startswith("/static/")
                   and not (STATIC / s.removeprefix("/static/")).exists()]
        assert missing == []
