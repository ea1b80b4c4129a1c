"""Conclude pre-proceedings: the decision to step up (to care proceedings) or down, its
outcome (census code set CS131) and, for care proceedings, the court application and the
letter initiating proceedings (StepDecisionDate, PPOutcome, CourtAppDate,
LetterInitCPDate).

The dates follow one another as the census checks them: the decision not before
pre-proceedings began (DfE rule 9009), the application not before the decision (9012),
the letter initiating proceedings not before the application (9013).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from workflow.casework import pre_proceedings as pp
from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import RATIONALE_GIVEN, dated, local_day, one_of
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Conclusion(Payload):
    decided_on: date | None = ask("Date of the decision to step up or down", Kind.DATE)
    outcome: str | None = ask("Outcome of pre-proceedings (CIN census code)", Kind.RADIOS,
                              tuple(pp.OUTCOMES.items()))
    court_application_on: date | None = ask(
        "Date the application for care proceedings was made (if one was)", Kind.DATE)
    letter_initiating_on: date | None = ask(
        "Date the letter initiating care proceedings was sent (if one was)", Kind.DATE)
    rationale: str = ask("Rationale", hint="Why: what you weighed and what decided it.")


def _in_order(ctx: Ctx[Any]) -> Failure:
    """The application not before the decision (9012), the letter not before the
    application (9013), neither in the future, no letter without an application."""
    p, today = ctx.payload, local_day(ctx, ctx.now)
    court, letter = p.court_application_on, p.letter_initiating_on
    for name, day in (("court_application_on", court), ("letter_initiating_on", letter)):
        if day is not None and today is not None and day > today:
            return name, "the date cannot be in the future"
    if court and p.decided_on and court < p.decided_on:
        return "court_application_on", ("the application cannot be before the decision "
                                        "(DfE census rule 9012)")
    if letter and not court:
        return "court_application_on", ("give the date of the court application the letter "
                                        "follows")
    if letter and court and letter < court:
        return "letter_initiating_on", ("the letter initiating proceedings cannot be before "
                                        "the court application (DfE census rule 9013)")
    return None


def _conclude(fired: Fired[Conclusion]) -> None:
    p, record = fired.payload, pp.current(fired.ctx)
    assert record is not None  # the OPEN guard held
    fired.contact.put(replace(record, decided_on=p.decided_on, outcome=p.outcome,
                              court_application_on=p.court_application_on,
                              letter_initiating_on=p.letter_initiating_on))


ACTION: Action[Conclusion] = Action(
    name="conclude_pre_proceedings", order=174, label="Conclude pre-proceedings",
    payload=Conclusion,
    rows=(row((Stage.CIN_PLAN, Stage.CP_PLAN), None, CASEWORK, guards=(
        pp.OPEN, dated("decided_on", "of the decision"),
        pp.on_or_after("decided_on", "of the decision", "started_on",
                       "the date pre-proceedings began", rule="9009"),
        one_of("outcome", tuple(pp.OUTCOMES), "choose the outcome (CIN census code A, B or "
               "C, DfE rule 9011)", guard="outcome_chosen"),
        Guard("care_proceedings_dates_in_order", _in_order,
              ("court_application_on", "letter_initiating_on", "decided_on")),
        RATIONALE_GIVEN)),),
    effect=_conclude,
)
