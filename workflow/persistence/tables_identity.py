"""Identity tables: single sign-on identities, recovery codes, sign-in throttles, and the
administrators' audit trail.

``admin_audit`` is append-only in the database itself (``workflow.persistence.append_only``,
like the event history and the access log): a trigger refuses every UPDATE and
DELETE (PostgreSQL and SQLite alike, made with the table by ``create_all`` and by migration
0014), so not even a bug in this code, or an administrator with the app's own database
login, can rewrite who changed whose access.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class UserIdentityRow(Base):
    """A person's account at an identity provider: (issuer, subject) is what OpenID Connect
    guarantees never to reassign, unlike an e-mail address or a display name."""

    __tablename__ = "user_identity"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    tenant: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_signed_in_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_identity_issuer_subject"),)


class RecoveryCodeRow(Base):
    """One single-use TOTP recovery code, stored only as an argon2 hash."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None]


class ThrottleRow(Base):
    """Sign-in attempts in the current window for one key (an account, a known device, a
    network address's keyed hash), counted by one atomic upsert so concurrent guesses
    cannot all read the same old count."""

    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class AdminAuditRow(Base):
    """Who changed whose access, when, and what (append-only: see the module docstring)."""

    __tablename__ = "admin_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(80), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
