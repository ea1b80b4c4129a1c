"""Record scope: which contacts a person may open, beyond what their role may do.

Why need-to-know (DOMAIN.md §6): the records are special-category data about children, and
a role alone ("social worker") would let every caseworker read every child's file. A
person sees the work that is theirs:

- a **team manager** sees their service: every contact (they allocate, sign off and answer
  for the whole front door and its teams);
- a **front-door worker** or **MASH chair** sees the front door's work (every contact still
  at a front-door stage, those that ended there without going to a team, and those it
  passed to a child's allocated worker) and the cases of their teams;
- a **social worker** sees the cases of their teams and those allocated to them;
- a **principal social worker** sees the cases of their teams, if any;
- a **partner** sees only their agency's requests (never a contact), an **administrator**
  no case at all.

An **auditor** also sees the whole record of every child whose case they are auditing, or
may moderate, while the audit is open: the audit is the reason, and every read under it is
logged with the audit's reference.

Anything else is opened by "breaking the glass": the person gives a reason, the reason is
logged and reported to managers, and the child's records are open to them for a few hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from workflow.roles import Role
from workflow.stages import Stage

#: The stages at which a contact is the front door's work (a strategy discussion is held
#: by the MASH chair with the agencies before any team takes the case).
FRONT_DOOR_STAGES = frozenset({Stage.RECEIVED, Stage.SCREENING, Stage.INFORMATION_GATHERING,
                               Stage.THRESHOLD_DECISION, Stage.AWAITING_SIGNOFF,
                               Stage.STRATEGY_DISCUSSION})
#: How long a reason given to break the glass opens a child's records.
GLASS_HOURS = timedelta(hours=8)
#: The shortest reason accepted: "need it" is not a reason a manager can review.
MIN_REASON = 10


@dataclass(frozen=True)
class RecordScope:
    """What one person may open: the whole service, the front door, their teams, the
    contacts allocated to them, and the children they broke the glass for."""

    username: str
    whole_service: bool = False
    front_door: bool = False
    teams: frozenset[str] = frozenset()
    granted_children: frozenset[int] = frozenset()
    no_cases: bool = False
    #: (child, audit reference) for each child an open audit lets this person read.
    audited: tuple[tuple[int, str], ...] = ()

    def audit_reason(self, child_id: int | None) -> str | None:
        """The audit under which this person reads the child's record, if any."""
        return next((ref for child, ref in self.audited if child == child_id), None)

    def sees(self, stage: str, team: str | None, worker: str | None,
             child_id: int | None) -> bool:
        """Whether a contact with these allocation facts is within the scope."""
        if child_id is not None and self.audit_reason(child_id) is not None:
            return True
        if self.no_cases:
            return False
        if self.whole_service or worker == self.username:
            return True
        if team is not None and team in self.teams:
            return True
        if child_id is not None and child_id in self.granted_children:
            return True
        return self.front_door and (Stage(stage) in FRONT_DOOR_STAGES or team is None
                                    or stage == Stage.PASSED_TO_ALLOCATED_WORKER)


def scope_for(username: str, role: Role, teams: frozenset[str],
              granted_children: frozenset[int] = frozenset(),
              audited: tuple[tuple[int, str], ...] = ()) -> RecordScope:
    """The scope a role and its team memberships give (and the audits it is carrying out)."""
    if role in (Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE):
        return RecordScope(username, whole_service=True, audited=audited)
    if role in (Role.PARTNER, Role.ADMINISTRATOR):
        return RecordScope(username, no_cases=True)
    front_door = role in (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR)
    return RecordScope(username, front_door=front_door, teams=teams,
                       granted_children=granted_children, audited=audited)


def glass_reason_problem(reason: str) -> str | None:
    """What is wrong with a reason to break the glass (None when it will do)."""
    if len(reason.strip()) < MIN_REASON:
        return (f"say why you need this child's records for your work (at least {MIN_REASON} "
                "characters): your reason is logged and reported to managers")
    if len(reason) > 1000:
        return "keep the reason under 1,000 characters"
    return None
