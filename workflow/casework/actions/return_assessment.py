"""A manager returns a submitted assessment to its author, saying what to change."""

from __future__ import annotations

from dataclasses import replace

from workflow.casework.guards import ASSESSMENT_SUBMITTED
from workflow.casework.records import AssessmentStatus
from workflow.engine.action import Action, Fired, row
from workflow.engine.rules import CHANGE_SAID, Returned
from workflow.roles import MANAGERS
from workflow.stages import ASSESSING


def _return(fired: Fired[Returned]) -> None:
    current = fired.contact.assessment
    if current is not None:
        fired.contact.put(replace(current, status=AssessmentStatus.OPEN,
                                  returned_reason=fired.payload.reason))


ACTION: Action[Returned] = Action(
    name="return_assessment", order=70, label="Return the assessment to its author",
    payload=Returned,
    rows=(row(ASSESSING, None, MANAGERS, guards=(ASSESSMENT_SUBMITTED, CHANGE_SAID)),),
    offered_in=("contact", "assessment"),
    effect=_return,
)
