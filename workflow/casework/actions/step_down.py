"""Step a family down to Family Help: hand over to a named service and lead practitioner,
with the family's agreement and a hand-over date.

From a child in need plan (a manager's decision, with its reason): RC8/RC9 are closures
straight after assessment (DOMAIN.md §5), so the plan's social care services ceasing is
RC7. From the front door, once the threshold decision chose early help, or again after a
service returned the transfer: the front door names the service (consent is asked per
organisation, DOMAIN.md §4). The service then accepts or returns it (``accept_transfer``,
``return_transfer``); an assessment's step down is recorded by its authorisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.casework.family_help import NOTHING_WITH_A_SERVICE
from workflow.casework.guards import STEP_DOWN
from workflow.casework.payloads import HandOver
from workflow.casework.steps import record_step_down
from workflow.engine.action import Action, Fired, Narration, Told, row
from workflow.engine.payload import ask
from workflow.engine.rules import REASON_GIVEN
from workflow.roles import FRONT_DOOR, MANAGERS
from workflow.stages import Stage


@dataclass(frozen=True)
class StepDownDetails(HandOver):
    reason: str = ask("Reason", hint="Needed when a child in need plan steps down.")


def _step_down(fired: Fired[StepDownDetails]) -> None:
    record_step_down(fired)
    if fired.row.dest is Stage.EARLY_HELP:
        fired.contact.closure_reason = "RC7"


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    return Told("Decision", "Handed over to a Family Help service, waiting for it to accept",
                n.reason)


ACTION: Action[StepDownDetails] = Action(
    name="step_down", order=140, label="Step down to Family Help", payload=StepDownDetails,
    rows=(row((Stage.CIN_PLAN,), Stage.EARLY_HELP, MANAGERS, guards=(*STEP_DOWN, REASON_GIVEN),
              emits=("stepped_down",)),
          row((Stage.EARLY_HELP,), None, FRONT_DOOR,
              guards=(NOTHING_WITH_A_SERVICE, *STEP_DOWN))),
    effect=_step_down, narrate=_told,
)
