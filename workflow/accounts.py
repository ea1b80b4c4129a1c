"""People who sign in, their sessions, failed sign-ins and the access log, as a port.

Why a port: the web layer must not import SQLAlchemy (ARCHITECTURE.md), yet sign-in,
revocation and the access log are database work on every request. ``Accounts`` says what
the web needs; ``workflow.persistence.accounts.SqlAccounts`` does it, each call in a short
transaction of its own so a page's reads never hold a write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from workflow.roles import Role


@dataclass(frozen=True)
class Account:
    """A person who signs in (a partner practitioner is bound to one agency)."""

    id: int
    username: str
    display_name: str
    role: Role
    team: str | None
    agency: str | None
    active: bool
    password_hash: str
    swe_number: str | None = None
    email: str | None = None
    must_change_password: bool = False
    #: The sealed TOTP secret (None: not enrolled) and the last step a code was taken for.
    totp_secret: str | None = None
    totp_last_step: int | None = None

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None


@dataclass(frozen=True)
class SignInSession:
    """A server-side sign-in session (the browser holds only a token whose hash is ``id``)."""

    id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class Access:
    """One line of the access log: who looked at (or was refused) what, by which route."""

    username: str
    at: datetime
    child_id: int | None
    contact_id: int | None
    route: str
    outcome: str = "viewed"
    #: Why, where the person had to say: the reason given to break the glass.
    reason: str = ""


@dataclass(frozen=True)
class Identity:
    """An account at an identity provider, linked to one user: (issuer, subject) is the
    only pair OpenID Connect promises never to give to someone else."""

    user_id: int
    provider: str
    issuer: str
    subject: str
    tenant: str | None
    created_at: datetime
    last_signed_in_at: datetime


@dataclass(frozen=True)
class AdminChange:
    """One line of the administrators' audit: who changed whose access, and how (words
    about the account only: never a child's details)."""

    at: datetime
    actor: str
    action: str
    target: str
    detail: str = ""


@dataclass(frozen=True)
class Throttle:
    """How many sign-in attempts a key has used in its current window."""

    key: str
    window_start: datetime
    attempts: int


#: The kinds of team a council allocates cases to (DOMAIN.md §1 and the 2025 Families
#: First reforms: Family Help replaces separate early help and child in need work).
TEAM_KINDS = {"front_door": "Front door", "mash": "MASH", "assessment": "Assessment",
              "child_protection": "Child protection", "family_help": "Family Help",
              "early_help": "Early help", "partner_agency": "Partner agency",
              "macpt": "Multi-agency child protection team"}


@dataclass(frozen=True)
class MemberRole:
    """What a member brings to a multi-agency team: their discipline and who nominated
    them (workflow.casework.macpt); None for an ordinary team's members."""

    username: str
    discipline: str | None
    nominated_by: str | None


@dataclass(frozen=True)
class Team:
    """A team, its members (usernames) and which of them manage it."""

    code: str
    name: str
    kind: str
    capacity: int | None = None
    members: tuple[str, ...] = ()
    managers: tuple[str, ...] = ()
    active: bool = True
    roles: tuple[MemberRole, ...] = ()


class Directory(Protocol):
    """Who works in which team: what allocation is checked against."""

    def team(self, code: str) -> Team | None: ...
    def account(self, username: str) -> Account | None: ...


class Accounts(Protocol):
    def account(self, username: str) -> Account | None: ...
    def account_by_id(self, user_id: int) -> Account | None: ...
    def accounts(self) -> list[Account]: ...
    def save_account(self, username: str, display: str, role: Role, team: str | None,
                     agency: str | None, password_hash: str,
                     swe_number: str | None = None) -> Account: ...
    def session(self, session_id: str) -> SignInSession | None: ...
    def live_sessions(self, since: datetime) -> list[SignInSession]: ...
    def start_session(self, session_id: str, user_id: int, now: datetime) -> None: ...
    def touch_session(self, session_id: str, now: datetime) -> None: ...
    def revoke_sessions(self, user_id: int, now: datetime,
                        session_id: str | None = None) -> int: ...
    def failed_sign_ins(self, username: str, since: datetime) -> int: ...
    def record_failed_sign_in(self, username: str, at: datetime) -> None: ...
    def clear_failed_sign_ins(self, username: str) -> None: ...
    def log_access(self, access: Access) -> None: ...
    def log_accesses(self, accesses: list[Access]) -> None: ...
    def memberships(self, username: str) -> frozenset[str]: ...
    def glass_children(self, username: str, since: datetime) -> frozenset[int]: ...
    # -- identity: e-mail, status, role, passwords, TOTP, single sign-on -----------------
    def account_by_email(self, email: str) -> Account | None: ...
    def set_email(self, user_id: int, email: str | None) -> None: ...
    def set_active(self, user_id: int, active: bool) -> None: ...
    def set_role(self, user_id: int, role: Role, agency: str | None) -> None: ...
    def set_teams(self, user_id: int, teams: list[str], manages: list[str]) -> None: ...
    def set_password(self, user_id: int, password_hash: str, must_change: bool) -> None: ...
    def revoke_other_sessions(self, user_id: int, now: datetime, keep: str) -> int: ...
    def set_totp(self, user_id: int, sealed_secret: str | None,
                 recovery_hashes: list[str]) -> None: ...
    def take_totp_step(self, user_id: int, step: int) -> bool: ...
    def recovery_codes(self, user_id: int) -> list[tuple[int, str]]: ...
    def use_recovery_code(self, code_id: int, now: datetime) -> bool: ...
    def identity(self, issuer: str, subject: str) -> Identity | None: ...
    def identities(self, user_id: int) -> list[Identity]: ...
    def link_identity(self, user_id: int, provider: str, issuer: str, subject: str,
                      tenant: str | None, now: datetime) -> None: ...
    def touch_identity(self, issuer: str, subject: str, now: datetime) -> None: ...
    # -- throttling (each call one atomic statement) and the administrators' audit --------
    def count_attempt(self, key: str, now: datetime, window_start_before: datetime) -> int: ...
    def refund_attempt(self, key: str) -> None: ...
    def clear_attempts(self, keys: list[str]) -> None: ...
    def throttles(self, keys: list[str]) -> list[Throttle]: ...
    def record_admin_change(self, change: AdminChange) -> None: ...
    def admin_changes(self, target: str | None = None, limit: int = 200
                      ) -> list[AdminChange]: ...
    def teams(self) -> list[Team]: ...
    def team(self, code: str) -> Team | None: ...
    def save_team(self, code: str, name: str, kind: str, capacity: int | None) -> Team: ...
    def join_team(self, code: str, username: str, is_manager: bool) -> None: ...
    def join_macpt(self, code: str, username: str, discipline: str,
                   nominated_by: str) -> None: ...
