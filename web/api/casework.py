"""Casework in the JSON API: the managers' authorisation queue, and one contact's strategy
discussions (with the agency grid) and assessments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import g
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest import abort as api_abort
from marshmallow import Schema, fields

from reporting.contact_page import contact_page
from web.access import allow, log_access
from web.casework.assessments import queue_rows
from workflow.contact import reference_for
from workflow.roles import Role

CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)


def _now() -> datetime:
    return datetime.now(UTC)


class WaitingOut(Schema):
    contact_id = fields.Integer()
    reference = fields.String()
    child = fields.String()
    kind = fields.String(metadata={"description": "s17 or s47"})
    author = fields.String()
    submitted_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    late = fields.Boolean()
    factors = fields.List(fields.String())


class QueueOut(Schema):
    assessments = fields.List(fields.Nested(WaitingOut))


@allow(Role.TEAM_MANAGER)
def api_authorise_queue() -> dict[str, Any]:
    """Submitted assessments awaiting a manager's authorisation, soonest due first."""
    return {"assessments": queue_rows(_now())}


class ParticipationOut(Schema):
    agency = fields.String()
    status = fields.String(metadata={"description": "attended, written, "
                                     "invited_no_contribution or not_invited"})
    reason = fields.String()


class DiscussionOut(Schema):
    held_at = fields.DateTime()
    chair = fields.String()
    outcome = fields.String(metadata={"description": "section_47, continue_s17 or "
                                      "no_further_action"})
    initiating = fields.Boolean(metadata={"description": "started the section 47 enquiry"})
    rationale = fields.String()
    reasonable_cause = fields.String()
    absence_reason = fields.String()
    participation = fields.List(fields.Nested(ParticipationOut))


class AssessmentOut(Schema):
    kind = fields.String()
    status = fields.String(metadata={"description": "open, submitted, authorised or closed"})
    started_at = fields.DateTime()
    author = fields.String(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    factors = fields.List(fields.String())
    authorised_by = fields.String(allow_none=True)
    authorised_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    authorised_not_seen = fields.Boolean(metadata={
        "description": "Authorised with the child not seen (never seen during the "
                       "assessment, or its child-seen timescale not met)"})
    not_seen_reason = fields.String(metadata={
        "description": "The authorising manager's reason, when authorised_not_seen"})


class CaseworkOut(Schema):
    contact_id = fields.Integer()
    strategy_discussions = fields.List(fields.Nested(DiscussionOut))
    assessments = fields.List(fields.Nested(AssessmentOut))


def _discussion_out(d: Any) -> dict[str, Any]:
    return {"held_at": d.held_at, "chair": d.chair, "outcome": d.outcome,
            "initiating": d.initiating, "rationale": d.rationale,
            "reasonable_cause": d.reasonable_cause, "absence_reason": d.absence_reason,
            "participation": [{"agency": a, "status": s, "reason": r} for a, s, r in d.grid]}


@allow(*CASEWORKERS)
def api_casework(contact_id: int) -> dict[str, Any]:
    """A contact's strategy discussions (with the agency grid) and its assessments."""
    page = contact_page(g.db, contact_id, _now())
    if page is None:
        api_abort(404, message=f"There is no contact {reference_for(contact_id)}.")
        raise AssertionError  # api_abort raises; this tells the type checker
    log_access(page.contact.child_id, contact_id)
    return {"contact_id": contact_id,
            "strategy_discussions": [_discussion_out(d) for d in page.discussions],
            "assessments": [vars(a) | {"status": a.status.value} for a in page.assessments]}


def add_routes(blp: ApiBlueprint) -> None:
    """Attach the casework API routes to the API blueprint (/api/v1)."""
    blp.route("/assessments/awaiting-authorisation", methods=["GET"],
              endpoint="assessments_awaiting_authorisation")(
        blp.response(200, QueueOut)(api_authorise_queue))
    blp.route("/contacts/<int:contact_id>/casework", methods=["GET"],
              endpoint="contact_casework")(blp.response(200, CaseworkOut)(api_casework))
