"""The stages of a contact's journey (DOMAIN.md §2), each with its timescale decision.

Every stage says which clocks may be running while a contact sits in it, or why none
apply. A clock still running when its contact enters a stage that does not list it is
stopped (never silently dropped): as "not applicable" when the contact simply moved on, or
"not met" when the row that moved it names the clock in ``leaves_unmet``. So the stage
lists are the single truth of which clocks can be open where. ``validate_spec`` refuses a
stage that says neither, so adding a stage forces "which statutory clock covers this?" to
be answered in review.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    """Where a contact is. Stored as text; only the engine may change it."""

    RECEIVED = "received"
    SCREENING = "screening"
    INFORMATION_GATHERING = "information_gathering"
    THRESHOLD_DECISION = "threshold_decision"
    AWAITING_SIGNOFF = "awaiting_signoff"
    STRATEGY_DISCUSSION = "strategy_discussion"
    SECTION_47 = "section_47"
    ASSESSMENT = "assessment"
    CP_PLAN = "cp_plan"
    CIN_PLAN = "cin_plan"
    EARLY_HELP = "early_help"
    PASSED_TO_ALLOCATED_WORKER = "passed_to_allocated_worker"
    CLOSED = "closed"


@dataclass(frozen=True)
class StageSpec:
    """A stage's title, whether the journey ends there, and its timescale decision."""

    stage: Stage
    title: str
    final: bool = False
    timed_by: tuple[str, ...] = ()
    untimed_reason: str = ""


_DECISION = ("contact_decision",)
#: Telling the referrer: the local feedback on the decision, and the statutory
#: acknowledgement of a referral (both stopped by recording the feedback given).
_AFTER_DECISION = ("referrer_feedback", "referral_acknowledgement")
_MASH = ("mash_red", "mash_amber", "mash_green")
_ASSESSMENT = ("assessment", "assessment_dfe")
#: Practice standards (config/practice_standards.toml) on any allocated case, and on plans.
_CASE = ("allocation", "transfer_handover")
_CIN_STANDARDS = ("cin_visit", "cin_plan_written", "cin_review", "supervision")
_CP_STANDARDS = ("cp_visit", "cp_plan_written", "core_group_interval", "supervision")
#: Appointing the case's lead child protection practitioner (from the s47 enquiry on).
_LEAD_CP = "lead_cp_practitioner"

STAGES: dict[Stage, StageSpec] = {
    s.stage: s
    for s in (
        StageSpec(Stage.RECEIVED, "Received", timed_by=_DECISION),
        StageSpec(Stage.SCREENING, "Screening", timed_by=_DECISION + _MASH),
        StageSpec(Stage.INFORMATION_GATHERING, "MASH information gathering",
                  timed_by=_DECISION + _MASH),
        StageSpec(Stage.THRESHOLD_DECISION, "Threshold decision", timed_by=_DECISION),
        StageSpec(Stage.AWAITING_SIGNOFF, "Awaiting manager sign-off", timed_by=_DECISION),
        StageSpec(Stage.STRATEGY_DISCUSSION, "Strategy discussion",
                  timed_by=("strategy_discussion",) + _ASSESSMENT + _AFTER_DECISION + _CASE),
        StageSpec(Stage.SECTION_47, "Section 47 enquiry",
                  timed_by=("icpc", "child_seen_s47", "child_seen_s17", _LEAD_CP)
                  + _ASSESSMENT + _AFTER_DECISION + _CASE),
        StageSpec(Stage.ASSESSMENT, "Assessment",
                  timed_by=("child_seen_s17", "child_seen_s47") + _ASSESSMENT
                  + _AFTER_DECISION + _CASE),
        StageSpec(Stage.CP_PLAN, "Child protection plan",
                  timed_by=("core_group", "first_review_conference", "review_conference",
                            "child_seen_s47", "child_seen_s17", _LEAD_CP) + _ASSESSMENT
                  + _AFTER_DECISION + _CASE + _CP_STANDARDS),
        StageSpec(Stage.CIN_PLAN, "Child in need plan",
                  timed_by=_AFTER_DECISION + _CASE + _CIN_STANDARDS),
        StageSpec(Stage.EARLY_HELP, "Family Help (stepped down)", timed_by=_AFTER_DECISION),
        StageSpec(Stage.PASSED_TO_ALLOCATED_WORKER, "Passed to allocated worker",
                  final=True, timed_by=_AFTER_DECISION),
        StageSpec(Stage.CLOSED, "Closed", final=True, timed_by=_AFTER_DECISION),
    )
}


#: Where a contact can be once its threshold decision is made.
AFTER_DECISION = (Stage.STRATEGY_DISCUSSION, Stage.SECTION_47, Stage.ASSESSMENT, Stage.CP_PLAN,
                  Stage.CIN_PLAN, Stage.EARLY_HELP, Stage.PASSED_TO_ALLOCATED_WORKER,
                  Stage.CLOSED)
#: Where an assessment is being carried out (s17, the s47 enquiry, or on a plan).
ASSESSING = (Stage.ASSESSMENT, Stage.SECTION_47, Stage.CP_PLAN)
#: Every stage a journey does not end in.
OPEN_STAGES = tuple(s for s, spec in STAGES.items() if not spec.final)


def stage_title(stage: str) -> str:
    """Title for display; unknown text is shown as it is rather than hidden."""
    try:
        return STAGES[Stage(stage)].title
    except ValueError:
        return stage
