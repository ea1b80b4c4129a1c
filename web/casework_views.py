"""View models for casework: the contact page's strategy, section 47, assessment and
step-up panels, and the assessment page.

Why apart from ``web.views``: the panels read the casework rows (discussions, their grid,
assessments) and a few facts, and are shown on two pages; keeping them here keeps the
contact blueprint a translator of requests (Cosmic Python's entrypoint habit).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.assessments import assessments_for_contact, visits
from reporting.cin_codes import CLOSURE_REASONS
from reporting.strategy import discussions_for_contact
from web.views import when
from workflow.casework.config import STATUSES, CaseworkConfig
from workflow.casework.factors import FACTORS
from workflow.casework.guards import STRATEGY_OUTCOMES
from workflow.contact import reference_for
from workflow.persistence.tables import ClockRow, ContactRow

#: Triggers the assessment page offers (with the forms of the contact page).
ASSESSMENT_TRIGGERS = ("record_visit", "submit_assessment", "return_assessment",
                       "complete_assessment")


def casework_config() -> CaseworkConfig:
    """The grid and the required agencies the engine was started with."""
    config: CaseworkConfig = current_app.extensions["rules"].engine.casework
    return config


def grid_rows() -> list[dict[str, Any]]:
    """The agency grid for the strategy discussion form: id, name, and what is asked."""
    config = casework_config()
    return [{"id": a.id, "name": a.name,
             "need": "Required" if a.id in config.required
             else "Expected" if a.id in config.expected else ""} for a in config.agencies]


def _icpc(session: Session, contact_id: int) -> dict[str, Any] | None:
    """The enquiry's conference target: the latest ICPC clock (a superseded one is history)."""
    clock = session.scalars(select(ClockRow).where(
        ClockRow.contact_id == contact_id, ClockRow.rule == "icpc")
        .order_by(ClockRow.started_at.desc(), ClockRow.id.desc()).limit(1)).first()
    if clock is None:
        return None
    return {"target": when(clock.due_at), "target_day": clock.due_at, "from": when(
        clock.started_at), "open": clock.stopped_at is None,
        "result": clock.result, "held": when(clock.stopped_at)}


def _discussion_view(d: Any, config: CaseworkConfig) -> dict[str, Any]:
    return {"held": when(d.held_at), "chair": d.chair, "initiating": d.initiating,
            "outcome": STRATEGY_OUTCOMES.get(d.outcome, d.outcome), "rationale": d.rationale,
            "reasonable_cause": d.reasonable_cause, "absence_reason": d.absence_reason,
            "grid": [{"agency": config.name(a), "status": STATUSES.get(s, s), "reason": r,
                      "contributed": s in ("attended", "written")} for a, s, r in d.grid]}


def _assessment_view(row: Any) -> dict[str, Any]:
    return {"kind": "Section 47 (child protection)" if row.kind == "s47" else
            "Section 17 (child in need)", "status": row.status, "author": row.author,
            "submitted": when(row.submitted_at), "summary": row.summary,
            "factors": [(c, FACTORS.get(c, c)) for c in row.factors or ()],
            "authorised_by": row.authorised_by, "authorised": when(row.authorised_at),
            "outcome": (row.outcome or "").replace("_", " "), "started": when(row.started_at),
            "returned_reason": row.returned_reason, "lateness_reason": row.lateness_reason}


def _links(session: Session, row: ContactRow) -> dict[str, Any]:
    """Step up: the new contact this one became, and the early-help one it came from."""
    facts = row.facts or {}
    up_to = facts.get("stepped_up_to")
    later = session.scalars(select(ContactRow.id).where(
        ContactRow.linked_contact_id == row.id)).all()
    targets = sorted({*later, *([int(up_to)] if up_to else [])})
    return {"from": _link(row.linked_contact_id), "to": [_link(i) for i in targets]}


def _link(contact_id: int | None) -> dict[str, Any] | None:
    return None if contact_id is None else {"id": contact_id,
                                            "reference": reference_for(contact_id)}


def casework_panel(session: Session, row: ContactRow, now: datetime) -> dict[str, Any]:
    """Everything the casework panels show for one contact."""
    config = casework_config()
    facts = row.facts or {}
    assessments = assessments_for_contact(session, row.id)
    return {
        "discussions": [_discussion_view(d, config)
                        for d in discussions_for_contact(session, row.id)],
        "s47_started": _fact_when(facts.get("s47_started_at")),
        "icpc": _icpc(session, row.id),
        "assessment": _assessment_view(assessments[-1]) if assessments else None,
        "visits": [{"at": _fact_when(v.at), "seen": v.child_seen, "alone": v.seen_alone,
                    "by": v.by} for v in visits(session, row.id)],
        "step_down": facts.get("step_down"), "links": _links(session, row),
        "referral_nfa": bool(facts.get("referral_nfa")),
        "closure": _closure(row),
    }


def _closure(row: ContactRow) -> dict[str, str] | None:
    """The CIN reason for closure once the case left social care (closed or early help)."""
    code = (row.facts or {}).get("closure_reason")
    if not code or row.stage not in ("closed", "early_help"):
        return None
    return {"code": str(code), "label": CLOSURE_REASONS.get(str(code), "")}


def _fact_when(value: Any) -> str:
    """A stored ISO date-time (or date) shown in London time."""
    if not value:
        return "–"
    moment = datetime.fromisoformat(str(value))
    return when(moment) if moment.tzinfo else moment.strftime("%a %d %b %Y")
