"""A manager other than its author authorises the assessment, with its outcome.

CIN census: RC8 closes after an assessment with no further action, RC9 after an
assessment with a step down to early help. An assessment authorised with the child never
seen leaves the child-seen clock not met (the visit was needed by the assessment it
concludes), and one past 45 working days says why (Working Together). Authorising with the
child not seen (never seen during the assessment, or its child-seen timescale not met)
needs the manager's reason, and the assessment is flagged with it for the contact page,
the KPIs and oversight; the child-seen clock left not met keeps the reason as its note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from workflow.casework.factors import normalised
from workflow.casework.guards import (
    ASSESSMENT_OPEN,
    AUTHORISE,
    CHILD_SEEN_CLOCKS,
    STEP_DOWN,
    child_not_seen,
)
from workflow.casework.payloads import FACTOR_CHOICES, HandOver
from workflow.casework.records import AssessmentStatus
from workflow.casework.steps import record_step_down
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, ask
from workflow.engine.rules import payload_is
from workflow.roles import MANAGERS
from workflow.stages import Stage

OUTCOMES = (("cin_plan", "Child in need plan"),
            ("early_help", "Step down to early help (RC9)"),
            ("no_further_action", "No further action (RC8)"))
CLOSURES = {"no_further_action": "RC8", "early_help": "RC9"}
CHILD_SEEN = CHILD_SEEN_CLOCKS


@dataclass(frozen=True)
class Authorisation(HandOver):
    assessment_outcome: str | None = ask("Outcome", Kind.RADIOS, OUTCOMES)
    lateness_reason: str = ask("Reason the assessment is late (if past 45 working days)")
    not_seen_reason: str = ask(
        "Reason for authorising with the child not seen",
        hint="Needed when the child was not seen during the assessment, or not within its "
             "child-seen timescale.")
    factors: tuple[str, ...] = ask("Assessment factors, if the author's need correcting",
                                   Kind.CHECKBOXES, FACTOR_CHOICES)
    comment: str = ask("Comment (optional)", hint="Shown on the timeline with the "
                       "authorisation.")


def _authorise(fired: Fired[Authorisation]) -> None:
    p, contact, ctx = fired.payload, fired.contact, fired.ctx
    current = contact.assessment
    assert current is not None  # ASSESSMENT_SUBMITTED passed
    factors = tuple(normalised(p.factors)) if p.factors else current.factors
    not_seen = child_not_seen(ctx) is not None
    contact.put(replace(current, status=AssessmentStatus.AUTHORISED,
                        authorised_by=ctx.actor.username, authorised_at=ctx.now,
                        outcome=p.assessment_outcome, lateness_reason=p.lateness_reason,
                        factors=factors, authorised_not_seen=not_seen,
                        not_seen_reason=p.not_seen_reason.strip() if not_seen else ""))
    closure = CLOSURES.get(str(p.assessment_outcome))
    if closure and fired.row.dest is not None:
        contact.closure_reason = closure
    if fired.row.dest is Stage.EARLY_HELP:  # on a plan the child stays on the plan
        record_step_down(fired)


_FROM = (Stage.ASSESSMENT,)
ACTION: Action[Authorisation] = Action(
    name="complete_assessment", order=80, label="Authorise the assessment", payload=Authorisation,
    rows=(
        row(_FROM, Stage.CIN_PLAN, MANAGERS, when=(payload_is("assessment_outcome", "cin_plan"),),
            guards=AUTHORISE, emits=("assessment_completed", "cin_plan_started"),
            leaves_unmet=CHILD_SEEN),
        row(_FROM, Stage.EARLY_HELP, MANAGERS,
            when=(payload_is("assessment_outcome", "early_help"),), guards=AUTHORISE + STEP_DOWN,
            emits=("assessment_completed", "stepped_down", "contact_closed"),
            leaves_unmet=CHILD_SEEN),
        row(_FROM, Stage.CLOSED, MANAGERS,
            when=(payload_is("assessment_outcome", "no_further_action"),), guards=AUTHORISE,
            emits=("assessment_completed", "contact_closed"), leaves_unmet=CHILD_SEEN),
        row((Stage.CP_PLAN,), None, MANAGERS, guards=(ASSESSMENT_OPEN, *AUTHORISE),
            emits=("assessment_completed",)),
    ),
    offered_in=("contact", "assessment"),
    effect=_authorise,
    help=("assessment_outcome", "choose cin_plan, early_help or no_further_action"),
)
