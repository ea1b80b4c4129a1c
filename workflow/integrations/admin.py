"""What an administrator does with API clients and webhooks, checked once for the admin
pages and the ``frontdoor clients`` / ``frontdoor webhooks`` commands alike: each problem
named by its field, nothing stored until everything is right."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from workflow.errors import InvalidInput
from workflow.integrations.clients import ApiClient, Clients, new_token, parse_scopes
from workflow.integrations.webhooks import EventKind

#: A client's name: what a log line and a contact's history show ("police-niche").
NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,79}$")


#: The longest a token may live before it must be replaced (a year: NCSC's advice is to
#: rotate credentials; an expiry nobody set is "never", which an administrator chooses).
LONGEST_DAYS = 366


def client_problems(clients: Clients, agencies: Iterable[str], name: str, agency: str,
                    scopes: str, expires_days: str = "") -> dict[str, str]:
    """What is wrong with a new client (empty: it can be made)."""
    errors: dict[str, str] = {}
    if not NAME.match(name):
        errors["name"] = ("use 2 to 80 lower-case letters, digits, dots or hyphens, such as "
                          "police-niche")
    elif clients.by_name(name) is not None:
        errors["name"] = f"there is already a client called {name}"
    known = sorted(agencies)
    if agency not in known:
        errors["agency"] = f"choose one of the partner agencies: {', '.join(known)}"
    granted, unknown = parse_scopes(scopes)
    if unknown:
        errors["scopes"] = f"not a scope: {', '.join(unknown)}"
    elif not granted:
        errors["scopes"] = "grant at least one scope"
    if expires_days.strip() and not (expires_days.strip().isdigit()
                                     and 1 <= int(expires_days) <= LONGEST_DAYS):
        errors["expires_days"] = (f"give a whole number of days from 1 to {LONGEST_DAYS}, or "
                                  "leave it empty for a token that does not expire")
    return errors


def create_client(clients: Clients, agencies: Iterable[str], name: str, agency: str,
                  scopes: str, by: str, now: datetime, expires_days: str = ""
                  ) -> tuple[ApiClient, str]:
    """Make a client and its token (the token is returned once and never stored); with
    ``expires_days``, the token stops working that many days from now."""
    name, agency = name.strip(), agency.strip()
    errors = client_problems(clients, agencies, name, agency, scopes, expires_days)
    if errors:
        raise InvalidInput(errors)
    token, _key = new_token()
    expires = now + timedelta(days=int(expires_days)) if expires_days.strip() else None
    return clients.create(name, agency, parse_scopes(scopes)[0], token, by, now,
                          expires), token


def subscription_problems(client: ApiClient | None, event: str, url: str,
                          production: bool) -> dict[str, str]:
    """What is wrong with a new webhook subscription (empty: it can be made)."""
    errors: dict[str, str] = {}
    if client is None or client.revoked_at is not None:
        errors["client"] = "choose a client that has not been revoked"
    kinds = {k.value: k for k in EventKind}
    if event not in kinds:
        errors["event"] = f"choose one of: {', '.join(kinds)}"
    elif client is not None and kinds[event].needs not in client.scopes:
        errors["event"] = (f"the client needs the scope {kinds[event].needs.value} to hear "
                           "of this event")
    parts = urlsplit(url)
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname or len(url) > 500:
        errors["url"] = ("give the receiver's full address, starting https://"
                         if production else "give the receiver's full http(s) address")
    return errors
