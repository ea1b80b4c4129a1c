"""Time-based one-time codes (RFC 6238) for local accounts, and recovery codes.

Why each choice:
- The secret is shown once, as a QR code and as text, while the person enrols; it is kept
  *sealed* (Fernet, keyed from the app's secret key) so a copy of the database alone
  does not give anyone a working authenticator. Changing ``FRONTDOOR_SECRET_KEY`` unseals
  nothing: people then sign in with a recovery code and enrol again.
- A code is accepted one step (30 s) either side of now, for clocks that drift, and
  never twice: the step it was taken for is stored and only a later one is accepted
  (``Accounts.take_totp_step``, one conditional UPDATE).
- Ten recovery codes are shown once at enrolment and stored only as argon2 hashes; each
  works once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken

from web.auth import hash_password, verify_password
from workflow.accounts import Accounts

ISSUER = "Front Door"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    """A fresh 160-bit secret in base32, as authenticator apps expect."""
    return pyotp.random_base32(32)


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(f"frontdoor-totp:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def unseal(sealed: str, secret_key: str) -> str | None:
    """The secret, or None if it was sealed under another key."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def enrolment_qr(secret: str, username: str) -> str:
    """The otpauth:// address as an SVG data URI (the page's CSP allows data: images)."""
    address = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)
    return str(segno.make(address, error="m").svg_data_uri(scale=4))


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step whose code this is (now, or one step either side), else None."""
    digits = "".join(code.split())
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp, here = pyotp.TOTP(secret), int(now.timestamp()) // STEP_SECONDS
    for step in (here - 1, here, here + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), digits):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like ``k7mq-2xrt`` (about 40 bits each)."""
    def one() -> str:
        letters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(8))
        return f"{letters[:4]}-{letters[4:]}"
    return [one() for _ in range(RECOVERY_CODES)]


def hash_codes(codes: list[str]) -> list[str]:
    return [hash_password(_normal(c)) for c in codes]


def _normal(code: str) -> str:
    return "".join(code.lower().split()).replace("-", "")


def use_recovery_code(accounts: Accounts, user_id: int, code: str, now: datetime) -> bool:
    """Spend a matching unused recovery code (each works once, even when two are tried at
    the same moment)."""
    given = _normal(code)
    if len(given) != 8:
        return False
    for code_id, code_hash in accounts.recovery_codes(user_id):
        if verify_password(code_hash, given):
            return accounts.use_recovery_code(code_id, now)
    return False
