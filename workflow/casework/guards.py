"""Guards of casework after the front door: strategy discussions, section 47, assessments,
step down. ``workflow.guards`` adds them to its table (``CASEWORK_GUARDS``).

Each returns ``None`` when met, or the field and a sentence that says what to record.
Who must take part in a strategy discussion is configuration (``ctx.config``, from
``[strategy]`` in settings.toml), never a list written here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from workflow.casework.config import CONTRIBUTED, STATUSES
from workflow.casework.factors import factor_problem

if TYPE_CHECKING:
    from workflow.guards import GuardContext

Failure = tuple[str, str] | None
Guard = Callable[["GuardContext"], Failure]

#: A strategy discussion's outcome (Working Together: s47 initiated, or not).
STRATEGY_OUTCOMES = {"section_47": "Section 47 enquiry initiated",
                     "continue_s17": "Continue the assessment under section 17",
                     "no_further_action": "No further action"}
NOT_CONTRIBUTED = ("invited_no_contribution", "not_invited")


def _text(ctx: GuardContext, field: str) -> str:
    value = ctx.payload.get(field)
    return value.strip() if isinstance(value, str) else ""


def _mapping(ctx: GuardContext, field: str) -> Mapping[str, Any]:
    value = ctx.payload.get(field)
    return value if isinstance(value, Mapping) else {}


def _own_reason(ctx: GuardContext, agency: str) -> str:
    return str(_mapping(ctx, "participation_reasons").get(agency) or "").strip()


def _names(ctx: GuardContext, agencies: list[str]) -> str:
    names = [ctx.config.name(a) for a in agencies]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return text[0].upper() + text[1:] if text else text


# -- strategy discussions ----------------------------------------------------------------
def participation_recorded(ctx: GuardContext) -> Failure:
    """Every stated agency is on the grid with a known status; required and expected
    agencies are always stated (the KPI counts a blank as no contribution)."""
    grid = _mapping(ctx, "participation")
    unknown = [a for a in grid if a not in ctx.config.ids()]
    if unknown:
        return "participation", f"'{unknown[0]}' is not an agency of the strategy grid"
    wrong = [a for a, s in grid.items() if s not in STATUSES]
    if wrong:
        return "participation", (f"say how {ctx.config.name(wrong[0])} took part: "
                                 f"{', '.join(STATUSES)}")
    blank = [a for a in ctx.config.must_record() if a not in grid]
    if blank:
        return "participation", f"record whether {_names(ctx, blank)} took part"
    return None


def required_agencies_or_reason(ctx: GuardContext) -> Failure:
    """Working Together: the required agencies take part; if one did not, say why."""
    grid = _mapping(ctx, "participation")
    missing = [a for a in ctx.config.required
               if grid.get(a) not in CONTRIBUTED and not _own_reason(ctx, a)]
    if missing and not _text(ctx, "absence_reason"):
        return "absence_reason", f"{_names(ctx, missing)} did not contribute: record why"
    return None


def participation_reasons_given(ctx: GuardContext) -> Failure:
    """An agency invited that did not contribute, or not invited at all, needs its reason
    (for a required agency the discussion's absence reason also says why)."""
    grid = _mapping(ctx, "participation")
    covered = ctx.config.required if _text(ctx, "absence_reason") else ()
    for agency, status in grid.items():
        if status in NOT_CONTRIBUTED and not _own_reason(ctx, agency) and agency not in covered:
            what = "was not invited" if status == "not_invited" else "did not contribute"
            return f"participation_reason_{agency}", f"{_names(ctx, [agency])} {what}: record why"
    return None


def strategy_outcome_given(ctx: GuardContext) -> Failure:
    """The discussion's outcome; one held during an enquiry can only continue it."""
    outcome = ctx.payload.get("outcome")
    if ctx.contact.stage == "section_47" and outcome != "section_47":
        return "outcome", "a discussion during a section 47 enquiry continues the enquiry"
    if outcome not in STRATEGY_OUTCOMES:
        return "outcome", ("choose the outcome: section 47 enquiry initiated, continue under "
                           "section 17, or no further action")
    return None


def reasonable_cause_if_section_47(ctx: GuardContext) -> Failure:
    """R (AB & CD) v Haringey [2013]: no section 47 without a recorded reasonable cause."""
    starts = ctx.payload.get("outcome") == "section_47" and ctx.contact.stage != "section_47"
    if starts and not _text(ctx, "reasonable_cause"):
        return "reasonable_cause", ("record the reasonable cause to suspect significant harm "
                                    "(a section 47 decision without a recorded basis is "
                                    "unlawful: R (AB & CD) v Haringey [2013])")
    return None


def strategy_discussion_recorded(ctx: GuardContext) -> Failure:
    if ctx.contact.facts.get("pending_strategy"):
        return None
    return "strategy_discussion", "record the strategy discussion first"


def discussion_decided(outcome: str) -> Guard:
    """The action follows what the latest strategy discussion decided."""

    def guard(ctx: GuardContext) -> Failure:
        decided = (ctx.contact.facts.get("pending_strategy") or {}).get("outcome")
        if decided in (None, outcome):
            return None  # none pending: strategy_discussion_recorded explains it
        said = STRATEGY_OUTCOMES.get(str(decided), str(decided)).lower()
        return "strategy_discussion", (f"the strategy discussion decided '{said}': record a "
                                       f"new discussion if that has changed")

    return guard


# -- dates -------------------------------------------------------------------------------
def _day(ctx: GuardContext, value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(ctx.now.tzinfo).date()
    return value if isinstance(value, date) else None


def _fact_day(ctx: GuardContext, name: str) -> date | None:
    stamped = ctx.contact.facts.get(name)
    return _day(ctx, datetime.fromisoformat(str(stamped))) if stamped else None


def referral_day(ctx: GuardContext) -> date | None:
    """The referral date once there is one (DfE: nothing happens before it)."""
    return _fact_day(ctx, "referral_at")


def conference_not_before_enquiry(ctx: GuardContext) -> Failure:
    """An initial conference follows the discussion that started the enquiry."""
    held, started = _day(ctx, ctx.payload.get("held_at")), _fact_day(ctx, "s47_started_at")
    if held and started and held < started:
        return "held_at", (f"the conference cannot be before the section 47 enquiry started "
                           f"({started})")
    return None


def handover_date_given(ctx: GuardContext) -> Failure:
    """The hand-over to early help: a real date, not before the referral (it may be
    planned ahead, but not more than a year)."""
    day = _day(ctx, ctx.payload.get("handover_on"))
    if day is None:
        return "handover_on", "give the date the case is handed over to early help"
    floor = referral_day(ctx) or _day(ctx, ctx.contact.received_at)
    if floor and day < floor:
        return "handover_on", f"the hand-over date cannot be before the referral ({floor})"
    if (day - ctx.now.date()).days > 366:
        return "handover_on", "the hand-over date is more than a year away"
    return None


# -- assessments -------------------------------------------------------------------------
def _status(ctx: GuardContext) -> str:
    return str(ctx.contact.facts.get("assessment_status") or "open")


def assessment_submitted(ctx: GuardContext) -> Failure:
    if _status(ctx) == "submitted":
        return None
    return "assessment", ("the assessment has not been submitted for authorisation: its "
                          "author submits it first")


def assessment_not_submitted(ctx: GuardContext) -> Failure:
    if _status(ctx) != "submitted":
        return None
    return "assessment", "the assessment is already waiting for a manager's authorisation"


def factors_valid(ctx: GuardContext) -> Failure:
    """CIN census factor rules: 21 only alone, no duplicates, retired codes refused."""
    value = ctx.payload.get("factors")
    codes = value if isinstance(value, list | tuple) else ()
    problem = factor_problem(codes)
    return None if problem is None else ("factors", problem)


def factors_valid_if_given(ctx: GuardContext) -> Failure:
    return factors_valid(ctx) if ctx.payload.get("factors") else None


def _needs(field: str, message: str) -> Guard:
    return lambda ctx: None if _text(ctx, field) else (field, message)


CASEWORK_GUARDS: dict[str, Guard] = {
    "chair_given": _needs("chair", "record who chaired the strategy discussion"),
    "participation_recorded": participation_recorded,
    "police_and_health_or_reason": required_agencies_or_reason,
    "participation_reasons_given": participation_reasons_given,
    "strategy_outcome_given": strategy_outcome_given,
    "reasonable_cause_if_section_47": reasonable_cause_if_section_47,
    "strategy_discussion_recorded": strategy_discussion_recorded,
    "discussion_decided_section_47": discussion_decided("section_47"),
    "discussion_decided_s17": discussion_decided("continue_s17"),
    "discussion_decided_nfa": discussion_decided("no_further_action"),
    "conference_not_before_enquiry": conference_not_before_enquiry,
    "handover_date_given": handover_date_given,
    "early_help_team_given": _needs("early_help_team",
                                    "name the early help team receiving the family"),
    "assessment_submitted": assessment_submitted,
    "assessment_not_submitted": assessment_not_submitted,
    "factors_valid": factors_valid,
    "factors_valid_if_given": factors_valid_if_given,
}
