"""End Family Help: the family's needs are met, or the family no longer engages."""

from __future__ import annotations

from workflow.engine.action import Action, row
from workflow.engine.rules import REASON_GIVEN, Reason
from workflow.roles import FAMILY_HELP, FRONT_DOOR, MANAGERS
from workflow.stages import Stage

ACTION: Action[Reason] = Action(
    name="end_early_help", order=160, label="End Family Help", payload=Reason,
    rows=(row((Stage.EARLY_HELP,), Stage.CLOSED, FRONT_DOOR | MANAGERS | FAMILY_HELP,
              guards=(REASON_GIVEN,),
              emits=("contact_closed",)),),
)
