"""Allocate a contact to a team and a worker (recorded as an event on the contact)."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.roles import MANAGERS, Role
from workflow.stages import OPEN_STAGES, Stage


@dataclass(frozen=True)
class Allocation(Payload):
    team: str = ask("Team", Kind.SELECT, max_length=40, choices_from="teams")
    worker: str = ask("Worker", Kind.SELECT, max_length=80, choices_from="workers")


#: Who may hold a case (a partner practitioner or an administrator may not).
CASEHOLDERS = frozenset({Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER,
                         Role.SOCIAL_WORKER, Role.FAMILY_HELP_PRACTITIONER})


def _given(ctx: Ctx[Allocation]) -> Failure:
    if ctx.payload.team or ctx.payload.worker:
        return None
    return "team", "choose a team or a worker to allocate to"


def _known(ctx: Ctx[Allocation]) -> Failure:
    """The team and the worker are records: a team that exists and is active, a worker who
    can hold a case and, when both are given, is a member of that team."""
    directory, p = ctx.directory, ctx.payload
    if directory is None:
        return None
    team = directory.team(p.team) if p.team else None
    if p.team and (team is None or not team.active or team.kind == "macpt"):
        return "team", "choose a team from the list"  # a MACPT supports, it holds no cases
    if not p.worker:
        return None
    account = directory.account(p.worker)
    if account is None or not account.active or account.role not in CASEHOLDERS:
        return "worker", "choose a worker from the list"
    if team is not None and p.worker not in team.members:
        return "worker", (f"{account.display_name} is not a member of {team.name}: choose one "
                          "of its workers, or another team")
    return None


def _allocate(fired: Fired[Allocation]) -> None:
    contact, p = fired.contact, fired.payload
    contact.team = p.team or contact.team
    contact.worker = p.worker or contact.worker


ACTION: Action[Allocation] = Action(
    name="allocate", label="Allocate to a team and worker", payload=Allocation,
    rows=(row((*OPEN_STAGES, Stage.PASSED_TO_ALLOCATED_WORKER), None, MANAGERS,
              guards=(Guard("allocation_given", _given, ("team", "worker")),
                      Guard("allocation_known", _known, ("team", "worker")))),),
    effect=_allocate,
)
