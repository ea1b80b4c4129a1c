"""Agree the family help plan with the family: the outcomes it works towards and when it
is next reviewed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from workflow.casework.family_help import ASSESSED, day_given, review_date_ahead
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import needs_text
from workflow.roles import FAMILY_HELP
from workflow.stages import Stage


@dataclass(frozen=True)
class FamilyHelpPlan(Payload):
    agreed_on: date | None = ask("Date the plan was agreed with the family", Kind.DATE)
    outcomes: str = ask("Outcomes the plan works towards")
    next_review_on: date | None = ask("Date of the first review", Kind.DATE)


def _agree(fired: Fired[FamilyHelpPlan]) -> None:
    handover, p = fired.contact.step_down, fired.payload
    assert handover is not None  # ASSESSED held
    fired.contact.put(replace(handover, plan_agreed_on=p.agreed_on,
                              plan_outcomes=p.outcomes.strip(),
                              next_review_on=p.next_review_on))


ACTION: Action[FamilyHelpPlan] = Action(
    name="agree_family_help_plan", order=145, label="Agree the family help plan",
    payload=FamilyHelpPlan,
    rows=(row((Stage.EARLY_HELP,), None, FAMILY_HELP, guards=(
        ASSESSED, day_given("agreed_on", "the plan was agreed", not_before="assessed_on"),
        needs_text("outcomes", "write the outcomes the plan works towards",
                   guard="plan_outcomes_written"),
        review_date_ahead("next_review_on", "agreed_on"))),),
    effect=_agree,
)
