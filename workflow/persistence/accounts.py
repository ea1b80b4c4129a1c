"""SQL adapter for the accounts port: users, sign-in sessions, failed sign-ins, access log.

Each call is its own short transaction (SQLite: ``BEGIN IMMEDIATE`` for writes), separate
from the page's read session, so recording a view or touching a session never holds up a
page and a failure to log is never mistaken for a failure to read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.accounts import TEAM_KINDS, Access, Account, MemberRole, SignInSession, Team
from workflow.casework.macpt import DISCIPLINES, NOMINATORS
from workflow.persistence.identity import SqlIdentity
from workflow.persistence.tables import AccessLogRow, LoginAttemptRow, SessionRow, UserRow
from workflow.persistence.tables_people import TeamMemberRow, TeamRow
from workflow.roles import Role


def _account(row: UserRow) -> Account:
    return Account(row.id, row.username, row.display_name, Role(row.role), row.team, row.agency,
                   row.active, row.password_hash, row.swe_number, row.email,
                   row.must_change_password, row.totp_secret, row.totp_last_step)


def read_team(session: Session, row: TeamRow) -> Team:
    """A team row with its active members (managers listed among them too)."""
    members = session.execute(select(UserRow.username, TeamMemberRow.is_manager,
                                     TeamMemberRow.discipline, TeamMemberRow.nominated_by).join(
        TeamMemberRow, TeamMemberRow.user_id == UserRow.id).where(
        TeamMemberRow.team_id == row.id, UserRow.active).order_by(UserRow.username)).all()
    return Team(row.code, row.name, row.kind, row.capacity, tuple(m.username for m in members),
                tuple(m.username for m in members if m.is_manager), row.active,
                tuple(MemberRole(m.username, m.discipline, m.nominated_by) for m in members))


class SqlDirectory:
    """Teams and accounts as allocation checks them, in the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def team(self, code: str) -> Team | None:
        row = self.session.scalar(select(TeamRow).where(TeamRow.code == code))
        return None if row is None else read_team(self.session, row)

    def account(self, username: str) -> Account | None:
        row = self.session.scalar(select(UserRow).where(UserRow.username == username))
        return None if row is None else _account(row)


def _session(row: SessionRow) -> SignInSession:
    return SignInSession(row.id, row.user_id, row.created_at, row.last_seen_at, row.revoked_at)


