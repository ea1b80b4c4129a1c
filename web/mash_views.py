"""MASH view models and input schemas, shared by the MASH pages, the contact page and the API.

Kept apart from the blueprints so the contact page (``web.blueprints.contacts``) can show
the MASH panel — requests, meetings, alerts, the meeting's recommendation beside the
decision form — with one call, and the pages and the API parse input the same way.
Whether a field is *required* stays the engine's business (its guards name the field);
these schemas check type, length and shape, as ``web.forms`` does for the other actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy.orm import Session

from reporting.mash import meetings_for_contact, requests_for_contact
from web.views import when
from workflow.guards import LAWFUL_BASES, MASH_OUTCOMES
from workflow.mash.config import MashConfig

#: Engine triggers the MASH panel and pages drive with their own forms: never offered as
#: generic actions on the contact page (they need a request row or a meeting with them).
PANEL_TRIGGERS = frozenset({"request_information", "answer_request", "chase_request",
                            "withdraw_request", "close_outstanding_requests",
                            "record_mash_discussion"})
STATUS_TEXT = {"open": "Open", "answered": "Answered", "withdrawn": "Withdrawn"}
OUTCOME_TEXT = {"no_further_action": "No further action",
                "advice_signposting": "Advice and signposting", "early_help": "Early help",
                "targeted_early_help": "Targeted early help",
                "referral_to_social_care": "Referral to social care (assessment)",
                "strategy_discussion": "Strategy discussion (significant harm suspected)"}
assert set(OUTCOME_TEXT) == set(MASH_OUTCOMES)

_TEXT = validate.Length(max=5000)


def mash_config() -> MashConfig:
    """The MASH configuration loaded at start-up."""
    config: MashConfig = current_app.extensions["mash"]
    return config


def mash_uow() -> Any:
    """A new MASH unit of work (the engine's, with requests, meetings and child history)."""
    return current_app.extensions["mash_uow"]()


# -- schemas --------------------------------------------------------------------------
class RequestIn(Schema):
    """Ask an agency: the question, the lawful basis, who authorised it."""

    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(required=True, strict=False)
    agency = fields.String(load_default="", validate=validate.Length(max=40))
    question = fields.String(load_default="", validate=_TEXT)
    lawful_basis = fields.String(load_default="", validate=validate.Length(max=40))
    lawful_basis_detail = fields.String(load_default="", validate=_TEXT)
    authorised_by = fields.String(load_default="", validate=validate.Length(max=120))


class AnswerIn(Schema):
    """A partner's answer."""

    class Meta:
        unknown = EXCLUDE

    answer = fields.String(load_default="", validate=validate.Length(max=10000))


class ReasonIn(Schema):
    """A reason for chasing, withdrawing or closing (with the contact version read)."""

    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(required=True, strict=False)
    reason = fields.String(load_default="", validate=_TEXT)


# -- the contact page's MASH panel ---------------------------------------------------
def request_view(row: Any, is_overdue: bool) -> dict[str, Any]:
    """One request as the contact page and the inbox show it."""
    return {"id": row.id, "agency": mash_config().agencies.name(row.agency),
            "question": row.question, "status": STATUS_TEXT.get(row.status, row.status),
            "open": row.status == "open", "overdue": is_overdue,
            "requested": when(row.requested_at), "due": when(row.due_at),
            "answered": when(row.answered_at), "answer": row.answer,
            "answered_by": row.answered_by, "lawful_basis": LAWFUL_BASES.get(
                row.lawful_basis, row.lawful_basis), "authorised_by": row.authorised_by,
            "chases": row.chase_count, "closed_reason": row.closed_reason}


def contact_panel(db: Session, row: Any, permitted: list[str], now: datetime
                  ) -> dict[str, Any]:
    """Requests, meetings, intake alerts and the meeting's recommendation for one contact."""
    facts: Mapping[str, Any] = row.facts or {}
    requests = [request_view(r["row"], r["overdue"])
                for r in requests_for_contact(db, row.id, now)]
    return {
        "requests": requests, "overdue": sum(r["overdue"] for r in requests),
        "permitted": set(permitted) & PANEL_TRIGGERS,
        "agencies": mash_config().agencies.all(), "lawful_bases": LAWFUL_BASES,
        "meetings": meetings_for_contact(db, row.id), "outcomes": OUTCOME_TEXT,
        "recommendation": facts.get("mash_recommendation"),
        "re_referral": facts.get("re_referral"), "repeat": facts.get("repeat_contacts"),
        "open_case": facts.get("open_case_found"),
    }
