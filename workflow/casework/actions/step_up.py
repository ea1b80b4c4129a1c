"""Step up from Family Help to the front door: needs have escalated, so a new contact about
the same child starts at the front door, linked to this one (its history goes with it: the
new contact shows the Family Help episode it came from). Recording a contact is the front door's
(a lead practitioner asks the front door or a manager to step the family up)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.contact import Contact, reference_for
from workflow.engine.action import Action, Fired, Narration, Told, row
from workflow.engine.rules import REASON_GIVEN, Reason
from workflow.intake.admission import admit
from workflow.intake.codes import STEP_UP_SOURCE
from workflow.ports import UnitOfWork
from workflow.roles import FRONT_DOOR, MANAGERS
from workflow.rules import Rules
from workflow.stages import Stage


def _new_contact(fired: Fired[Reason], uow: UnitOfWork, rules: Rules) -> None:
    old, ctx = fired.contact, fired.ctx
    new = Contact(received_at=ctx.now, source=STEP_UP_SOURCE, child_id=old.child_id)
    admit(uow, rules, new, ctx.actor, ctx.now, channel="stepped_up",
          referrer=f"Family Help ({old.reference})", concerns=fired.payload.reason,
          linked_contact_id=old.id)


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    new = n.linked_contact()
    where = f" as {reference_for(new)}" if new else ""
    return Told("Decision", f"Stepped up from Family Help to the front door{where}", n.reason)


ACTION: Action[Reason] = Action(
    name="step_up", order=150, label="Step up to the front door (new contact)", payload=Reason,
    rows=(row((Stage.EARLY_HELP,), Stage.CLOSED, FRONT_DOOR | MANAGERS,
              guards=(REASON_GIVEN,),
              emits=("stepped_up", "contact_closed")),),
    after=_new_contact, narrate=_told,
)