class SqlAccounts(SqlIdentity):
    """The accounts port over the ``app_user``, ``user_session``, ``login_attempt`` and
    ``access_log`` tables (and, through ``SqlIdentity``, the identity tables)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def account(self, username: str) -> Account | None:
        with self.sessions() as db:
            row = db.scalar(select(UserRow).where(UserRow.username == username))
            return None if row is None else _account(row)

    def account_by_email(self, email: str) -> Account | None:
        with self.sessions() as db:
            row = db.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
            return None if row is None else _account(row)

    def account_by_id(self, user_id: int) -> Account | None:
        with self.sessions() as db:
            row = db.get(UserRow, user_id)
            return None if row is None else _account(row)

    def accounts(self) -> list[Account]:
        with self.sessions() as db:
            return [_account(r) for r in db.scalars(select(UserRow).order_by(UserRow.username))]

    def save_account(self, username: str, display: str, role: Role, team: str | None,
                     agency: str | None, password_hash: str,
                     swe_number: str | None = None) -> Account:
        """Create or update a user (a partner must name an agency). An update keeps the
        account's status: re-importing the directory never re-opens a leaver's account."""
        if role == Role.PARTNER and not agency:
            raise ValueError("a partner agency practitioner must be bound to one agency")
        with self.sessions() as db:
            row = db.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                row = UserRow(username=username, display_name=display, password_hash="",
                              role=role.value, active=True)
                db.add(row)
            row.display_name, row.role, row.team, row.agency = display, role.value, team, agency
            row.password_hash = password_hash
            row.swe_number = swe_number
            db.commit()
            return _account(row)

    def session(self, session_id: str) -> SignInSession | None:
        with self.sessions() as db:
            row = db.get(SessionRow, session_id)
            return None if row is None else _session(row)

    def live_sessions(self, since: datetime) -> list[SignInSession]:
        with self.sessions() as db:
            return [_session(r) for r in db.scalars(select(SessionRow).where(
                SessionRow.revoked_at.is_(None), SessionRow.last_seen_at > since))]

    def start_session(self, session_id: str, user_id: int, now: datetime) -> None:
        with self.sessions() as db:
            db.add(SessionRow(id=session_id, user_id=user_id, created_at=now, last_seen_at=now))
            db.commit()

    def touch_session(self, session_id: str, now: datetime) -> None:
        with self.sessions() as db:
            db.execute(update(SessionRow).where(SessionRow.id == session_id)
                       .values(last_seen_at=now))
            db.commit()

    def revoke_sessions(self, user_id: int, now: datetime, session_id: str | None = None) -> int:
        """End one session, or every live session of a user; returns how many were ended."""
        stmt = update(SessionRow).where(SessionRow.user_id == user_id,
                                        SessionRow.revoked_at.is_(None))
        if session_id:
            stmt = stmt.where(SessionRow.id == session_id)
        with self.sessions() as db:
            result = db.execute(stmt.values(revoked_at=now))
            db.commit()
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def failed_sign_ins(self, username: str, since: datetime) -> int:
        with self.sessions() as db:
            return int(db.scalar(select(func.count()).select_from(LoginAttemptRow).where(
                LoginAttemptRow.username == username, LoginAttemptRow.at > since)) or 0)

    def record_failed_sign_in(self, username: str, at: datetime) -> None:
        with self.sessions() as db:
            db.add(LoginAttemptRow(username=username, at=at))
            db.commit()

    def clear_failed_sign_ins(self, username: str) -> None:
        with self.sessions() as db:
            db.execute(delete(LoginAttemptRow).where(LoginAttemptRow.username == username))
            db.commit()

    def log_access(self, access: Access) -> None:
        self.log_accesses([access])

    def log_accesses(self, accesses: list[Access]) -> None:
        """Write the lines as one INSERT in one transaction (a list of fifty children is
        one write). Every page view writes here, so it reads nothing and builds no ORM
        objects: a bulk insert of plain rows, without asking the ids back."""
        if not accesses:
            return
        with self.sessions() as db:
            db.execute(insert(AccessLogRow), [
                {"username": a.username, "at": a.at, "child_id": a.child_id,
                 "contact_id": a.contact_id, "route": a.route[:120], "outcome": a.outcome,
                 "reason": a.reason} for a in accesses])
            db.commit()

    def memberships(self, username: str) -> frozenset[str]:
        """The codes of the active teams a person belongs to (their home team included)."""
        with self.sessions() as db:
            user = db.scalar(select(UserRow).where(UserRow.username == username))
            if user is None:
                return frozenset()
            codes = set(db.scalars(select(TeamRow.code).join(
                TeamMemberRow, TeamMemberRow.team_id == TeamRow.id).where(
                TeamMemberRow.user_id == user.id, TeamRow.active.is_(True))))
            return frozenset(codes | ({user.team} if user.team else set()))

    def glass_children(self, username: str, since: datetime) -> frozenset[int]:
        """The children this person broke the glass for since ``since``."""
        with self.sessions() as db:
            return frozenset(c for c in db.scalars(select(AccessLogRow.child_id).where(
                AccessLogRow.outcome == "break_glass", AccessLogRow.username == username,
                AccessLogRow.at >= since)) if c is not None)

    def teams(self) -> list[Team]:
        with self.sessions() as db:
            return [read_team(db, r) for r in db.scalars(select(TeamRow).order_by(TeamRow.name))]

    def team(self, code: str) -> Team | None:
        with self.sessions() as db:
            return SqlDirectory(db).team(code)

    def save_team(self, code: str, name: str, kind: str, capacity: int | None) -> Team:
        """Create or update a team (its kind one of ``TEAM_KINDS``)."""
        if kind not in TEAM_KINDS:
            raise ValueError(f"team kind must be one of {', '.join(TEAM_KINDS)}")
        with self.sessions() as db:
            row = db.scalar(select(TeamRow).where(TeamRow.code == code))
            if row is None:
                row = TeamRow(code=code, name=name, kind=kind)
                db.add(row)
            row.name, row.kind, row.capacity, row.active = name, kind, capacity, True
            db.commit()
            return read_team(db, row)

    def join_team(self, code: str, username: str, is_manager: bool) -> None:
        """Make a user a member (or a manager) of a team; their home team becomes it."""
        with self.sessions() as db:
            team = db.scalar(select(TeamRow).where(TeamRow.code == code))
            user = db.scalar(select(UserRow).where(UserRow.username == username))
            if team is None or user is None:
                raise ValueError(f"no team {code!r} or no user {username!r}")
            found = db.scalar(select(TeamMemberRow).where(TeamMemberRow.team_id == team.id,
                                                          TeamMemberRow.user_id == user.id))
            if found is None:
                db.add(TeamMemberRow(team_id=team.id, user_id=user.id, is_manager=is_manager))
            else:
                found.is_manager = is_manager
            user.team = code
            db.commit()

    def join_macpt(self, code: str, username: str, discipline: str, nominated_by: str) -> None:
        """Add a member to a multi-agency child protection team with their discipline and
        nominating body (their home team stays theirs: the MACPT is a team they serve on)."""
        if discipline not in DISCIPLINES or nominated_by not in NOMINATORS:
            raise ValueError("unknown discipline or nominating body")
        with self.sessions() as db:
            team = db.scalar(select(TeamRow).where(TeamRow.code == code, TeamRow.kind == "macpt"))
            user = db.scalar(select(UserRow).where(UserRow.username == username))
            if team is None or user is None:
                raise ValueError(f"no multi-agency team {code!r} or no user {username!r}")
            found = db.scalar(select(TeamMemberRow).where(TeamMemberRow.team_id == team.id,
                                                          TeamMemberRow.user_id == user.id))
            if found is None:
                found = TeamMemberRow(team_id=team.id, user_id=user.id, is_manager=False)
                db.add(found)
            found.discipline, found.nominated_by = discipline, nominated_by
            db.commit()
