"""Review the family help plan: the progress made and the date of the next review (the
review itself is the event on the timeline; the plan keeps the count and the dates)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from workflow.casework.family_help import PLAN_AGREED, day_given, review_date_ahead
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import needs_text
from workflow.roles import FAMILY_HELP
from workflow.stages import Stage


@dataclass(frozen=True)
class FamilyHelpReview(Payload):
    held_on: date | None = ask("Date of the review", Kind.DATE)
    progress: str = ask("Progress towards the plan's outcomes")
    next_review_on: date | None = ask("Date of the next review", Kind.DATE)


def _review(fired: Fired[FamilyHelpReview]) -> None:
    handover, p = fired.contact.step_down, fired.payload
    assert handover is not None  # PLAN_AGREED held
    fired.contact.put(replace(handover, reviews=handover.reviews + 1, last_review_on=p.held_on,
                              next_review_on=p.next_review_on))


ACTION: Action[FamilyHelpReview] = Action(
    name="review_family_help_plan", order=146, label="Review the family help plan",
    payload=FamilyHelpReview,
    rows=(row((Stage.EARLY_HELP,), None, FAMILY_HELP, guards=(
        PLAN_AGREED, day_given("held_on", "the review was held", not_before="plan_agreed_on"),
        needs_text("progress", "say what progress the family has made",
                   guard="progress_recorded"),
        review_date_ahead("next_review_on", "held_on"))),),
    effect=_review,
)
