"""Step a child in need case down to early help, with the family's agreement.

RC8/RC9 are closures straight after assessment (DOMAIN.md §5), so the plan's social care
services ceasing is RC7.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.casework.guards import STEP_DOWN
from workflow.casework.payloads import HandOver
from workflow.casework.steps import record_step_down
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import ask
from workflow.engine.rules import REASON_GIVEN
from workflow.roles import MANAGERS
from workflow.stages import Stage


@dataclass(frozen=True)
class StepDownDetails(HandOver):
    reason: str = ask("Reason")


def _step_down(fired: Fired[StepDownDetails]) -> None:
    record_step_down(fired)
    fired.contact.closure_reason = "RC7"


ACTION: Action[StepDownDetails] = Action(
    name="step_down", order=140, label="Step down to early help", payload=StepDownDetails,
    rows=(row((Stage.CIN_PLAN,), Stage.EARLY_HELP, MANAGERS, guards=(*STEP_DOWN, REASON_GIVEN),
              emits=("stepped_down",)),),
    effect=_step_down,
)
