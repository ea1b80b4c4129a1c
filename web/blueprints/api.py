"""The JSON API under /api/v1: every action the UI offers, with the same role rules.

marshmallow schemas (through flask-smorest) document each body in the OpenAPI document
at /api/v1/openapi.json and refuse bad bodies with 422 and per-field messages; domain
refusals map to 403/404/409/422 with a message that says what to fix. Session sign-in
is the credential, and a state-changing call must send the CSRF token (X-CSRFToken).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from flask_login import current_user
from flask_smorest import Api, Blueprint, abort
from marshmallow import Schema, fields, validate

from reporting.queries import QueueFilter, contact_detail, work_queue
from thresholds import ThresholdsError
from thresholds.decide import decision_payload
from web.access import allow, log_access
from web.blueprints import api_thresholds, assessments, mash_api
from web.forms import NewContactSchema, action_schema, parse_action
from web.mash_intake import intake_check
from web.mash_views import mash_uow
from web.views import LONDON
from workflow.contact import Contact
from workflow.errors import FrontDoorError, InvalidInput
from workflow.intake.records import ChildDetails
from workflow.roles import Role
from workflow.services import Actor, NewContact, fire, record_contact
from workflow.spec import triggers
from workflow.stages import Stage

CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
INTAKE = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)


class QueueArgs(Schema):
    stage = fields.String(validate=validate.OneOf([x.value for x in Stage]))
    rag = fields.String(validate=validate.OneOf(["red", "amber", "green"]))
    worker = fields.String()
    overdue = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class ClockOut(Schema):
    rule = fields.String()
    rule_version = fields.String()
    started_at = fields.DateTime()
    due_at = fields.DateTime()
    stopped_at = fields.DateTime(allow_none=True)
    result = fields.String(allow_none=True)


class EventOut(Schema):
    seq = fields.Integer()
    trigger = fields.String()
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String()
    actor = fields.String()
    role = fields.String()
    at = fields.DateTime()
    reason = fields.String()
    payload = fields.Dict()


class ContactOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    stage = fields.String()
    version = fields.Integer()
    rag = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    worker = fields.String(allow_none=True)
    received_at = fields.DateTime()
    clocks = fields.List(fields.Nested(ClockOut))
    events = fields.List(fields.Nested(EventOut))
    permitted_actions = fields.List(fields.String())


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(error: FrontDoorError) -> None:
    errors = error.errors if isinstance(error, InvalidInput) else {}
    field = getattr(error, "field", None)
    if field:
        errors = {field: error.message}
    abort(error.status, message=error.message, errors=errors)


def _contact_out(contact_id: int) -> dict[str, Any]:
    detail = contact_detail(g.db, contact_id)
    if detail is None:
        abort(404, message=f"There is no contact {contact_id}.")
        raise AssertionError  # abort raises; this tells the type checker
    row = detail["contact"]
    log_access(row.child_id, row.id)
    probe = Contact(received_at=row.received_at, source=row.source, _stage=Stage(row.stage))
    permitted = current_app.extensions["rules"].engine.permitted_triggers(probe,
                                                                          current_user.role)
    return {"id": row.id, "reference": f"FD{row.id:07d}", "stage": row.stage,
            "version": row.version, "rag": row.rag, "team": row.team, "worker": row.worker,
            "received_at": row.received_at, "clocks": detail["clocks"],
            "events": detail["events"], "permitted_actions": permitted}


@allow(*CASEWORKERS)
def list_contacts(args: dict[str, Any]) -> dict[str, Any]:
    """The work queue: open contacts soonest due first."""
    f = QueueFilter(stage=args.get("stage"), rag=args.get("rag"), worker=args.get("worker"),
                    overdue_only=args["overdue"], limit=args["limit"], offset=args["offset"])
    rows = work_queue(g.db, f, _now())
    return {"contacts": [r | {"received_at": r["received_at"].isoformat(),
                              "next_due": r["next_due"].isoformat() if r["next_due"] else None}
                         for r in rows]}


@allow(*INTAKE)
def create_contact(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Record a contact for one or more children (one contact each, siblings linked)."""
    kids: list[ChildDetails | int] = []
    for i, kid in enumerate(body["children"]):
        if isinstance(kid.get("child_id"), int) and not isinstance(kid["child_id"], bool):
            kids.append(kid["child_id"])  # MASH (issue 5): a known child (/children/matches)
            continue
        if not kid.get("first_name") or not kid.get("last_name"):
            abort(422, message="Each child needs a first and last name, or a child_id.",
                  errors={f"children.{i}": "give first_name and last_name, or child_id"})
        kids.append(ChildDetails(str(kid["first_name"])[:80], str(kid["last_name"])[:80]))
    intake = NewContact(body["received_at"], body["source"], kids, body["channel"],
                        body["referrer"], body["concerns"], body["consent"])
    try:
        made = record_contact(mash_uow(), current_app.extensions["rules"], intake,
                              Actor(current_user.username, current_user.role), _now(),
                              intake_check())
    except FrontDoorError as error:
        _refuse(error)
    return {"contacts": made}, 201


