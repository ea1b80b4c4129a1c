"""The contact page's panels in people's words: casework (strategy discussions, the section
47 enquiry, the assessment, step down, linked contacts) and the MASH (requests, meetings,
the joint recommendation, the intake alerts), formatted from ``reporting.contact_page``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app

from reporting.cin_codes import CLOSURE_REASONS
from reporting.contact_page import ContactPage
from web.views import NO_REASON_RECORDED, day, when
from web.words import govuk_date, label, person_name, team_name
from workflow.casework.config import STATUSES, CaseworkConfig
from workflow.casework.factors import FACTORS
from workflow.casework.family_help import TransferStatus
from workflow.casework.guards import STRATEGY_OUTCOMES
from workflow.casework.macpt import ASSISTING
from workflow.casework.records import StepDown
from workflow.contact import reference_for
from workflow.decision.outcomes import OUTCOMES
from workflow.mash.config import MashConfig

STATUS_TEXT = {"open": "Open", "answered": "Answered", "withdrawn": "Withdrawn"}
KINDS = {"s47": "Section 47 (child protection)", "s17": "Section 17 (child in need)"}


def casework_config() -> CaseworkConfig:
    """The grid and the required agencies the engine was started with."""
    config: CaseworkConfig = current_app.extensions["rules"].casework
    return config


def mash_config() -> MashConfig:
    """The MASH configuration the engine was started with."""
    config: MashConfig = current_app.extensions["rules"].mash
    return config


def grid_rows() -> list[dict[str, Any]]:
    """The agency grid for the strategy discussion form: id, name, and what is asked."""
    config = casework_config()
    return [{"id": a.id, "name": a.name,
             "need": "Required" if a.id in config.required
             else "Expected" if a.id in config.expected else ""} for a in config.agencies]


def _discussion(d: Any, config: CaseworkConfig) -> dict[str, Any]:
    return {"held": when(d.held_at), "chair": d.chair, "initiating": d.initiating,
            "outcome": STRATEGY_OUTCOMES.get(d.outcome, d.outcome), "rationale": d.rationale,
            "reasonable_cause": d.reasonable_cause, "absence_reason": d.absence_reason,
            "macpt": _team_name(d.macpt),
            "assistance": [(name.lower() if name != "Police" else "the police",
                            (d.assistance or {}).get(agency)) for agency, name in ASSISTING
                           if (d.assistance or {}).get(agency)],
            "grid": [{"agency": config.name(a), "status": STATUSES.get(s, s), "reason": r,
                      "contributed": s in ("attended", "written")} for a, s, r in d.grid]}


def _team_name(code: str | None) -> str:
    """A directory team's name (empty when no team is named)."""
    return team_name(code) if code else ""


def assessment_view(page: ContactPage) -> dict[str, Any] | None:
    """The latest assessment as its card and its page show it."""
    a = page.assessment
    if a is None:
        return None
    outcome = label(a.outcome) if a.outcome else ""
    return {"kind": KINDS.get(a.kind, a.kind), "status": a.status.value,
            "author": _person(a.author),
            "submitted": when(a.submitted_at), "summary": a.summary,
            "factors": [(c, FACTORS.get(c, c)) for c in a.factors],
            "authorised_by": _person(a.authorised_by), "authorised": when(a.authorised_at),
            "outcome": outcome, "started": when(a.started_at),
            "returned_reason": a.returned_reason, "lateness_reason": a.lateness_reason,
            "not_seen": a.authorised_not_seen,
            "not_seen_reason": a.not_seen_reason or NO_REASON_RECORDED}


def _icpc(page: ContactPage) -> dict[str, Any] | None:
    """The enquiry's conference target: the latest ICPC clock (a superseded one is history)."""
    clocks = [c for c in page.clocks if c.rule == "icpc"]
    if not clocks:
        return None
    clock = clocks[-1]
    return {"target": when(clock.due_at), "target_day": clock.due_at,
            "from": when(clock.started_at), "open": clock.stopped_at is None,
            "result": clock.result, "held": when(clock.stopped_at)}


def _lead_cp(page: ContactPage) -> dict[str, Any] | None:
    """The case's lead child protection practitioner, or when one is due to be appointed
    (the appointment clock, overdue or not)."""
    enquiry = page.enquiry
    if enquiry is None:
        return None
    clocks = [c for c in page.clocks if c.rule == "lead_cp_practitioner"]
    clock = clocks[-1] if clocks else None
    return {"name": _person(enquiry.lead_practitioner),
            "appointed": when(enquiry.lead_appointed_at) if enquiry.lead_appointed_at else "",
            "due": when(clock.due_at) if clock and clock.stopped_at is None else "",
            "overdue": bool(clock and clock.stopped_at is None
                            and clock.due_at < datetime.now(UTC))}


