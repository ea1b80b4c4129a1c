"""Rules shared by the casework actions: strategy discussions and their agency grid, the
section 47 enquiry, assessments, and the hand-over of a step down.

Each returns ``None`` when met, or the field and a sentence that says what to record.
Who must take part in a strategy discussion is configuration (``ctx.config.casework``,
from ``[strategy]`` in settings.toml), never a list written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.casework import conference_dates
from workflow.casework.config import CONTRIBUTED, STATUSES
from workflow.casework.factors import factor_problem
from workflow.casework.records import AssessmentStatus
from workflow.decision.guards import HARINGEY
from workflow.engine.action import Ctx, Failure, Guard
from workflow.engine.rules import local_day, referral_day, text
from workflow.stages import Stage

#: A strategy discussion's outcome (Working Together: s47 initiated, or not).
STRATEGY_OUTCOMES = {"section_47": "Section 47 enquiry initiated",
                     "continue_s17": "Continue the assessment under section 17",
                     "no_further_action": "No further action"}
NOT_CONTRIBUTED = ("invited_no_contribution", "not_invited")


def _grid(ctx: Ctx[Any]) -> Mapping[str, str]:
    value: Mapping[str, str] = ctx.payload.participation
    return value


def _own_reason(ctx: Ctx[Any], agency: str) -> str:
    return str(ctx.payload.participation_reasons.get(agency) or "").strip()


def _names(ctx: Ctx[Any], agencies: list[str]) -> str:
    names = [ctx.config.casework.name(a) for a in agencies]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return joined[0].upper() + joined[1:] if joined else joined


# -- strategy discussions ----------------------------------------------------------------
def _participation_recorded(ctx: Ctx[Any]) -> Failure:
    """Every stated agency is on the grid with a known status; required and expected
    agencies are always stated (the KPI counts a blank as no contribution)."""
    grid, config = _grid(ctx), ctx.config.casework
    unknown = [a for a in grid if a not in config.ids()]
    if unknown:
        return "participation", f"'{unknown[0]}' is not an agency of the strategy grid"
    wrong = [a for a, s in grid.items() if s not in STATUSES]
    if wrong:
        return "participation", (f"say how {config.name(wrong[0])} took part: "
                                 f"{', '.join(STATUSES)}")
    blank = [a for a in config.must_record() if a not in grid]
    if blank:
        return "participation", f"record whether {_names(ctx, blank)} took part"
    return None


def _required_or_reason(ctx: Ctx[Any]) -> Failure:
    """Working Together: the required agencies take part; if one did not, say why."""
    grid = _grid(ctx)
    missing = [a for a in ctx.config.casework.required
               if grid.get(a) not in CONTRIBUTED and not _own_reason(ctx, a)]
    if missing and not text(ctx, "absence_reason"):
        return "absence_reason", f"{_names(ctx, missing)} did not contribute: record why"
    return None


def _reasons_given(ctx: Ctx[Any]) -> Failure:
    """An agency invited that did not contribute, or not invited at all, needs its reason
    (for a required agency the discussion's absence reason also says why)."""
    covered = ctx.config.casework.required if text(ctx, "absence_reason") else ()
    for agency, status in _grid(ctx).items():
        if status in NOT_CONTRIBUTED and not _own_reason(ctx, agency) and agency not in covered:
            what = "was not invited" if status == "not_invited" else "did not contribute"
            return f"participation_reason_{agency}", f"{_names(ctx, [agency])} {what}: record why"
    return None


def _outcome_given(ctx: Ctx[Any]) -> Failure:
    """The discussion's outcome; one held during an enquiry can only continue it."""
    outcome = ctx.payload.outcome
    if ctx.contact.stage is Stage.SECTION_47 and outcome != "section_47":
        return "outcome", "a discussion during a section 47 enquiry continues the enquiry"
    if outcome not in STRATEGY_OUTCOMES:
        return "outcome", ("choose the outcome: section 47 enquiry initiated, continue under "
                           "section 17, or no further action")
    return None


def _cause_if_section_47(ctx: Ctx[Any]) -> Failure:
    """R (AB & CD) v Haringey [2013]: no section 47 without a recorded reasonable cause."""
    starts = ctx.payload.outcome == "section_47" and ctx.contact.stage is not Stage.SECTION_47
    if starts and not text(ctx, "reasonable_cause"):
        return "reasonable_cause", HARINGEY
    return None


PARTICIPATION_RECORDED: Guard[Any] = Guard("participation_recorded", _participation_recorded,
                                           ("participation",))
REQUIRED_OR_REASON: Guard[Any] = Guard("police_and_health_or_reason", _required_or_reason,
                                       ("participation", "absence_reason"))
REASONS_GIVEN: Guard[Any] = Guard("participation_reasons_given", _reasons_given,
                                  ("participation", "participation_reasons"))
OUTCOME_GIVEN: Guard[Any] = Guard("strategy_outcome_given", _outcome_given, ("outcome",))
CAUSE_IF_SECTION_47: Guard[Any] = Guard("reasonable_cause_if_section_47", _cause_if_section_47,
                                        ("reasonable_cause",))


def _discussion_recorded(ctx: Ctx[Any]) -> Failure:
    discussion = ctx.contact.discussion
    if discussion is not None and discussion.pending_outcome:
        return None
    return "strategy_discussion", "record the strategy discussion first"


DISCUSSION_RECORDED: Guard[Any] = Guard("strategy_discussion_recorded", _discussion_recorded,
                                         before_input=True)


def discussion_decided(outcome: str) -> Guard[Any]:
    """The action follows what the latest strategy discussion decided."""

    def check(ctx: Ctx[Any]) -> Failure:
        discussion = ctx.contact.discussion
        decided = discussion.pending_outcome if discussion else None
        if decided in (None, outcome):
            return None  # none pending: DISCUSSION_RECORDED explains it
        said = STRATEGY_OUTCOMES.get(str(decided), str(decided)).lower()
        return "strategy_discussion", (f"the strategy discussion decided '{said}': record a "
                                       f"new discussion if that has changed")

    return Guard(f"discussion_decided_{outcome}", check, before_input=True)


# -- section 47 ------------------------------------------------------------------------
def _no_open_enquiry(ctx: Ctx[Any]) -> Failure:
    enquiry = ctx.contact.enquiry
    if enquiry is None or not enquiry.is_open:
        return None
    return "section_47", "this child already has an open section 47 enquiry"


NO_OPEN_SECTION_47: Guard[Any] = Guard("no_open_section_47", _no_open_enquiry, before_input=True)


def _not_before_enquiry(ctx: Ctx[Any]) -> Failure:
    """An initial conference follows the discussion that started the enquiry."""
    enquiry = ctx.contact.enquiry
    held = local_day(ctx, ctx.payload.held_at)
    started = local_day(ctx, enquiry.started_at) if enquiry else None
    if held and started and held < started:
        return "held_at", (f"the conference cannot be before the section 47 enquiry started "
                           f"({started:%-d %B %Y})")
    return None


def _on_a_weekday(ctx: Ctx[Any]) -> Failure:
    """DfE CIN census rule 8875: a child protection conference is not held on a Saturday
    or Sunday, so a weekend date is a mistake in the record. The census checks the initial
    conference's date; a review conference is held on a working day all the same, and its
    date is refused for the same reason (``workflow.casework.conference_dates``)."""
    held = local_day(ctx, ctx.payload.held_at)
    if held is None or not conference_dates.at_a_weekend(held):
        return None
    return "held_at", (f"{held:%A %d %B %Y} is a {held:%A}: a child protection conference is "
                       f"not held at a weekend (DfE census rule {conference_dates.RULE}: "
                       f"\"{conference_dates.MESSAGE}\"); check the date")


CONFERENCE_NOT_BEFORE_ENQUIRY: Guard[Any] = Guard("conference_not_before_enquiry",
                                                  _not_before_enquiry, ("held_at",))
CONFERENCE_ON_A_WEEKDAY: Guard[Any] = Guard("conference_on_a_weekday", _on_a_weekday,
                                            ("held_at",))


# -- assessments -------------------------------------------------------------------------
def _status(ctx: Ctx[Any]) -> AssessmentStatus:
    assessment = ctx.contact.assessment
    return assessment.status if assessment else AssessmentStatus.OPEN


def _submitted(ctx: Ctx[Any]) -> Failure:
    if _status(ctx) is AssessmentStatus.SUBMITTED:
        return None
    return "assessment", ("the assessment has not been submitted for authorisation: its "
                          "author submits it first")


def _not_submitted(ctx: Ctx[Any]) -> Failure:
    if _status(ctx) is not AssessmentStatus.SUBMITTED:
        return None
    return "assessment", "the assessment is already waiting for a manager's authorisation"


def _assessment_open(ctx: Ctx[Any]) -> Failure:
    if any(c.rule == "assessment" for c in ctx.contact.open_clocks):
        return None
    return "assessment", "there is no open assessment on this contact"


def _factors_valid(ctx: Ctx[Any]) -> Failure:
    """CIN census factor rules: 21 only alone, no duplicates, retired codes refused."""
    problem = factor_problem(ctx.payload.factors)
    return None if problem is None else ("factors", problem)


def _factors_valid_if_given(ctx: Ctx[Any]) -> Failure:
    return _factors_valid(ctx) if ctx.payload.factors else None


def _authoriser_is_not_author(ctx: Ctx[Any]) -> Failure:
    assessment = ctx.contact.assessment
    author = (assessment.author if assessment else None) or ctx.contact.worker
    if author == ctx.actor.username:
        return "actor", "an assessment must be authorised by a manager other than its author"
    return None


def _lateness_reason_if_late(ctx: Ctx[Any]) -> Failure:
    """Working Together: an assessment past 45 working days must say why."""
    late = any(c.rule == "assessment" and c.due_at < ctx.now for c in ctx.contact.open_clocks)
    if late and not text(ctx, "lateness_reason"):
        return "lateness_reason", "the assessment is past 45 working days: record the reason"
    return None


#: The clocks that time seeing the child during an assessment (local timescales).
CHILD_SEEN_CLOCKS = ("child_seen_s17", "child_seen_s47")


def child_not_seen(ctx: Ctx[Any]) -> str | None:
    """Why the assessment being authorised counts as "child not seen", or None if the child
    was seen: no visit with the child seen since the assessment started, or a child-seen
    clock still running, which authorising leaves not met (seen for the child in need
    assessment, say, but not since the section 47 enquiry began)."""
    assessment = ctx.contact.assessment
    since = assessment.started_at if assessment else ctx.contact.referral_at
    seen = any(v.child_seen and (since is None or v.visited_at >= since)
               for v in ctx.contact.visits)
    if not seen:
        return "the child has not been seen during this assessment"
    running = [c for c in ctx.contact.open_clocks if c.rule in CHILD_SEEN_CLOCKS]
    if running:
        day = local_day(ctx, running[0].started_at)
        return (f"the child has not been seen since {day:%-d %B %Y}, when the child-seen "
                "timescale started, so it is not met")
    return None


def _not_seen_reason_if_not_seen(ctx: Ctx[Any]) -> Failure:
    """Authorising with the child not seen is a manager's decision to be accounted for:
    it needs their reason (it is flagged on the assessment with it)."""
    why = child_not_seen(ctx)
    if why and not text(ctx, "not_seen_reason"):
        return "not_seen_reason", f"{why}: record why you authorise it"
    return None


#: Where the assessment is (open, submitted) is the record's, not the form's: a page does
#: not offer authorising before submission, nor submitting twice.
ASSESSMENT_SUBMITTED: Guard[Any] = Guard("assessment_submitted", _submitted, before_input=True)
ASSESSMENT_NOT_SUBMITTED: Guard[Any] = Guard("assessment_not_submitted", _not_submitted,
                                             before_input=True)
ASSESSMENT_OPEN: Guard[Any] = Guard("assessment_open", _assessment_open, before_input=True)
FACTORS_VALID: Guard[Any] = Guard("factors_valid", _factors_valid, ("factors",))
FACTORS_VALID_IF_GIVEN: Guard[Any] = Guard("factors_valid_if_given", _factors_valid_if_given,
                                           ("factors",))
AUTHORISER_IS_NOT_AUTHOR: Guard[Any] = Guard("authoriser_is_not_author",
                                             _authoriser_is_not_author, before_input=True)
LATENESS_REASON_IF_LATE: Guard[Any] = Guard("lateness_reason_if_late", _lateness_reason_if_late,
                                            ("lateness_reason",))
NOT_SEEN_REASON_IF_NOT_SEEN: Guard[Any] = Guard("not_seen_reason_if_not_seen",
                                                _not_seen_reason_if_not_seen,
                                                ("not_seen_reason",))
AUTHORISE = (ASSESSMENT_SUBMITTED, AUTHORISER_IS_NOT_AUTHOR, LATENESS_REASON_IF_LATE,
             NOT_SEEN_REASON_IF_NOT_SEEN, FACTORS_VALID_IF_GIVEN)


# -- step down ------------------------------------------------------------------------
def _handover_date(ctx: Ctx[Any]) -> Failure:
    """The hand-over to early help: a real date, not before the referral (it may be
    planned ahead, but not more than a year)."""
    day = ctx.payload.handover_on
    if day is None:
        return "handover_on", "give the date the case is handed over to early help"
    floor = referral_day(ctx) or local_day(ctx, ctx.contact.received_at)
    if floor and day < floor:
        return "handover_on", ("the hand-over date cannot be before the referral "
                               f"({floor:%-d %B %Y})")
    if (day - ctx.config.calendar.local_date(ctx.now)).days > 366:
        return "handover_on", "the hand-over date is more than a year away"
    return None


def _consent(ctx: Ctx[Any]) -> Failure:
    if ctx.payload.consent == "given":
        return None
    return "consent", "record the family's agreement to early help"


def _team(ctx: Ctx[Any]) -> Failure:
    if text(ctx, "early_help_team"):
        return None
    return "early_help_team", "name the early help team receiving the family"


STEP_DOWN = (Guard("consent_recorded", _consent, ("consent",)),
             Guard("early_help_team_given", _team, ("early_help_team",)),
             Guard("handover_date_given", _handover_date, ("handover_on",)))
