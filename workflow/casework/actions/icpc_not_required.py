"""Record that no initial conference is needed (census ICPCnotRequired): the enquiry ends
and the assessment continues."""

from __future__ import annotations

from workflow.engine.action import Action, Fired, row
from workflow.engine.rules import REASON_GIVEN, Reason
from workflow.roles import CASEWORK
from workflow.stages import Stage


def _conclude(fired: Fired[Reason]) -> None:
    enquiry = fired.contact.enquiry
    if enquiry is not None and enquiry.is_open:
        fired.contact.put(enquiry.concluded(fired.ctx.now, None, None, None,
                                            fired.payload.reason))


ACTION: Action[Reason] = Action(
    name="icpc_not_required", order=100,
    label="Record that no conference is needed", payload=Reason,
    rows=(row((Stage.SECTION_47,), Stage.ASSESSMENT, CASEWORK, guards=(REASON_GIVEN,),
              emits=("icpc_not_required",)),),
    effect=_conclude,
)
