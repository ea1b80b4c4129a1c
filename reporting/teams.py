"""Teams and workers as a manager allocates to them: who is in each team, and how many open
contacts each worker and each team holds now.

A caseload is counted, not typed: the open contacts (any stage that is not final) allocated
to the worker, or to the team. Allocation offers only active teams and active workers who
can hold a case, each with their caseload, so a manager sees who has room before choosing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from workflow.accounts import TEAM_KINDS
from workflow.casework.family_help import FamilyHelpConfig
from workflow.oversight.actions.allocate import CASEHOLDERS
from workflow.persistence.tables import ContactRow, UserRow
from workflow.persistence.tables_people import TeamMemberRow, TeamRow
from workflow.roles import Role
from workflow.stages import OPEN_STAGES


@dataclass(frozen=True)
class Member:
    """A worker in a team, with the open contacts they hold."""

    username: str
    display_name: str
    role: str
    is_manager: bool
    swe_number: str | None
    caseload: int


@dataclass(frozen=True)
class TeamLine:
    """A team, its members and the open contacts allocated to it."""

    code: str
    name: str
    kind: str
    capacity: int | None
    active: bool
    members: tuple[Member, ...]
    caseload: int

    @property
    def kind_title(self) -> str:
        return TEAM_KINDS.get(self.kind, self.kind)

    @property
    def managers(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.is_manager)

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.caseload > self.capacity


def _open_counts(session: Session, column: InstrumentedAttribute[str | None]) -> dict[str, int]:
    """Open contacts per value of ``column`` (worker or team), one grouped query."""
    stmt = (select(column, func.count())
            .where(ContactRow.stage.in_([s.value for s in OPEN_STAGES]), column.is_not(None))
            .group_by(column))
    return {str(key): int(count) for key, count in session.execute(stmt)}


def caseloads(session: Session) -> dict[str, int]:
    """Open contacts held by each worker (by username); a worker with none is absent."""
    return _open_counts(session, ContactRow.worker)


def teams(session: Session, *, active_only: bool = False) -> list[TeamLine]:
    """Every team with its members (managers first, then by name) and its caseloads."""
    by_worker = caseloads(session)
    by_team = _open_counts(session, ContactRow.team)
    members: dict[int, list[Member]] = {}
    rows = session.execute(
        select(TeamMemberRow.team_id, TeamMemberRow.is_manager, UserRow)
        .join(UserRow, UserRow.id == TeamMemberRow.user_id)
        .where(UserRow.active.is_(True)))
    for team_id, is_manager, user in rows:
        members.setdefault(team_id, []).append(Member(
            user.username, user.display_name, user.role, is_manager, user.swe_number,
            by_worker.get(user.username, 0)))
    query = select(TeamRow).order_by(TeamRow.name)
    if active_only:
        query = query.where(TeamRow.active.is_(True))
    return [TeamLine(t.code, t.name, t.kind, t.capacity, t.active, tuple(sorted(
        members.get(t.id, []), key=lambda m: (not m.is_manager, m.display_name))),
        by_team.get(t.code, 0)) for t in session.scalars(query)]


def _can_hold(role: str) -> bool:
    return Role(role) in CASEHOLDERS


def team_choices(lines: Iterable[TeamLine]) -> tuple[tuple[str, str], ...]:
    """(code, label) for the team select: name, kind and open contacts against capacity."""
    return tuple((t.code, f"{t.name} ({t.kind_title}, {t.caseload} open"
                  + (f" of {t.capacity})" if t.capacity is not None else ")"))
                 for t in lines if t.active and t.kind != "macpt")


def worker_choices(lines: Iterable[TeamLine]) -> tuple[tuple[str, str], ...]:
    """(username, label) for the worker select, each worker once (their teams named) with
    the open contacts they hold."""
    seen: dict[str, tuple[Member, list[str]]] = {}
    for team in lines:
        if not team.active:
            continue
        for m in team.members:
            if _can_hold(m.role):
                seen.setdefault(m.username, (m, []))[1].append(team.name)
    ordered = sorted(seen.values(), key=lambda item: item[0].display_name)
    return tuple((m.username, f"{m.display_name} ({', '.join(names)}; {m.caseload} open)")
                 for m, names in ordered)


def family_help_practitioners(lines: Iterable[TeamLine], config: FamilyHelpConfig | None
                              ) -> tuple[tuple[str, str], ...]:
    """(username, label) for the lead practitioner select: the members of each Family Help
    service's team, named with their service (a practitioner need not be a social worker)."""
    if config is None:
        return ()
    by_code = {t.code: t for t in lines if t.active}
    found: list[tuple[str, str]] = []
    for service in config.taking_transfers():
        team = by_code.get(service.team)
        for m in team.members if team else ():
            found.append((m.username, f"{m.display_name} ({service.name}; {m.caseload} open)"))
    return tuple(found)
