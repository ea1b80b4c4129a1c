"""Multi-agency child protection teams as pages show them: each team, its members by
discipline and nominating body, and what it lacks of the four core members s16EA requires
(``workflow.casework.macpt`` decides; this reads the directory rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.accounts import MemberRole, Team
from workflow.casework.macpt import DISCIPLINES, NOMINATORS, missing_core, warning
from workflow.persistence.tables import UserRow
from workflow.persistence.tables_people import TeamMemberRow, TeamRow


@dataclass(frozen=True)
class MacptMember:
    name: str
    discipline: str
    nominated_by: str


@dataclass(frozen=True)
class MacptLine:
    """One team: its code, name, members in words, what it lacks and the warning."""

    code: str
    name: str
    members: tuple[MacptMember, ...]
    missing: tuple[str, ...]
    warning: str

    @property
    def complete(self) -> bool:
        return not self.missing


def macpts(session: Session) -> list[MacptLine]:
    """Every active multi-agency child protection team, by name (one query for members)."""
    teams = session.scalars(select(TeamRow).where(TeamRow.kind == "macpt",
                                                  TeamRow.active.is_(True))
                            .order_by(TeamRow.name)).all()
    rows = session.execute(
        select(TeamMemberRow.team_id, UserRow.username, UserRow.display_name,
               TeamMemberRow.discipline, TeamMemberRow.nominated_by)
        .join(UserRow, UserRow.id == TeamMemberRow.user_id)
        .where(TeamMemberRow.team_id.in_([t.id for t in teams]), UserRow.active.is_(True))
        .order_by(UserRow.display_name)).all()
    return [_line(t, [r for r in rows if r.team_id == t.id]) for t in teams]


def _line(team: TeamRow, rows: list[Any]) -> MacptLine:
    roles = tuple(MemberRole(r.username, r.discipline, r.nominated_by) for r in rows)
    record = Team(team.code, team.name, team.kind, roles=roles)
    members = tuple(MacptMember(r.display_name, DISCIPLINES.get(r.discipline or "", "Not recorded"),
                                NOMINATORS.get(r.nominated_by or "", "Not recorded"))
                    for r in rows)
    return MacptLine(team.code, team.name, members, tuple(missing_core(record)),
                     warning(record))


def macpt_choices(lines: list[MacptLine]) -> tuple[tuple[str, str], ...]:
    """(code, label) for the select: an incomplete team is listed with what it lacks, so
    choosing it is refused with the same words."""
    return tuple((m.code, m.name if m.complete else f"{m.name} (incomplete: cannot be "
                  "recorded)") for m in lines)
