"""The social worker submits the assessment for authorisation (its author is who submits:
the authorising manager must be someone else)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from workflow.casework.factors import normalised
from workflow.casework.guards import ASSESSMENT_NOT_SUBMITTED, ASSESSMENT_OPEN, FACTORS_VALID
from workflow.casework.payloads import FACTOR_CHOICES
from workflow.casework.records import Assessment, AssessmentStatus
from workflow.decision.outcomes import PRIMARY_NEED_CHOICES
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import RATIONALE_GIVEN
from workflow.roles import CASEWORK
from workflow.stages import ASSESSING


@dataclass(frozen=True)
class Submission(Payload):
    factors: tuple[str, ...] = ask("Assessment factors (CIN census)", Kind.CHECKBOXES,
                                   FACTOR_CHOICES,
                                   hint="Every factor identified, or 21 if there are none.")
    rationale: str = ask("Summary of the assessment and its recommendation")
    primary_need: str | None = ask(
        "Primary need (CIN census), if the assessment found a different one", Kind.SELECT,
        PRIMARY_NEED_CHOICES, hint="Leave as it is to keep the one chosen at the decision.")


def _submit(fired: Fired[Submission]) -> None:
    contact, ctx = fired.contact, fired.ctx
    current = contact.assessment
    if current is None or not current.current:  # one recorded before assessments were kept
        current = Assessment(kind="s17", started_at=contact.referral_at or ctx.now)
    contact.put(replace(current, status=AssessmentStatus.SUBMITTED, author=ctx.actor.username,
                        submitted_at=ctx.now, summary=fired.payload.rationale,
                        factors=tuple(normalised(fired.payload.factors)),
                        primary_need=fired.payload.primary_need or current.primary_need))


ACTION: Action[Submission] = Action(
    name="submit_assessment", order=60, label="Submit the assessment for authorisation",
    payload=Submission,
    rows=(row(ASSESSING, None, CASEWORK, guards=(
        ASSESSMENT_OPEN, ASSESSMENT_NOT_SUBMITTED, FACTORS_VALID, RATIONALE_GIVEN)),),
    offered_in=("contact", "assessment"),
    effect=_submit,
)