def _closure(page: ContactPage) -> dict[str, str] | None:
    """The CIN reason for closure once the case left social care (closed or early help)."""
    code = page.contact.closure_reason
    if not code or page.contact.stage not in ("closed", "early_help"):
        return None
    return {"code": code, "label": CLOSURE_REASONS.get(code, "")}


def _link(contact_id: int | None) -> dict[str, Any] | None:
    return None if contact_id is None else {"id": contact_id,
                                            "reference": reference_for(contact_id)}


def family_help_view(step: StepDown | None) -> dict[str, Any] | None:
    """A Family Help episode in words: where the family went, who holds it, what the
    service said, and the assessment, plan and reviews."""
    if step is None:
        return None
    config = current_app.extensions["rules"].engine.config.family_help
    service = config.get(step.service) if config else None
    status = TransferStatus(step.status)
    return {"service": step.team, "contact": service, "practitioner": _person(step.practitioner),
            "handover_on": day(step.handover_on), "consent": step.consent == "given",
            "by": _person(step.by), "status": status.value, "status_label": status.label,
            "answered": when(step.answered_at) if step.answered_at else "",
            "answered_by": _person(step.answered_by), "return_reason": step.return_reason,
            "assessed_on": day(step.assessed_on), "assessment": step.assessment_summary,
            "plan_agreed_on": day(step.plan_agreed_on), "outcomes": step.plan_outcomes,
            "reviews": step.reviews, "last_review_on": day(step.last_review_on),
            "next_review_on": day(step.next_review_on)}


def _person(username: str | None) -> str:
    """A person's name as the directory holds it (empty when nobody is named)."""
    return person_name(username) if username else ""


def casework_panel(page: ContactPage) -> dict[str, Any]:
    """Everything the casework panels show for one contact."""
    config = casework_config()
    step = page.step_down
    return {
        "discussions": [_discussion(d, config) for d in page.discussions],
        "s47_started": when(page.enquiry.started_at) if page.enquiry else "–",
        "lead_cp": _lead_cp(page),
        "icpc": _icpc(page), "assessment": assessment_view(page),
        "visits": [{"at": when(v.at), "seen": v.child_seen, "alone": v.seen_alone,
                    "by": _person(v.by)}
                   for v in page.visits],
        "handover": family_help_view(step),
        "stepped_up_from": family_help_view(page.stepped_up_from),
        "links": {"from": _link(page.contact.linked_contact_id),
                  "to": [_link(i) for i in page.stepped_up_to]},
        "referral_nfa": page.contact.referral_nfa, "closure": _closure(page),
    }


def _request(request: Any, is_overdue: bool) -> dict[str, Any]:
    bases = mash_config().lawful_bases
    return {"id": request.id, "agency": mash_config().agencies.name(request.agency),
            "question": request.question,
            "status": STATUS_TEXT.get(request.status.value, request.status.value),
            "open": request.is_open, "overdue": is_overdue,
            "requested": when(request.requested_at), "due": when(request.due_at),
            "answered": when(request.answered_at), "answer": request.answer,
            "answered_by": _person(request.answered_by),
            "lawful_basis": bases.label(request.lawful_basis),
            "sharing": request.sharing.label if request.sharing else "",
            "answer_basis": bases.label(request.answer_basis),
            "not_shared_reason": request.not_shared_reason,
            "decided_by": ", ".join(n for n in (request.decided_by_name,
                                                request.decided_by_role) if n),
            "authorised_by": request.authorised_by, "chases": request.chase_count,
            "closed_reason": request.closed_reason}


def _alerts(page: ContactPage) -> dict[str, Any]:
    case, earlier, c = page.open_case, page.re_referral, page.contact
    return {
        "open_case": None if case is None else {
            "contact_id": case.id, "reference": case.reference, "stage": case.stage,
            "team": case.team, "worker": case.worker},
        "re_referral": None if earlier is None else {
            "previous": earlier.reference,
            "referral_at": govuk_date(earlier.referral_at) if earlier.referral_at
            else "–"},
        "repeat": None if not c.repeat_contacts else {
            "count": c.repeat_contacts, "window_days": c.repeat_window_days,
            "previous": [reference_for(i) for i in page.repeats]},
    }


def mash_panel(page: ContactPage, offered: list[str], now: datetime) -> dict[str, Any]:
    """Requests, meetings, intake alerts and the meeting's recommendation for one contact."""
    requests = [_request(r, late) for r, late in page.requests]
    rec = page.recommendation
    return {
        "requests": requests, "overdue": sum(r["overdue"] for r in requests),
        "permitted": set(offered), "agencies": mash_config().agencies.all(),
        "meetings": page.meetings, "outcomes": OUTCOMES,
        "recommendation": None if rec is None else {
            "meeting_date": govuk_date(rec.meeting_date), "outcome": rec.outcome,
            "level": rec.level, "rationale": rec.rationale, "recorded_by": rec.decided_by},
    } | _alerts(page)
