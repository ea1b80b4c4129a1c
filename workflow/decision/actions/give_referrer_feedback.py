"""Record the feedback given to the referrer about the decision (local: within 24 hours)."""

from __future__ import annotations

from workflow.engine.action import Action, row
from workflow.engine.rules import REASON_GIVEN, Reason
from workflow.roles import CASEWORK, FRONT_DOOR
from workflow.stages import AFTER_DECISION

ACTION: Action[Reason] = Action(
    name="give_referrer_feedback", order=50,
    label="Record feedback to the referrer", payload=Reason,
    rows=(row(AFTER_DECISION, None, FRONT_DOOR | CASEWORK, guards=(REASON_GIVEN,),
              emits=("referrer_feedback_given",)),),
)
