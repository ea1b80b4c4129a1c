"""Sign-in throttling that guesses cannot race and that cannot lock a real person out.

Why this shape. Counting failures *after* checking a password lets a burst of concurrent
guesses all read the old count (thirty at once got eight checked against a limit of five).
Here every attempt is counted *before* its password is checked, by one atomic upsert in the
database (``Accounts.count_attempt``), and only attempts whose number is within the limit
are checked at all. The database and not Redis holds the counts: every gunicorn worker and
host already shares it, it needs no other service to deploy, secure and back up, and the
upsert is atomic on PostgreSQL and (with ``BEGIN IMMEDIATE``) on SQLite.

Three buckets, each a fixed window (``login_window_minutes``):

- the **network** (a keyed hash of the client address, never the address): many failures
  from one place are one attacker, whatever usernames they try. A success gives its attempt
  back, so a busy office behind one address is not punished for signing in.
- the **account**, for attempts from browsers that have not signed in as that person
  before: this is what a stranger guessing someone's password uses up.
- a **known device** (``web.auth.device``: a signed cookie set at a successful sign-in):
  the real person's own browser counts in a bucket of its own, so a stranger who has used
  up the account's bucket has not locked its owner out. Single sign-on is never throttled
  here, and an administrator can clear an account's buckets.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workflow.accounts import Accounts


@dataclass(frozen=True)
class Limits:
    """Attempts allowed per window in each bucket (config/settings.toml ``[web]``)."""

    account: int = 5
    device: int = 10
    network: int = 50
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, web: dict[str, Any]) -> Limits:
        return cls(int(web.get("login_attempts", 5)),
                   int(web.get("login_attempts_per_device", 10)),
                   int(web.get("login_attempts_per_network", 50)),
                   timedelta(minutes=int(web.get("login_window_minutes", 15))))


def account_key(username: str) -> str:
    return f"account:{username[:80]}"


def device_key(device_id: str) -> str:
    return f"device:{hashlib.sha256(device_id.encode()).hexdigest()[:40]}"


def network_key(address: str, secret: str) -> str:
    """A keyed hash of the client's address: the table never holds an address."""
    digest = hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()
    return f"network:{digest[:40]}"


def totp_key(user_id: int) -> str:
    return f"totp:{user_id}"


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt's buckets, counted; ``refused`` names the bucket that is full
    ("network", "account", "device") or is None when the password may be checked."""

    keys: tuple[str, ...]
    refused: str | None


def reserve(accounts: Accounts, limits: Limits, now: datetime, network: str,
            account: str, device: str | None) -> Attempt:
    """Count this attempt in the network bucket, then in the device's (a browser this
    person signed in on) or else the account's; refuse at the first bucket over its limit.
    Attempts over a limit are counted too, so hammering keeps the hammer's bucket full."""
    expired = now - limits.window
    if accounts.count_attempt(network, now, expired) > limits.network:
        return Attempt((network,), "network")
    personal, limit, name = (device, limits.device, "device") if device else \
        (account, limits.account, "account")
    if accounts.count_attempt(personal, now, expired) > limit:
        return Attempt((network, personal), name)
    return Attempt((network, personal), None)


def succeeded(accounts: Accounts, attempt: Attempt) -> None:
    """A right password: the network's attempt is given back, the person's bucket cleared."""
    network, personal = attempt.keys
    accounts.refund_attempt(network)
    accounts.clear_attempts([personal])


def second_factor(accounts: Accounts, limits: Limits, now: datetime, user_id: int) -> bool:
    """Count one authentication-code attempt; False once the window's limit is used up
    (someone who knows the password must not get a million tries at six digits)."""
    return accounts.count_attempt(totp_key(user_id), now, now - limits.window) <= \
        limits.account
