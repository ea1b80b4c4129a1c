"""End early help: the family's needs are met, or the family no longer engages."""

from __future__ import annotations

from workflow.engine.action import Action, row
from workflow.engine.rules import REASON_GIVEN, Reason
from workflow.roles import FRONT_DOOR, MANAGERS
from workflow.stages import Stage

ACTION: Action[Reason] = Action(
    name="end_early_help", order=160, label="End early help", payload=Reason,
    rows=(row((Stage.EARLY_HELP,), Stage.CLOSED, FRONT_DOOR | MANAGERS, guards=(REASON_GIVEN,),
              emits=("contact_closed",)),),
)