@allow(*CASEWORKERS)
def get_contact(contact_id: int) -> dict[str, Any]:
    """One contact: stage, version, every clock and event, and the actions you may take."""
    return _contact_out(contact_id)


def _fire(contact_id: int, trigger: str, body: dict[str, Any]) -> dict[str, Any]:
    version, payload = parse_action(trigger, body, strict=True)
    try:
        if trigger == "decide":
            payload = decision_payload(current_app.extensions["catalogues"],
                                       _now().astimezone(LONDON).date(), payload)
        fire(current_app.extensions["uow"](), current_app.extensions["rules"], contact_id,
             trigger, Actor(current_user.username, current_user.role), payload, version, _now())
    except ThresholdsError as error:
        field = getattr(error, "field", "indicators")
        abort(422, message=str(error), errors={field: getattr(error, "message", str(error))})
    except FrontDoorError as error:
        _refuse(error)
    g.db.rollback()  # end the read snapshot this request took before the write (SQLite WAL)
    return _contact_out(contact_id)


def _action_route(blp: Blueprint, trigger: str) -> None:
    def action(body: dict[str, Any], contact_id: int) -> dict[str, Any]:
        return _fire(contact_id, trigger, body)

    action.__doc__ = f"Fire '{trigger}' (send the version you read; 409 if it moved on)."
    view = blp.response(200, ContactOut)(allow(*CASEWORKERS)(action))
    view = blp.arguments(action_schema(trigger, True))(view)
    blp.route(f"/contacts/<int:contact_id>/actions/{trigger}", methods=["POST"],
              endpoint=f"action_{trigger}")(view)


def _blueprint() -> Blueprint:
    """A fresh blueprint per app (a Flask blueprint cannot gain routes once registered)."""
    blp = Blueprint("api", __name__, url_prefix="/api/v1", description="Front Door contacts")
    blp.route("/contacts", methods=["GET"], endpoint="list_contacts")(
        blp.arguments(QueueArgs, location="query")(list_contacts))
    blp.route("/contacts", methods=["POST"], endpoint="create_contact")(
        blp.arguments(NewContactSchema)(create_contact))
    blp.route("/contacts/<int:contact_id>", methods=["GET"], endpoint="get_contact")(
        blp.response(200, ContactOut)(get_contact))
    for trigger in triggers():
        _action_route(blp, trigger)
    mash_api.add_routes(blp)  # MASH (issue 5): inbox, answers, requests, agencies
    assessments.add_routes(blp)  # casework (issue 6): the authorisation queue
    return blp


def register(app: Flask) -> None:
    """Attach the API and its OpenAPI document to the app."""
    api = Api(app)
    api.register_blueprint(_blueprint())
    api.register_blueprint(api_thresholds.blueprint())  # levels of need (issue 4)
