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


#: The kinds of team a council allocates cases to (DOMAIN.md §1 and the 2025 Families
#: First reforms: Family Help replaces separate early help and child in need work).
TEAM_KINDS = {"front_door": "Front door", "mash": "MASH", "assessment": "Assessment",
              "child_protection": "Child protection", "family_help": "Family Help",
              "early_help": "Early help", "partner_agency": "Partner agency"}


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
    def teams(self) -> list[Team]: ...
    def team(self, code: str) -> Team | None: ...
    def save_team(self, code: str, name: str, kind: str, capacity: int | None) -> Team: ...
    def join_team(self, code: str, username: str, is_manager: bool) -> None: ...
