"""SQL for the identity half of the accounts port: e-mail, status, role and teams,
passwords, TOTP, single sign-on identities, sign-in throttles and the administrators' audit.

Mixed into ``SqlAccounts`` (workflow/persistence/accounts.py), each call its own short
transaction like the rest of that adapter. The calls that decide something under
concurrency are single statements whose outcome the database settles: counting an attempt
is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``, taking a TOTP step or a recovery code
is one conditional ``UPDATE`` whose row count says who won. Nothing reads a count and then
writes it back, so thirty simultaneous guesses get thirty distinct numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from workflow.accounts import AdminChange, Identity, Throttle
from workflow.persistence.tables import SessionRow, UserRow
from workflow.persistence.tables_identity import (
    AdminAuditRow,
    RecoveryCodeRow,
    ThrottleRow,
    UserIdentityRow,
)
from workflow.persistence.tables_people import TeamMemberRow, TeamRow
from workflow.roles import Role


def _identity(row: UserIdentityRow) -> Identity:
    return Identity(row.user_id, row.provider, row.issuer, row.subject, row.tenant,
                    row.created_at, row.last_signed_in_at)


def _changed(result: Any) -> int:
    return int(result.rowcount or 0)


class SqlIdentity:
    """The identity calls of the accounts port (see the module docstring)."""

    sessions: sessionmaker[Session]

    def _user(self, db: Session, user_id: int) -> UserRow:
        row = db.get(UserRow, user_id)
        if row is None:
            raise ValueError(f"there is no user {user_id}")
        return row

    def set_email(self, user_id: int, email: str | None) -> None:
        """Record (or clear) the work e-mail a first single sign-on is matched by."""
        with self.sessions() as db:
            self._user(db, user_id).email = email.strip().lower() if email else None
            try:
                db.commit()
            except IntegrityError:
                raise ValueError("another user already has this e-mail address") from None

    def set_active(self, user_id: int, active: bool) -> None:
        with self.sessions() as db:
            self._user(db, user_id).active = active
            db.commit()

    def set_role(self, user_id: int, role: Role, agency: str | None) -> None:
        """Change what someone may do (a partner practitioner is bound to one agency)."""
        if role == Role.PARTNER and not agency:
            raise ValueError("a partner agency practitioner must be bound to one agency")
        with self.sessions() as db:
            row = self._user(db, user_id)
            row.role, row.agency = role.value, agency if role == Role.PARTNER else None
            db.commit()

    def set_teams(self, user_id: int, teams: list[str], manages: list[str]) -> None:
        """Make these (and only these) someone's teams; the first is their home team."""
        with self.sessions() as db:
            user = self._user(db, user_id)
            found = {t.code: t for t in db.scalars(select(TeamRow).where(
                TeamRow.code.in_(teams)))}
            unknown = [code for code in teams if code not in found]
            if unknown:
                raise ValueError(f"there is no team {unknown[0]!r}")
            db.execute(delete(TeamMemberRow).where(TeamMemberRow.user_id == user_id))
            for code in dict.fromkeys(teams):
                db.add(TeamMemberRow(team_id=found[code].id, user_id=user_id,
                                     is_manager=code in manages))
            user.team = teams[0] if teams else None
            db.commit()

    def set_password(self, user_id: int, password_hash: str, must_change: bool) -> None:
        with self.sessions() as db:
            row = self._user(db, user_id)
            row.password_hash, row.must_change_password = password_hash, must_change
            db.commit()

    def revoke_other_sessions(self, user_id: int, now: datetime, keep: str) -> int:
        """End every live session of a user but the one they are using."""
        with self.sessions() as db:
            result = db.execute(update(SessionRow).where(
                SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None),
                SessionRow.id != keep).values(revoked_at=now))
            db.commit()
            return _changed(result)

    def set_totp(self, user_id: int, sealed_secret: str | None,
                 recovery_hashes: list[str]) -> None:
        """Enrol (a sealed secret and fresh recovery codes) or remove TOTP (None, [])."""
        with self.sessions() as db:
            row = self._user(db, user_id)
            row.totp_secret, row.totp_last_step = sealed_secret, None
            db.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
            db.add_all(RecoveryCodeRow(user_id=user_id, code_hash=h) for h in recovery_hashes)
            db.commit()

    def take_totp_step(self, user_id: int, step: int) -> bool:
        """Accept a code for this 30-second step only if no code for it, or a later one,
        was accepted before: a code seen over someone's shoulder cannot be replayed."""
        stmt = update(UserRow).where(UserRow.id == user_id, or_(
            UserRow.totp_last_step.is_(None), UserRow.totp_last_step < step)).values(
            totp_last_step=step)
        with self.sessions() as db:
            taken = _changed(db.execute(stmt)) == 1
            db.commit()
            return taken

    def recovery_codes(self, user_id: int) -> list[tuple[int, str]]:
        """(id, hash) of each recovery code not used yet."""
        with self.sessions() as db:
            return [(r.id, r.code_hash) for r in db.scalars(select(RecoveryCodeRow).where(
                RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None)))]

    def use_recovery_code(self, code_id: int, now: datetime) -> bool:
        """Spend a recovery code; False when it was already spent (by a concurrent use)."""
        stmt = update(RecoveryCodeRow).where(RecoveryCodeRow.id == code_id,
                                             RecoveryCodeRow.used_at.is_(None)).values(
            used_at=now)
        with self.sessions() as db:
            used = _changed(db.execute(stmt)) == 1
            db.commit()
            return used

    def identity(self, issuer: str, subject: str) -> Identity | None:
        with self.sessions() as db:
            row = db.scalar(select(UserIdentityRow).where(UserIdentityRow.issuer == issuer,
                                                          UserIdentityRow.subject == subject))
            return None if row is None else _identity(row)

    def identities(self, user_id: int) -> list[Identity]:
        with self.sessions() as db:
            return [_identity(r) for r in db.scalars(select(UserIdentityRow).where(
                UserIdentityRow.user_id == user_id).order_by(UserIdentityRow.id))]

    def link_identity(self, user_id: int, provider: str, issuer: str, subject: str,
                      tenant: str | None, now: datetime) -> None:
        """Bind a provider's (issuer, subject) to a user, once and for good."""
        with self.sessions() as db:
            db.add(UserIdentityRow(user_id=user_id, provider=provider, issuer=issuer,
                                   subject=subject, tenant=tenant, created_at=now,
                                   last_signed_in_at=now))
            try:
                db.commit()
            except IntegrityError:
                raise ValueError("this identity is already linked to a user") from None

    def touch_identity(self, issuer: str, subject: str, now: datetime) -> None:
        with self.sessions() as db:
            db.execute(update(UserIdentityRow).where(
                UserIdentityRow.issuer == issuer, UserIdentityRow.subject == subject)
                .values(last_signed_in_at=now))
            db.commit()

    def count_attempt(self, key: str, now: datetime, window_start_before: datetime) -> int:
        """Count one attempt for ``key`` and return its number in the current window (a
        window that started before ``window_start_before`` has run out: this attempt is
        the first of a new one). One atomic upsert: see the module docstring."""
        with self.sessions() as db:
            insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" \
                else sqlite_insert
            new = insert(ThrottleRow).values(key=key, window_start=now, attempts=1)
            expired = ThrottleRow.window_start < window_start_before
            counted = new.on_conflict_do_update(index_elements=[ThrottleRow.key], set_={
                "attempts": case((expired, 1), else_=ThrottleRow.attempts + 1),
                "window_start": case((expired, new.excluded.window_start),
                                     else_=ThrottleRow.window_start),
            }).returning(ThrottleRow.attempts)
            number = int(db.execute(counted).scalar_one())
            db.commit()
            return number

    def refund_attempt(self, key: str) -> None:
        """Give back one attempt (a sign-in that succeeded was no guess)."""
        with self.sessions() as db:
            db.execute(update(ThrottleRow).where(ThrottleRow.key == key,
                                                 ThrottleRow.attempts > 0)
                       .values(attempts=ThrottleRow.attempts - 1))
            db.commit()

    def clear_attempts(self, keys: list[str]) -> None:
        with self.sessions() as db:
            db.execute(delete(ThrottleRow).where(ThrottleRow.key.in_(keys)))
            db.commit()

    def throttles(self, keys: list[str]) -> list[Throttle]:
        with self.sessions() as db:
            return [Throttle(r.key, r.window_start, r.attempts) for r in db.scalars(
                select(ThrottleRow).where(ThrottleRow.key.in_(keys)).order_by(ThrottleRow.key))]

    def record_admin_change(self, change: AdminChange) -> None:
        with self.sessions() as db:
            db.add(AdminAuditRow(at=change.at, actor=change.actor, action=change.action,
                                 target=change.target, detail=change.detail))
            db.commit()

    def admin_changes(self, target: str | None = None, limit: int = 200
                      ) -> list[AdminChange]:
        """The newest changes first (one person's, or everyone's)."""
        stmt = select(AdminAuditRow).order_by(AdminAuditRow.id.desc()).limit(limit)
        if target is not None:
            stmt = stmt.where(AdminAuditRow.target == target)
        with self.sessions() as db:
            return [AdminChange(r.at, r.actor, r.action, r.target, r.detail)
                    for r in db.scalars(stmt)]
