"""Assessment pages: one assessment (visits, factors, clocks, its actions) and the team
managers' authorisation queue; the same two in the JSON API.

Handlers only read (through ``reporting``) and render; every change goes through the
contact's generic action route (``/contacts/<id>/actions/<trigger>``) and so through
``services.fire``, the engine's guards and the casework rows, exactly as on the contact
page and the API's one-route-per-trigger.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, abort, current_app, g, render_template
from flask_login import current_user
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest import abort as api_abort
from marshmallow import Schema, fields

from reporting.assessments import assessments_for_contact, awaiting_authorisation
from reporting.queries import contact_detail
from reporting.strategy import discussions_for_contact
from web.access import allow, log_access
from web.casework_views import ASSESSMENT_TRIGGERS, casework_panel, grid_rows
from web.forms import ACTION_FIELDS
from web.views import clock_view, when
from workflow.contact import Contact
from workflow.roles import Role
from workflow.spec import TABLE
from workflow.stages import STAGES, Stage

bp = Blueprint("assessments", __name__)
CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
ASSESSMENT_CLOCKS = ("assessment", "assessment_dfe", "child_seen_s17", "child_seen_s47")


def _now() -> datetime:
    return datetime.now(UTC)


def _label(trigger: str) -> str:
    return next(r.label for r in TABLE if r.trigger == trigger)


def _queue_rows(now: datetime) -> list[dict[str, Any]]:
    return [{"contact_id": w.contact_id, "reference": w.reference, "child": w.child,
             "kind": w.kind, "author": w.author, "submitted": when(w.submitted_at),
             "due": when(w.due_at), "late": w.late(now), "team": w.team,
             "factors": ", ".join(w.factors), "own": w.author == current_user.username}
            for w in awaiting_authorisation(g.db)]


@bp.get("/assessments/authorise")
@allow(Role.TEAM_MANAGER)
def authorise_queue() -> str:
    """Assessments submitted by their authors and waiting for a manager, soonest due first."""
    now = _now()
    return render_template("assessments/authorise.html", title="Authorise assessments",
                           rows=_queue_rows(now), errors={})


def _permitted(row: Any) -> list[str]:
    probe = Contact(received_at=row.received_at, source=row.source, id=row.id,
                    _stage=Stage(row.stage))
    engine = current_app.extensions["rules"].engine
    return [t for t in engine.permitted_triggers(probe, current_user.role)
            if t in ASSESSMENT_TRIGGERS]


@bp.get("/contacts/<int:contact_id>/assessment")
@allow(*CASEWORKERS)
def assessment(contact_id: int) -> str:
    """One contact's assessment: status, factors, visits, its clocks and what can be done."""
    detail = contact_detail(g.db, contact_id)
    if detail is None:
        abort(404, f"There is no contact {contact_id}.")
    row, now = detail["contact"], _now()
    log_access(row.child_id, row.id)
    rules = current_app.extensions["rules"]
    clocks = [clock_view(k, rules, now) for k in detail["clocks"]
              if k.rule in ASSESSMENT_CLOCKS]
    actions = [(t, _label(t), ACTION_FIELDS.get(t, ())) for t in _permitted(row)]
    return render_template(
        "assessments/assessment.html", title=f"Assessment FD{contact_id:07d}", c=row,
        child=detail["child"], stage=STAGES[Stage(row.stage)], clocks=clocks,
        casework=casework_panel(g.db, row, now), actions=actions, typed={}, errors={},
        open_action=None)


# -- JSON API --------------------------------------------------------------------------------
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
    now = _now()
    return {"assessments": [
        {"contact_id": w.contact_id, "reference": w.reference, "child": w.child,
         "kind": w.kind, "author": w.author, "submitted_at": w.submitted_at,
         "due_at": w.due_at, "late": w.late(now), "factors": list(w.factors)}
        for w in awaiting_authorisation(g.db)]}


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
    detail = contact_detail(g.db, contact_id)
    if detail is None:
        api_abort(404, message=f"There is no contact {contact_id}.")
        raise AssertionError  # api_abort raises; this tells the type checker
    log_access(detail["contact"].child_id, contact_id)
    return {"contact_id": contact_id,
            "strategy_discussions": [_discussion_out(d)
                                     for d in discussions_for_contact(g.db, contact_id)],
            "assessments": assessments_for_contact(g.db, contact_id)}


def add_routes(blp: ApiBlueprint) -> None:
    """Attach the casework API routes to the API blueprint (/api/v1)."""
    blp.route("/assessments/awaiting-authorisation", methods=["GET"],
              endpoint="assessments_awaiting_authorisation")(
        blp.response(200, QueueOut)(api_authorise_queue))
    blp.route("/contacts/<int:contact_id>/casework", methods=["GET"],
              endpoint="contact_casework")(blp.response(200, CaseworkOut)(api_casework))


def register(app: Flask) -> None:
    """The pages, and the agency grid the action forms draw (a Jinja global)."""
    app.register_blueprint(bp)
    app.jinja_env.globals["strategy_grid"] = grid_rows
