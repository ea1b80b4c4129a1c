"""Allocate a contact to a team and a worker (recorded as an event on the contact).

Naming a worker meets the allocation practice standard; on a case (after the front door)
moving it from one worker to another is a transfer, which starts the hand-over standard
(config/practice_standards.toml). Rows are chosen by what changes, before it changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, Selector, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.roles import MANAGERS, Role
from workflow.stages import AFTER_DECISION, OPEN_STAGES, Stage


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


def _transfers(ctx: Ctx[Allocation]) -> bool:
    held = ctx.contact.worker
    return bool(ctx.payload.worker) and held is not None and held != ctx.payload.worker


def _names_worker(ctx: Ctx[Allocation]) -> bool:
    return bool(ctx.payload.worker) and ctx.payload.worker != ctx.contact.worker


_STAGES = (*OPEN_STAGES, Stage.PASSED_TO_ALLOCATED_WORKER)
_CASES = tuple(s for s in _STAGES if s in AFTER_DECISION)
_GUARDS = (Guard("allocation_given", _given, ("team", "worker")),
           Guard("allocation_known", _known, ("team", "worker")))
ACTION: Action[Allocation] = Action(
    name="allocate", label="Allocate to a team and worker", payload=Allocation,
    rows=(row(_CASES, None, MANAGERS, when=(Selector("worker_changes", _transfers,
                                                      ("worker",)),),
              guards=_GUARDS, emits=("worker_allocated", "case_transferred")),
          row(_STAGES, None, MANAGERS, when=(Selector("worker_named", _names_worker,
                                                       ("worker",)),),
              guards=_GUARDS, emits=("worker_allocated",)),
          row(_STAGES, None, MANAGERS, guards=_GUARDS)),
    effect=_allocate,
)
