"""Continue the assessment under section 17, as the strategy discussion decided."""

from __future__ import annotations

from workflow.casework.guards import DISCUSSION_RECORDED, discussion_decided
from workflow.casework.steps import carry_out
from workflow.engine.action import Action, row
from workflow.engine.rules import RATIONALE_GIVEN, Rationale
from workflow.roles import CASEWORK
from workflow.stages import Stage

ACTION: Action[Rationale] = Action(
    name="continue_under_s17", order=30, label="Continue the assessment under section 17",
    payload=Rationale,
    rows=(row((Stage.STRATEGY_DISCUSSION,), Stage.ASSESSMENT, CASEWORK,
              guards=(DISCUSSION_RECORDED, discussion_decided("continue_s17"), RATIONALE_GIVEN),
              emits=("s17_assessment_started",)),),
    effect=carry_out,
)
