"""``frontdoor clients create | revoke | list`` and ``frontdoor webhooks subscribe |
deliver``: what a council's IT team runs on the server, with the same checks as the admin
pages, the token and the signing secret printed once and never stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from web.cli import main
from workflow.persistence.db import make_engine
from workflow.persistence.tables_integrations import ApiClientRow, WebhookSubscriptionRow


@pytest.fixture
def url(tmp_path: Path) -> str:
    database = f"sqlite:///{tmp_path / 'clients.db'}"
    assert CliRunner().invoke(main, ["--database-url", database, "db", "upgrade"]).exit_code == 0
    return database


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--database-url", url, *args])


def _stored(url: str) -> list[tuple[str, str, object]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(ApiClientRow.name, ApiClientRow.token_hash,
                                   ApiClientRow.revoked_at)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_create_prints_the_token_once_and_stores_only_its_hash(url: str) -> None:
    made = run(url, "clients", "create", "police-niche", "--agency", "police",
               "--scopes", "contacts:create,contacts:read-own")
    token = made.output.strip().splitlines()[-1]
    listed = run(url, "clients", "list")

    assert made.exit_code == 0 and token.startswith("fdt_")
    [(name, hashed, revoked)] = _stored(url)
    assert (name, revoked) == ("police-niche", None) and token not in hashed
    assert "police-niche\tpolice" in listed.output and token not in listed.output
    assert "contacts:create contacts:read-own\tactive" in listed.output


def test_create_names_each_field_at_fault_and_stores_nothing(url: str) -> None:
    refused = run(url, "clients", "create", "x", "--agency", "nowhere", "--scopes", "all")

    assert refused.exit_code == 1
    assert "name: Use 2 to 80" in refused.output
    assert "agency: Choose one of the partner agencies" in refused.output
    assert "scopes: Not a scope: all" in refused.output
    assert _stored(url) == []


def test_revoke_marks_the_client_revoked_and_an_unknown_name_is_an_error(url: str) -> None:
    run(url, "clients", "create", "health-trust", "--agency", "health", "--scopes",
        "requests:read-own")

    revoked = run(url, "clients", "revoke", "health-trust")
    unknown = run(url, "clients", "revoke", "nobody")

    assert revoked.exit_code == 0 and _stored(url)[0][2] is not None
    assert unknown.exit_code == 1 and "there is no client called nobody" in unknown.output
    assert "revoked" in run(url, "clients", "list").output


def test_subscribe_needs_the_events_scope_and_deliver_reports_what_it_did(url: str) -> None:
    run(url, "clients", "create", "health-trust", "--agency", "health", "--scopes",
        "requests:read-own")

    refused = run(url, "webhooks", "subscribe", "health-trust", "contact.decided",
                  "https://health.example/hooks")
    made = run(url, "webhooks", "subscribe", "health-trust", "request.created",
               "https://health.example/hooks")
    delivered = run(url, "webhooks", "deliver")

    assert refused.exit_code == 1 and "needs the scope contacts:read-own" in refused.output
    assert made.exit_code == 0 and made.output.strip().splitlines()[-1].startswith("whsec_")
    assert delivered.output.strip() == "Queued 0, delivered 0, to retry 0, failed 0."
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(WebhookSubscriptionRow.event)).scalars().all() == [
            "request.created"]
    engine.dispose()
