"""Record the family help assessment: what the family needs, in the lead practitioner's
words, once the service has accepted the family."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from workflow.casework.family_help import ACCEPTED, day_given
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import needs_text
from workflow.roles import FAMILY_HELP
from workflow.stages import Stage


@dataclass(frozen=True)
class FamilyHelpAssessment(Payload):
    assessed_on: date | None = ask("Date the assessment was completed", Kind.DATE)
    summary: str = ask("What the family needs", hint="The family's own view as well as yours.")


def _record(fired: Fired[FamilyHelpAssessment]) -> None:
    handover, p = fired.contact.step_down, fired.payload
    assert handover is not None  # ACCEPTED held
    fired.contact.put(replace(handover, assessed_on=p.assessed_on,
                              assessment_summary=p.summary.strip()))


ACTION: Action[FamilyHelpAssessment] = Action(
    name="record_family_help_assessment", order=144,
    label="Record the family help assessment", payload=FamilyHelpAssessment,
    rows=(row((Stage.EARLY_HELP,), None, FAMILY_HELP, guards=(
        ACCEPTED, day_given("assessed_on", "the assessment was completed",
                            not_before="handover_on"),
        needs_text("summary", "say what the family needs", guard="needs_summarised"))),),
    effect=_record,
)
