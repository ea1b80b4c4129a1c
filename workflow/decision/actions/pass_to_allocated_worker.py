"""Pass a contact about a child with an open case to the case's allocated worker.

DOMAIN.md §2: a referral is not recorded for a child whose case is already open; the
information goes to the allocated worker. It is the contact's decision, and it leaves
information gathering only when every request is answered or closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.contact import reference_for
from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import REASON_GIVEN, text
from workflow.roles import FRONT_DOOR
from workflow.screening.guards import NO_OPEN_REQUESTS
from workflow.stages import Stage


@dataclass(frozen=True)
class OpenCaseReference(Payload):
    open_case_reference: str = ask("Open case reference", Kind.TEXT, max_length=40)
    reason: str = ask("Reason")


def _found(ctx: Ctx[OpenCaseReference]) -> str:
    case = ctx.contact.flags.open_case_contact_id
    return text(ctx, "open_case_reference") or (reference_for(case) if case else "")


def _reference_given(ctx: Ctx[OpenCaseReference]) -> Failure:
    if _found(ctx):
        return None
    return "open_case_reference", "give the reference of the child's open case"


def _pass(fired: Fired[OpenCaseReference]) -> None:
    fired.contact.open_case_reference = _found(fired.ctx)


ACTION: Action[OpenCaseReference] = Action(
    name="pass_to_allocated_worker", order=40, label="Pass to the allocated worker (open case)",
    payload=OpenCaseReference,
    rows=(row((Stage.SCREENING, Stage.INFORMATION_GATHERING, Stage.THRESHOLD_DECISION),
              Stage.PASSED_TO_ALLOCATED_WORKER, FRONT_DOOR,
              guards=(Guard("open_case_given", _reference_given, ("open_case_reference",)),
                      REASON_GIVEN, NO_OPEN_REQUESTS),
              emits=("decision_made",)),),
    chronology_kind="Decision",
    effect=_pass,
)
