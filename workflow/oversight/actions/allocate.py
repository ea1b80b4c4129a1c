"""Allocate a contact to a team and a worker (recorded as an event on the contact)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.roles import MANAGERS
from workflow.stages import OPEN_STAGES, Stage


@dataclass(frozen=True)
class Allocation(Payload):
    team: str = ask("Team", Kind.TEXT, max_length=40)
    worker: str = ask("Worker (username)", Kind.TEXT, max_length=80)


def _given(ctx: Ctx[Any]) -> Failure:
    if ctx.payload.team or ctx.payload.worker:
        return None
    return "team", "choose a team or a worker to allocate to"


def _allocate(fired: Fired[Allocation]) -> None:
    contact, p = fired.contact, fired.payload
    contact.team = p.team or contact.team
    contact.worker = p.worker or contact.worker


ACTION: Action[Allocation] = Action(
    name="allocate", label="Allocate to a team and worker", payload=Allocation,
    rows=(row((*OPEN_STAGES, Stage.PASSED_TO_ALLOCATED_WORKER), None, MANAGERS,
              guards=(Guard("allocation_given", _given, ("team", "worker")),)),),
    effect=_allocate,
)
