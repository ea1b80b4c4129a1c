"""Guards and selectors named by the transition table.

A *selector* (``when``) chooses between rows that share a trigger — the outcome the worker
picked decides where the contact goes. A *guard* is a rule of the process that must hold:
it returns ``None`` when met, or the field and a message that tells the person what to
fix. Both read only the contact and the submitted payload, so they are pure and cheap to
evaluate twice (once to explain a refusal, once inside the machine).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from workflow.casework.config import CaseworkConfig
from workflow.casework.guards import CASEWORK_GUARDS, referral_day
from workflow.roles import Role

CIN_CLOSURE_CODES = {f"RC{n}": None for n in range(1, 10)}
CATEGORIES_OF_ABUSE = ("NEG", "PHY", "SAB", "EMO", "MUL")
NO_FURTHER_ACTION = ("no_further_action", "advice_signposting")
EARLY_HELP = ("early_help", "targeted_early_help")


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: the contact as loaded, the payload, who acts and when."""

    contact: Any  # workflow.contact.Contact (kept loose to avoid an import cycle)
    payload: Mapping[str, Any]
    actor: str
    role: Role
    now: datetime
    config: CaseworkConfig = CaseworkConfig()  # who takes part in strategy discussions


Failure = tuple[str, str] | None
Guard = Callable[[GuardContext], Failure]
Selector = Callable[[GuardContext], bool]


def _text(ctx: GuardContext, field: str) -> str:
    value = ctx.payload.get(field)
    return value.strip() if isinstance(value, str) else ""


def _needs_text(field: str, message: str) -> Guard:
    def guard(ctx: GuardContext) -> Failure:
        return None if _text(ctx, field) else (field, message)

    return guard


def _moment(ctx: GuardContext, field: str) -> datetime | date | None:
    value = ctx.payload.get(field)
    return value if isinstance(value, datetime | date) else None


def _dated(field: str, what: str) -> Guard:
    """A date/time that exists, is not before the referral and not in the future (CIN rules)."""

    def guard(ctx: GuardContext) -> Failure:
        when = _moment(ctx, field)
        if when is None:
            return field, f"give the date {what}"
        # Compare dates in one timezone (now's): 00:15 in London can still be "yesterday" in UTC.
        zone = ctx.now.tzinfo
        when_date = when.astimezone(zone).date() if isinstance(when, datetime) else when
        if when_date > ctx.now.date():
            return field, f"the date {what} cannot be in the future"
        referred = referral_day(ctx)  # DfE: nothing happens before the referral date
        if referred and when_date < referred:
            return field, f"the date {what} cannot be before the referral ({referred})"
        start = ctx.contact.received_at.astimezone(zone).date()
        if when_date < start:
            return field, f"the date {what} cannot be before the contact was received ({start})"
        return None

    return guard


def _rag_set(ctx: GuardContext) -> Failure:
    return None if ctx.contact.rag else ("rag", "set a RAG rating (red, amber or green) first")


def _signer_is_not_decider(ctx: GuardContext) -> Failure:
    decided_by = (ctx.contact.pending_decision or {}).get("decided_by")
    if decided_by == ctx.actor:
        return "actor", "the override must be signed off by a different manager from its author"
    return None


def _fact(name: str, field: str, message: str, *, want: bool = True) -> Guard:
    def guard(ctx: GuardContext) -> Failure:
        return None if bool(ctx.contact.facts.get(name)) == want else (field, message)

    return guard


def _authoriser_is_not_author(ctx: GuardContext) -> Failure:
    author = ctx.contact.facts.get("assessment_author") or ctx.contact.worker
    if author == ctx.actor:
        return "actor", "an assessment must be authorised by a manager other than its author"
    return None


def _lateness_reason_if_late(ctx: GuardContext) -> Failure:
    """Working Together: an assessment past 45 working days must say why."""
    late = any(c.rule == "assessment" and c.due_at < ctx.now for c in ctx.contact.open_clocks)
    if late and not _text(ctx, "lateness_reason"):
        return "lateness_reason", "the assessment is past 45 working days: record the reason"
    return None


def _assessment_open(ctx: GuardContext) -> Failure:
    if any(c.rule == "assessment" for c in ctx.contact.open_clocks):
        return None
    return "assessment", "there is no open assessment on this contact"


