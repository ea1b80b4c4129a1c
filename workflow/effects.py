"""What each trigger records on the aggregate besides the stage: the facts guards read.

Kept apart from the table so the table stays pure data, and kept small: each effect
copies a few named fields from the payload into the contact (never the whole payload,
which already lives in the event row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from workflow.casework.factors import normalised
from workflow.clocks.clock import ClockResult
from workflow.contact import Contact, _plain
from workflow.stages import Stage

Effect = Callable[[Contact, Mapping[str, Any], str, datetime], None]

DECISION_FIELDS = ("level", "outcome", "recommended_level", "catalogue_id", "catalogue_version",
                   "is_override", "override_reason", "rationale", "indicators")
MASH_CLOCKS = ("mash_red", "mash_amber", "mash_green")
#: Threshold outcomes that accept a referral into social care.
REFERRAL_OUTCOMES = ("referral_to_social_care", "strategy_discussion")


def _subset(payload: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: _plain(payload[k]) for k in keys if k in payload}


def _rate(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """Re-rating replaces the MASH clock; the new one still runs from the original receipt."""
    for clock in [k for k in c.open_clocks if k.rule in MASH_CLOCKS]:
        c.stop_clock(clock, now, "rag_changed", ClockResult.SUPERSEDED)
    c.rag = str(p["rag"])


def _decide(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    decision = _subset(p, DECISION_FIELDS) | {"decided_by": actor, "decided_at": now.isoformat()}
    if p.get("is_override"):
        c.pending_decision = decision
    else:
        c.facts["decision"] = decision
    if not p.get("is_override") and p.get("outcome") in REFERRAL_OUTCOMES:
        # The referral date (census CINreferralDate): the guards refuse anything dated
        # before it, and the single assessment starts here (s17 until s47 starts).
        c.facts.update(referral_at=now.isoformat(), assessment_status="open",
                       assessment_kind="s17")


def _sign_off(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    pending = c.pending_decision or {}
    c.facts["decision"] = pending | {"signed_off_by": actor, "signed_off_at": now.isoformat()}
    c.pending_decision = None


def _return_decision(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    c.pending_decision = None


def _strategy_discussion(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """The latest discussion's outcome waits for the action that carries it out."""
    held = _plain(p.get("held_at", now))
    c.facts["strategy_discussions"] = int(c.facts.get("strategy_discussions", 0)) + 1
    c.facts.setdefault("first_strategy_discussion_at", held)
    c.facts["last_strategy_discussion_at"] = held
    if c.stage is not Stage.SECTION_47:  # one reconvened during an enquiry starts nothing
        c.facts["pending_strategy"] = {"outcome": p.get("outcome"), "held_at": held}


def _start_s47(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """The initiating discussion's date is the enquiry's start (census S47ActualStartDate)."""
    pending = c.facts.pop("pending_strategy", None) or {}
    c.facts["s47_open"] = True
    c.facts["s47_count"] = int(c.facts.get("s47_count", 0)) + 1
    c.facts["s47_started_at"] = _plain(p.get("initiating_discussion_at")
                                       or pending.get("held_at")
                                       or c.facts.get("last_strategy_discussion_at"))
    c.facts["assessment_kind"] = "s47"
    if c.facts.get("assessment_status") == "authorised":  # a new assessment on an open case
        c.facts["assessment_status"] = "open"
        for stale in ("assessment_author", "assessment_submitted_at", "assessment_factors"):
            c.facts.pop(stale, None)


def _continue_s17(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    c.facts.pop("pending_strategy", None)


def _strategy_nfa(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """Census: the referral was NFA (ReferralNFA), so it carries no assessment. RC8 and
    RC9 need one (DOMAIN.md §5), so the closure reason is RC7."""
    c.facts.pop("pending_strategy", None)
    c.facts.update(referral_nfa=True, closure_reason="RC7", assessment_status="closed")


def _end_s47(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    c.facts["s47_open"] = False
    c.facts.pop("pending_strategy", None)  # a new enquiry needs a new discussion


def _complete_assessment(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """CIN census: RC8 closes after assessment with NFA, RC9 after assessment to early help."""
    outcome = p.get("assessment_outcome")
    c.facts["assessment_outcome"] = outcome
    c.facts["assessment_authorised_by"] = actor
    c.facts["assessment_status"] = "authorised"
    if p.get("factors"):
        c.facts["assessment_factors"] = normalised(p["factors"])
    closure = {"no_further_action": "RC8", "early_help": "RC9"}.get(str(outcome))
    if closure:
        c.facts["closure_reason"] = closure
    if outcome == "early_help":
        _record_step_down(c, p, actor, now)


def _submit_assessment(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """The author is who submits: the authorising manager must be someone else."""
    c.facts.update(assessment_status="submitted", assessment_author=actor,
                   assessment_submitted_at=now.isoformat(),
                   assessment_factors=normalised(p.get("factors") or ()))


def _return_assessment(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    c.facts["assessment_status"] = "open"


def _record_step_down(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """Step down: the family's agreement, the receiving team and the hand-over date."""
    c.facts["step_down"] = _subset(p, ("consent", "early_help_team", "handover_on")) | {
        "by": actor, "at": now.isoformat()}


def _step_down(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """From a CIN plan: RC8/RC9 are closures straight after assessment (DOMAIN.md §5), so
    the plan's social care services ceasing is RC7."""
    _record_step_down(c, p, actor, now)
    c.facts["closure_reason"] = "RC7"


def _close_case(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    c.facts["closure_reason"] = p["closure_reason"]


def _allocate(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    c.team = p.get("team") or c.team
    c.worker = p.get("worker") or c.worker


def _pass_to_allocated(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    c.facts["open_case"] = p.get("open_case_reference") or c.facts.get("open_case")


def _step_up(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    c.facts["stepped_up"] = True


EFFECTS: dict[str, Effect] = {
    "rate": _rate,
    "decide": _decide,
    "sign_off": _sign_off,
    "return_decision": _return_decision,
    "hold_strategy_discussion": _strategy_discussion,
    "start_section_47": _start_s47,
    "continue_under_s17": _continue_s17,
    "strategy_no_further_action": _strategy_nfa,
    "submit_assessment": _submit_assessment,
    "return_assessment": _return_assessment,
    "step_down": _step_down,
    "hold_icpc": _end_s47,
    "icpc_not_required": _end_s47,
    "complete_assessment": _complete_assessment,
    "close_case": _close_case,
    "allocate": _allocate,
    "pass_to_allocated_worker": _pass_to_allocated,
    "step_up": _step_up,
}


# -- MASH (issue 5): information requests and the daily meeting -----------------------
def _requests_changed(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """The request service counts the open rows in the same transaction and passes the
    count, so the fact the ``no_open_requests`` guard reads can never drift from them."""
    c.facts["open_requests"] = int(p["_open_requests"])


def _mash_discussion(c: Contact, p: Mapping[str, Any], actor: str, now: datetime) -> None:
    """The meeting's joint recommendation, shown beside the threshold decision form."""
    c.facts["mash_recommendation"] = _subset(p, ("outcome", "level", "rationale", "meeting_id",
                                                 "meeting_date")) | {
        "recorded_by": actor, "recorded_at": now.isoformat()}
    c.facts["mash_discussions"] = int(c.facts.get("mash_discussions", 0)) + 1


EFFECTS.update({
    "request_information": _requests_changed,
    "answer_request": _requests_changed,
    "withdraw_request": _requests_changed,
    "close_outstanding_requests": _requests_changed,
    "record_mash_discussion": _mash_discussion,
})
