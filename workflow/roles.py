"""Roles of the people in DOMAIN.md §1; permissions are granted per transition in the spec.

Deny by default (viewflow.fsm habit): a role that a transition row does not name may not
fire it, and a route that does not name a role may not be used by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Who is acting. A partner practitioner is always bound to one agency."""

    FRONT_DOOR_WORKER = "front_door_worker"
    MASH_CHAIR = "mash_chair"
    TEAM_MANAGER = "team_manager"
    #: Answers for every team's practice (performance and compliance across the service);
    #: holds no cases and signs off no decisions.
    HEAD_OF_SERVICE = "head_of_service"
    SOCIAL_WORKER = "social_worker"
    FAMILY_HELP_PRACTITIONER = "family_help_practitioner"
    PARTNER = "partner"
    ADMINISTRATOR = "administrator"
    #: Leads practice quality: samples and audits cases, moderates, shares the learning.
    PRINCIPAL_SOCIAL_WORKER = "principal_social_worker"

    @property
    def label(self) -> str:
        """Human name shown in the UI and the timeline."""
        return _LABELS[self]


_LABELS = {
    Role.FRONT_DOOR_WORKER: "Front door worker",
    Role.MASH_CHAIR: "MASH chair",
    Role.TEAM_MANAGER: "Team manager",
    Role.HEAD_OF_SERVICE: "Head of service",
    Role.SOCIAL_WORKER: "Assessment social worker",
    Role.FAMILY_HELP_PRACTITIONER: "Family Help lead practitioner",
    Role.PARTNER: "Partner agency practitioner",
    Role.ADMINISTRATOR: "Administrator",
    Role.PRINCIPAL_SOCIAL_WORKER: "Principal social worker",
}

#: Shorthands used by the transition table.
FRONT_DOOR = frozenset({Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER})
CASEWORK = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.MASH_CHAIR})
MANAGERS = frozenset({Role.TEAM_MANAGER})
#: Who answers for a Family Help service: its lead practitioners (who need not be social
#: workers, Families First Partnership guide 2025) and the team manager above them.
FAMILY_HELP = frozenset({Role.FAMILY_HELP_PRACTITIONER, Role.TEAM_MANAGER})


@dataclass(frozen=True)
class Actor:
    """Who is acting: username and role, and for a partner the agency they answer for (the
    web layer resolves these from sign-in; a partner's agency bounds what they may see)."""

    username: str
    role: Role
    agency: str | None = None
    team: str | None = None
