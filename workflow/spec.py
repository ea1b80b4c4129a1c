"""The transition table: the whole process definition as data (SpiffWorkflow habit).

Each row is one way a contact may move: the public trigger, the stages it may be fired
from, where it goes (``None`` = stays, an in-stage action that is still recorded as an
event), the selectors that choose between rows sharing a trigger, the guards that must
pass (each failure refused with its own message), the roles granted it, and the clock
events it emits. The shared machine, the UI's list of actions, the API and the diagram
are all built from this one table; ``validate_spec`` checks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from workflow.roles import CASEWORK, FRONT_DOOR, MANAGERS, Role
from workflow.stages import STAGES, Stage

S = Stage


@dataclass(frozen=True)
class Transition:
    """One row of the table. ``when`` picks the row; ``guards`` must then all pass."""

    trigger: str
    sources: tuple[Stage, ...]
    dest: Stage | None
    roles: frozenset[Role]
    label: str
    guards: tuple[str, ...] = ()
    when: tuple[str, ...] = ()
    emits: tuple[str, ...] = ()

    @property
    def internal(self) -> bool:
        """True for an in-stage action (a visit, a rating) that does not move the contact."""
        return self.dest is None


def _t(trigger: str, sources: Iterable[Stage], dest: Stage | None, roles: Iterable[Role],
       label: str, **kw: tuple[str, ...]) -> Transition:
    return Transition(trigger, tuple(sources), dest, frozenset(roles), label, **kw)


_OPEN_STAGES = tuple(s for s, spec in STAGES.items() if not spec.final)
_AFTER_DECISION = (S.STRATEGY_DISCUSSION, S.SECTION_47, S.ASSESSMENT, S.CP_PLAN, S.CIN_PLAN,
                   S.EARLY_HELP, S.PASSED_TO_ALLOCATED_WORKER, S.CLOSED)
_SCREENED = (S.SCREENING, S.INFORMATION_GATHERING)
_DECIDE = (S.THRESHOLD_DECISION,)
_RATIONALE = ("rationale_given",)

_RAG_ROWS = tuple(
    _t("rate", _SCREENED, None, FRONT_DOOR, "Set or change the RAG rating",
       when=(f"rag_is_{rag}",), guards=("reason_given",), emits=("rag_changed", f"rated_{rag}"))
    for rag in ("red", "amber", "green")
)

_DECISION_ROWS = (
    _t("decide", _DECIDE, S.AWAITING_SIGNOFF, FRONT_DOOR, "Record the threshold decision",
       when=("decision_is_override",), guards=_RATIONALE + ("override_reason_given",)),
    _t("decide", _DECIDE, S.CLOSED, FRONT_DOOR, "Record the threshold decision",
       when=("outcome_is_no_further_action",), guards=_RATIONALE,
       emits=("decision_made", "contact_closed")),
    _t("decide", _DECIDE, S.EARLY_HELP, FRONT_DOOR, "Record the threshold decision",
       when=("outcome_is_early_help",), guards=_RATIONALE + ("consent_recorded",),
       emits=("decision_made", "stepped_down")),
    _t("decide", _DECIDE, S.ASSESSMENT, FRONT_DOOR, "Record the threshold decision",
       when=("outcome_is_referral",), guards=_RATIONALE,
       emits=("decision_made", "referral_accepted", "s17_assessment_started")),
    _t("decide", _DECIDE, S.STRATEGY_DISCUSSION, FRONT_DOOR, "Record the threshold decision",
       when=("outcome_is_strategy_discussion",), guards=_RATIONALE + ("reasonable_cause_given",),
       emits=("decision_made", "referral_accepted", "strategy_discussion_decided")),
)

_SIGNOFF_ROWS = (
    _t("sign_off", (S.AWAITING_SIGNOFF,), S.CLOSED, MANAGERS, "Sign off the override",
       when=("pending_outcome_is_no_further_action",), guards=("signer_is_not_decider",),
       emits=("decision_made", "contact_closed")),
    _t("sign_off", (S.AWAITING_SIGNOFF,), S.EARLY_HELP, MANAGERS, "Sign off the override",
       when=("pending_outcome_is_early_help",), guards=("signer_is_not_decider",),
       emits=("decision_made", "stepped_down")),
    _t("return_decision", (S.AWAITING_SIGNOFF,), S.THRESHOLD_DECISION, MANAGERS,
       "Return the decision to the worker", guards=("reason_given",)),
)

# Strategy discussions (issue 6). A discussion is recorded with its agency grid and its
# outcome; the outcome is then carried out by the row that follows it (s47, s17, NFA), and
# an action that does not match the latest discussion's outcome is refused.
_DISCUSS_FROM = (S.STRATEGY_DISCUSSION, S.ASSESSMENT, S.CIN_PLAN, S.SECTION_47)
_DISCUSSION_GUARDS = ("held_at_given", "chair_given", "participation_recorded",
                      "police_and_health_or_reason", "participation_reasons_given",
                      "strategy_outcome_given", "reasonable_cause_if_section_47",
                      "rationale_given")
_AFTER_DISCUSSION = ("strategy_discussion_recorded",)
_START_S47 = _AFTER_DISCUSSION + ("discussion_decided_section_47", "reasonable_cause_given",
                                  "no_open_section_47")
_STRATEGY_ROWS = (
    # A council that counts the ICPC from the last discussion (DOMAIN.md §3): a discussion
    # reconvened during the enquiry moves the conference target (settings [strategy]).
    _t("hold_strategy_discussion", (S.SECTION_47,), None, CASEWORK,
       "Record a strategy discussion", when=("icpc_anchor_is_last",),
       guards=_DISCUSSION_GUARDS, emits=("strategy_discussion_held", "icpc_reanchored")),
    _t("hold_strategy_discussion", _DISCUSS_FROM, None, CASEWORK,
       "Record a strategy discussion", guards=_DISCUSSION_GUARDS,
       emits=("strategy_discussion_held",)),
    _t("start_section_47", (S.STRATEGY_DISCUSSION, S.ASSESSMENT), S.SECTION_47,
       CASEWORK, "Start a section 47 enquiry", guards=_START_S47,
       emits=("s47_started", "s47_assessment_started")),
    # On a child in need plan the assessment was authorised: the enquiry is carried out
    # through a new one, with its own 45 working days (the referral date stays).
    _t("start_section_47", (S.CIN_PLAN,), S.SECTION_47, CASEWORK,
       "Start a section 47 enquiry", guards=_START_S47,
       emits=("s47_started", "s47_assessment_started", "assessment_opened")),
    _t("continue_under_s17", (S.STRATEGY_DISCUSSION,), S.ASSESSMENT, CASEWORK,
       "Continue the assessment under section 17",
       guards=_AFTER_DISCUSSION + ("discussion_decided_s17", "rationale_given"),
       emits=("s17_assessment_started",)),
    _t("strategy_no_further_action", (S.STRATEGY_DISCUSSION,), S.CLOSED,
       MANAGERS | {Role.MASH_CHAIR}, "Close with no further action after the discussion",
       guards=_AFTER_DISCUSSION + ("discussion_decided_nfa", "rationale_given"),
       emits=("contact_closed",)),
)

# Assessments: the social worker submits (the author), a different manager authorises.
_ASSESSING = (S.ASSESSMENT, S.SECTION_47, S.CP_PLAN)
_AUTHORISE = ("assessment_submitted", "authoriser_is_not_author", "lateness_reason_if_late",
              "factors_valid_if_given")
_STEP_DOWN = ("consent_recorded", "early_help_team_given", "handover_date_given")
_ASSESSMENT_ROWS = (
    _t("record_visit", _ASSESSING, None, CASEWORK,
       "Record a visit to the child", when=("child_was_seen",), guards=("visit_date_given",),
       emits=("child_seen",)),
    _t("record_visit", _ASSESSING, None, CASEWORK,
       "Record a visit to the child", when=("child_not_seen",), guards=("visit_date_given",)),
    _t("submit_assessment", _ASSESSING, None, CASEWORK,
       "Submit the assessment for authorisation",
       guards=("assessment_open", "assessment_not_submitted", "factors_valid",
               "rationale_given")),
    _t("return_assessment", _ASSESSING, None, MANAGERS, "Return the assessment to its author",
       guards=("assessment_submitted", "reason_given")),
    _t("complete_assessment", (S.ASSESSMENT,), S.CIN_PLAN, MANAGERS,
       "Authorise the assessment", when=("assessment_outcome_is_cin_plan",),
       guards=_AUTHORISE, emits=("assessment_completed",)),
    _t("complete_assessment", (S.ASSESSMENT,), S.EARLY_HELP, MANAGERS,
       "Authorise the assessment", when=("assessment_outcome_is_early_help",),
       guards=_AUTHORISE + _STEP_DOWN,
       emits=("assessment_completed", "stepped_down", "contact_closed")),
    _t("complete_assessment", (S.ASSESSMENT,), S.CLOSED, MANAGERS,
       "Authorise the assessment", when=("assessment_outcome_is_no_further_action",),
       guards=_AUTHORISE, emits=("assessment_completed", "contact_closed")),
    _t("complete_assessment", (S.CP_PLAN,), None, MANAGERS, "Authorise the assessment",
       guards=("assessment_open",) + _AUTHORISE, emits=("assessment_completed",)),
)

_ICPC_DATE = ("conference_date_given", "conference_not_before_enquiry")
_CONFERENCE_ROWS = (
    _t("hold_icpc", (S.SECTION_47,), S.CP_PLAN, CASEWORK, "Record the initial conference",
       when=("plan_made",), guards=_ICPC_DATE + ("category_given",),
       emits=("icpc_held", "cp_plan_started")),
    _t("hold_icpc", (S.SECTION_47,), S.ASSESSMENT, CASEWORK, "Record the initial conference",
       when=("no_plan_made",), guards=_ICPC_DATE, emits=("icpc_held",)),
    _t("icpc_not_required", (S.SECTION_47,), S.ASSESSMENT, CASEWORK,
       "Record that no conference is needed", guards=("reason_given",),
       emits=("icpc_not_required",)),
    _t("hold_core_group", (S.CP_PLAN,), None, CASEWORK, "Record the first core group",
       guards=("held_at_given",), emits=("core_group_held",)),
    _t("hold_review_conference", (S.CP_PLAN,), None, CASEWORK, "Record a review conference",
       when=("plan_continues",), guards=("held_at_given",), emits=("review_conference_held",)),
    _t("hold_review_conference", (S.CP_PLAN,), S.CIN_PLAN, CASEWORK,
       "Record a review conference", when=("plan_ends",), guards=("held_at_given",),
       emits=("review_conference_held", "cp_plan_ended")),
)

_CLOSING_ROWS = (
    _t("pass_to_allocated_worker", (S.SCREENING, S.INFORMATION_GATHERING, S.THRESHOLD_DECISION),
       S.PASSED_TO_ALLOCATED_WORKER, FRONT_DOOR, "Pass to the allocated worker (open case)",
       guards=("open_case_given", "reason_given"), emits=("decision_made",)),
    _t("close_case", (S.CIN_PLAN,), S.CLOSED, MANAGERS, "Close the case",
       guards=("closure_reason_given", "reason_given"), emits=("contact_closed",)),
    _t("step_down", (S.CIN_PLAN,), S.EARLY_HELP, MANAGERS, "Step down to early help",
       guards=_STEP_DOWN + ("reason_given",), emits=("stepped_down",)),
    _t("step_up", (S.EARLY_HELP,), S.CLOSED, FRONT_DOOR | MANAGERS,
       "Step up to the front door (new contact)", guards=("reason_given",),
       emits=("stepped_up", "contact_closed")),
    _t("end_early_help", (S.EARLY_HELP,), S.CLOSED, FRONT_DOOR | MANAGERS,
       "End early help", guards=("reason_given",), emits=("contact_closed",)),
)

TABLE: tuple[Transition, ...] = (
    _t("start_screening", (S.RECEIVED,), S.SCREENING, FRONT_DOOR, "Start screening"),
    *_RAG_ROWS,
    _t("send_to_mash", (S.SCREENING,), S.INFORMATION_GATHERING, FRONT_DOOR,
       "Send to MASH information gathering", guards=("rag_set",)),
    _t("proceed_to_decision", (S.SCREENING,), S.THRESHOLD_DECISION, FRONT_DOOR,
       "Go straight to the threshold decision", guards=("rag_set", "reason_given")),
    _t("complete_information_gathering", (S.INFORMATION_GATHERING,), S.THRESHOLD_DECISION,
       FRONT_DOOR, "Finish information gathering", guards=("no_open_requests",),
       emits=("mash_completed",)),
    *_DECISION_ROWS, *_SIGNOFF_ROWS, *_STRATEGY_ROWS, *_ASSESSMENT_ROWS, *_CONFERENCE_ROWS,
    *_CLOSING_ROWS,
    _t("allocate", _OPEN_STAGES + (S.PASSED_TO_ALLOCATED_WORKER,), None, MANAGERS,
       "Allocate to a team and worker", guards=("allocation_given",)),
    _t("give_referrer_feedback", _AFTER_DECISION, None, FRONT_DOOR | CASEWORK,
       "Record feedback to the referrer", guards=("reason_given",),
       emits=("referrer_feedback_given",)),
)


# -- MASH (issue 5): information requests and the daily meeting -----------------------
# In-stage rows: each is recorded as an event on the contact. Requests themselves are rows
# of their own (workflow/persistence/tables_mash.py), changed by workflow/requests.py in
# the same transaction as the event; the meeting by workflow/meetings.py likewise.
_GATHERING = (S.INFORMATION_GATHERING,)
_REQUEST_ROWS = (
    _t("request_information", _GATHERING, None, FRONT_DOOR,
       "Ask a partner agency for information",
       guards=("via_request_service", "rag_set", "agency_known", "question_given",
               "lawful_basis_given", "authorised_by_given", "request_named")),
    # The only row a partner is granted: the request service first checks the request is
    # addressed to the practitioner's own agency, then fires this.
    _t("answer_request", _GATHERING, None, {Role.PARTNER}, "Answer an information request",
       guards=("via_request_service", "request_named", "answer_given")),
    _t("chase_request", _GATHERING, None, FRONT_DOOR, "Chase an overdue information request",
       guards=("via_request_service", "request_named")),
    _t("withdraw_request", _GATHERING, None, FRONT_DOOR, "Withdraw an information request",
       guards=("via_request_service", "request_named", "reason_given")),
    _t("close_outstanding_requests", _GATHERING, None, MANAGERS,
       "Close the outstanding information requests",
       guards=("via_request_service", "outstanding_requests", "reason_given")),
    _t("record_mash_discussion", (S.INFORMATION_GATHERING, S.THRESHOLD_DECISION), None,
       {Role.MASH_CHAIR}, "Record the MASH meeting's joint decision",
       guards=("on_meeting_agenda", "mash_outcome_given", "rationale_given",
               "every_agency_view_given")),
)


def _leaving_gathering_needs_answers(row: Transition) -> Transition:
    """The issue's rule: a contact leaves information gathering only when every request
    is answered or a manager closed the rest, whichever way it leaves (complete_information_
    gathering already says so; passing an open case to its worker must too)."""
    if row.trigger == "pass_to_allocated_worker" and "no_open_requests" not in row.guards:
        return replace(row, guards=(*row.guards, "no_open_requests"))
    return row


TABLE = tuple(_leaving_gathering_needs_answers(row) for row in TABLE) + _REQUEST_ROWS
# -- end of MASH block ------------------------------------------------------------------


def triggers() -> list[str]:
    """Every public trigger name, in table order, once each."""
    return list(dict.fromkeys(row.trigger for row in TABLE))


def rows_for(trigger: str, stage: Stage) -> list[Transition]:
    """The rows a trigger may use from a stage, in the order they are tried."""
    return [row for row in TABLE if row.trigger == trigger and stage in row.sources]