def _in(field: str, allowed: Mapping[str, object] | tuple[str, ...], message: str) -> Guard:
    def guard(ctx: GuardContext) -> Failure:
        return None if ctx.payload.get(field) in allowed else (field, message)

    return guard


def _allocation_given(ctx: GuardContext) -> Failure:
    if ctx.payload.get("team") or ctx.payload.get("worker"):
        return None
    return "team", "choose a team or a worker to allocate to"


def _open_case_given(ctx: GuardContext) -> Failure:
    if ctx.contact.facts.get("open_case") or _text(ctx, "open_case_reference"):
        return None
    return "open_case_reference", "give the reference of the child's open case"


GUARDS: dict[str, Guard] = {
    "rationale_given": _needs_text("rationale", "write the rationale for this decision"),
    "reason_given": _needs_text("reason", "give a reason"),
    "override_reason_given": _needs_text(
        "override_reason", "a level below the recommendation needs a recorded reason"),
    "reasonable_cause_given": _needs_text(
        "reasonable_cause", "record the reasonable cause to suspect significant harm "
        "(a section 47 decision without a recorded basis is unlawful: R (AB & CD) v "
        "Haringey [2013])"),
    "consent_recorded": _in("consent", ("given",),
                            "record the family's agreement to early help"),
    "rag_set": _rag_set,
    "signer_is_not_decider": _signer_is_not_decider,
    "held_at_given": _dated("held_at", "it was held"),
    "visit_date_given": _dated("visited_at", "of the visit"),
    "conference_date_given": _dated("held_at", "of the conference"),
    "no_open_section_47": _fact("s47_open", "section_47",
                                "this child already has an open section 47 enquiry", want=False),
    "no_open_requests": _fact(
        "open_requests", "requests", "answer the outstanding information requests, or have a "
        "manager close them with a reason", want=False),
    "authoriser_is_not_author": _authoriser_is_not_author,
    "lateness_reason_if_late": _lateness_reason_if_late,
    "assessment_open": _assessment_open,
    "category_given": _in("category", CATEGORIES_OF_ABUSE,
                          "choose the initial category of abuse (NEG, PHY, SAB, EMO or MUL)"),
    "closure_reason_given": _in("closure_reason", CIN_CLOSURE_CODES,
                                "choose a CIN reason for closure (RC1 to RC9)"),
    "allocation_given": _allocation_given,
    "open_case_given": _open_case_given,
    **CASEWORK_GUARDS,  # strategy discussions, s47, assessments, step down (issue 6)
}


def _payload_is(field: str, values: tuple[object, ...]) -> Selector:
    return lambda ctx: ctx.payload.get(field) in values


def _pending_is(values: tuple[str, ...]) -> Selector:
    return lambda ctx: (ctx.contact.pending_decision or {}).get("outcome") in values


SELECTORS: dict[str, Selector] = {
    **{f"rag_is_{r}": _payload_is("rag", (r,)) for r in ("red", "amber", "green")},
    "decision_is_override": _payload_is("is_override", (True,)),
    "outcome_is_no_further_action": _payload_is("outcome", NO_FURTHER_ACTION),
    "outcome_is_early_help": _payload_is("outcome", EARLY_HELP),
    "outcome_is_referral": _payload_is("outcome", ("referral_to_social_care",)),
    "outcome_is_strategy_discussion": _payload_is("outcome", ("strategy_discussion",)),
    "pending_outcome_is_no_further_action": _pending_is(NO_FURTHER_ACTION),
    "pending_outcome_is_early_help": _pending_is(EARLY_HELP),
    "child_was_seen": _payload_is("child_seen", (True,)),
    "child_not_seen": _payload_is("child_seen", (False,)),
    "assessment_outcome_is_cin_plan": _payload_is("assessment_outcome", ("cin_plan",)),
    "assessment_outcome_is_early_help": _payload_is("assessment_outcome", ("early_help",)),
    "assessment_outcome_is_no_further_action": _payload_is(
        "assessment_outcome", ("no_further_action",)),
    "plan_made": _payload_is("plan", (True,)),
    "no_plan_made": _payload_is("plan", (False,)),
    "plan_continues": _payload_is("plan_continues", (True,)),
    "plan_ends": _payload_is("plan_continues", (False,)),
    # A council counting the ICPC from the last strategy discussion (DOMAIN.md §3, issue 6).
    "icpc_anchor_is_last": lambda ctx: ctx.config.icpc_anchor == "last",
}

