"""``frontdoor clients create | revoke | list`` and ``frontdoor webhooks subscribe | list |
deliver``: API clients and their webhooks from the command line, for a council's IT team
(the admin pages do the same; both go through ``workflow.integrations.admin``)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from typing import Any

import click

from web.webhook_client import urllib_post
from workflow.errors import InvalidInput
from workflow.integrations.admin import create_client, subscription_problems
from workflow.integrations.webhooks import EventKind, new_secret


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(errors: dict[str, str]) -> None:
    for field, text in errors.items():
        click.echo(f"Error: {field}: {text}", err=True)
    sys.exit(1)


@click.group()
def clients() -> None:
    """API clients: other systems that call the API with a scoped token."""


@clients.command("create")
@click.argument("name")
@click.option("--agency", required=True, help="The partner agency the client answers for.")
@click.option("--scopes", required=True,
              help="Space- or comma-separated, e.g. 'contacts:create contacts:read-own'.")
@click.option("--expires-in-days", "expires_days", default="",
              help="The token stops working after this many days (default: never).")
@click.pass_obj
def clients_create(obj: Any, name: str, agency: str, scopes: str, expires_days: str) -> None:
    """Make a client and print its token ONCE (only a hash of it is kept)."""
    try:
        client, token = create_client(obj.store.clients, obj.rules.mash.agencies.ids(), name,
                                      agency, scopes, "cli", _now(), expires_days)
    except InvalidInput as error:
        _refuse(error.errors)
        return
    click.echo(f"Created client {client.name} ({client.agency}): "
               f"{' '.join(sorted(client.scopes))}")
    click.echo("Token (shown once; store it in the other system's secret store now):")
    click.echo(token)


@clients.command("revoke")
@click.argument("name")
@click.pass_obj
def clients_revoke(obj: Any, name: str) -> None:
    """Revoke a client's token at once: its next call gets 401."""
    client = obj.store.clients.by_name(name)
    if client is None:
        _refuse({"name": f"there is no client called {name}"})
        return
    obj.store.clients.revoke(client.id, _now())
    click.echo(f"Revoked {name}.")


@clients.command("list")
@click.pass_obj
def clients_list(obj: Any) -> None:
    """Every client: name, agency, key, scopes, and whether it is revoked."""
    for c in obj.store.clients.all():
        state = f"revoked {c.revoked_at:%Y-%m-%d %H:%M} UTC" if c.revoked_at else (
            f"active until {c.expires_at:%Y-%m-%d %H:%M} UTC" if c.expires_at else "active")
        click.echo(f"{c.name}\t{c.agency}\tfdt_{c.key}_…\t{' '.join(sorted(c.scopes))}\t{state}")


@click.group()
def webhooks() -> None:
    """Outbound webhooks: signed notices to a client's receiver."""


@webhooks.command("subscribe")
@click.argument("client_name")
@click.argument("event", type=click.Choice([k.value for k in EventKind]))
@click.argument("url")
@click.pass_obj
def webhooks_subscribe(obj: Any, client_name: str, event: str, url: str) -> None:
    """Subscribe a client to an event; prints the signing secret ONCE."""
    client = obj.store.clients.by_name(client_name)
    production = os.environ.get("FRONTDOOR_ENV") == "production"  # https only there
    if errors := subscription_problems(client, event, url, production):
        _refuse(errors)
        return
    secret = new_secret()
    made = obj.store.subscribe(client.id, EventKind(event), url, secret, _now())
    click.echo(f"Subscription {made.id}: {client_name} hears {event} at {url}")
    click.echo("Signing secret (shown once; the receiver checks signatures with it):")
    click.echo(secret)


@webhooks.command("deliver")
@click.pass_obj
def webhooks_deliver(obj: Any) -> None:
    """Queue new events and send every delivery that is due (run it every minute)."""
    run = obj.store.deliver_webhooks(_now(), urllib_post)
    click.echo(f"Queued {run.queued}, delivered {run.delivered}, to retry {run.retrying}, "
               f"failed {run.failed}.")


def register(main: click.Group) -> None:
    """Attach the integration commands to ``frontdoor``."""
    main.add_command(clients)
    main.add_command(webhooks)
