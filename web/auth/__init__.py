"""Sign-in: local accounts (password, optional TOTP) and single sign-on (OpenID Connect).

The package's parts, each with its reason in its own docstring:

- ``sessions``: server-side sessions behind Flask-Login (the cookie holds a random token),
  idle and absolute timeouts, and the forced password change.
- ``passwords``: the NCSC-style policy (length, a deny-list, not the username).
- ``throttle``: per network, per account and per known device, counted atomically in the
  database, so guesses cannot race the limit and nobody can lock a real person out.
- ``device``: the signed cookie that tells a browser someone signed in on before.
- ``totp``: enrolment, codes and recovery codes.
- ``pages``: the sign-in, second-step, sign-out and own-account pages.
- ``sso``, ``sso_config``, ``claims``: OpenID Connect providers (Entra ID or any other),
  their tenants, and what their claims grant.

Passwords are hashed with argon2id here, where tests may lower its cost for speed
(``web.auth.hasher``), and are never logged.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """argon2id hash for storage."""
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the stored hash (a marker that is no hash never does)."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_a_hash(password: str) -> None:
    """Take as long as a real check, so an unknown or disabled username cannot be told from
    a wrong password by the time the answer takes."""
    hasher.hash(password)


from web.auth.pages import bp  # noqa: E402  (the helpers above come first: pages use them)
from web.auth.sessions import SignedInUser, init_login, start_session  # noqa: E402

__all__ = ["SignedInUser", "bp", "hash_password", "hasher", "init_login", "spend_a_hash",
           "start_session", "verify_password"]
