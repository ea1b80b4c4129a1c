"""Go straight to the threshold decision: enough is known without the MASH's checks.

The MASH clock then closes as not applicable (its checks were not needed), never as a
breach; the decision's own one-working-day clock keeps running.
"""

from __future__ import annotations

from workflow.engine.action import Action, row
from workflow.engine.rules import REASON_GIVEN, Reason
from workflow.roles import FRONT_DOOR
from workflow.screening.guards import RAG_SET
from workflow.stages import Stage

ACTION: Action[Reason] = Action(
    name="proceed_to_decision", order=40,
    label="Go straight to the threshold decision", payload=Reason,
    rows=(row((Stage.SCREENING,), Stage.THRESHOLD_DECISION, FRONT_DOOR,
              guards=(RAG_SET, REASON_GIVEN)),),
)
