"""Record the feedback given to the referrer about the decision.

One action stops two clocks: the local feedback on the decision (within 24 hours of it) and,
for a referral, the statutory acknowledgement to the referrer (Working Together: within one
working day of the referral being received). Telling the referrer of the decision is
acknowledging it; the reason field says what they were told.
"""

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