#: What to tell a person whose input matched none of a trigger's rows.
SELECTOR_HELP: dict[str, tuple[str, str]] = {
    "rate": ("rag", "choose red, amber or green"),
    "decide": ("outcome", "choose an outcome: no_further_action, advice_signposting, "
               "early_help, targeted_early_help, referral_to_social_care or strategy_discussion"),
    "sign_off": ("outcome", "the pending decision has no outcome that can be signed off"),
    "record_visit": ("child_seen", "say whether the child was seen (yes or no)"),
    "complete_assessment": ("assessment_outcome",
                            "choose cin_plan, early_help or no_further_action"),
    "hold_icpc": ("plan", "say whether the conference made a child protection plan"),
    "hold_review_conference": ("plan_continues", "say whether the plan continues"),
}


# -- MASH (issue 5): information requests and the daily meeting -----------------------
#: Why a request may be made: the lawful basis, or the consent position (DOMAIN.md §4:
#: since 2024 the DfE advises consent is usually not the basis for safeguarding sharing).
LAWFUL_BASES = {
    "public_task": "UK GDPR art. 6(1)(e) public task (Children Act 1989 s17/s47, "
                   "Children Act 2004 s10/s11)",
    "legal_obligation": "UK GDPR art. 6(1)(c) legal obligation",
    "vital_interests": "UK GDPR art. 6(1)(d) vital interests",
    "consent_given": "Consent given by the family",
    "consent_not_sought": "Consent not sought: seeking it would put the child at risk, "
                          "delay enquiries or prejudice a criminal investigation",
    "consent_refused_overridden": "Consent refused; shared without it to safeguard the child",
}
MASH_OUTCOMES = NO_FURTHER_ACTION + EARLY_HELP + ("referral_to_social_care",
                                                  "strategy_discussion")


def _known_agency(ctx: GuardContext) -> Failure:
    """The service passes the configured agency ids as ``_agencies`` (config, not code)."""
    known = tuple(ctx.payload.get("_agencies") or ())
    if ctx.payload.get("agency") in known:
        return None
    return "agency", f"choose an agency from the list ({', '.join(known) or 'none configured'})"


def _via_request_service(ctx: GuardContext) -> Failure:
    """Request rows and the contact's count change together (workflow/requests.py passes
    the count it made in the same transaction); the generic action route cannot."""
    if isinstance(ctx.payload.get("_open_requests"), int):
        return None
    return "action", ("information requests are sent, answered and closed from the contact's "
                      "requests panel or the /requests API, which keep them with the contact")


def _request_named(ctx: GuardContext) -> Failure:
    """Request actions name the stored request they act on (the request service sets it)."""
    if isinstance(ctx.payload.get("request_id"), int):
        return None
    return "request_id", "information requests are changed from the contact's requests list"


def _on_meeting_agenda(ctx: GuardContext) -> Failure:
    if isinstance(ctx.payload.get("agenda_item_id"), int):
        return None
    return "contact_id", "put the contact on the meeting's agenda before recording its decision"


def _every_agency_view(ctx: GuardContext) -> Failure:
    """Every agency that attended gives its view (a joint decision hears them all)."""
    attending = tuple(ctx.payload.get("attending_agencies") or ())
    if not attending:
        return "attendees", "record who attended the meeting, for which agency, first"
    views = ctx.payload.get("views") or {}
    missing = [a for a in attending if not str(views.get(a) or "").strip()]
    if missing:
        return "views", f"record the view of every agency that attended: {', '.join(missing)}"
    return None


GUARDS.update({
    "agency_known": _known_agency,
    "question_given": _needs_text("question", "write the question for the agency"),
    "lawful_basis_given": _in("lawful_basis", LAWFUL_BASES,
                              "record the lawful basis or consent position for sharing"),
    "authorised_by_given": _needs_text("authorised_by", "record who authorised the request"),
    "via_request_service": _via_request_service,
    "request_named": _request_named,
    "answer_given": _needs_text("answer", "write the agency's answer"),
    "outstanding_requests": _fact("open_requests", "requests",
                                  "there are no outstanding information requests to close"),
    "on_meeting_agenda": _on_meeting_agenda,
    "mash_outcome_given": _in("outcome", MASH_OUTCOMES,
                              "choose the outcome the meeting recommends"),
    "every_agency_view_given": _every_agency_view,
})
