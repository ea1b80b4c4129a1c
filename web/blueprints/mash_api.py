"""The MASH in the JSON API: the agency inbox and answers for partners, information
requests for the front door, known-child candidates, and agency performance.

Added to the API blueprint by ``web.blueprints.api._blueprint`` (one fresh blueprint per
app), so the routes share its prefix (/api/v1), its OpenAPI document and its error
format. Every view is classified with ``@allow``; a partner is granted only the inbox and
answering, exactly as on the pages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, g
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from reporting.mash import agency_performance, inbox, recent_months
from web.access import allow
from web.mash_views import AnswerIn, RequestIn, mash_config, mash_uow
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput
from workflow.intake.matching import match
from workflow.mash.requests import RequestForm, answer_request, request_information
from workflow.persistence.mash_repository import SqlChildHistory
from workflow.intake.records import ChildDetails
from workflow.roles import Role
from workflow.services import Actor

FRONT_DOOR = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)
OVERSIGHT = (Role.TEAM_MANAGER, Role.MASH_CHAIR)


class InboxItemOut(Schema):
    id = fields.Integer()
    question = fields.String()
    requested_at = fields.DateTime()
    due_at = fields.DateTime()
    overdue = fields.Boolean()
    status = fields.String()
    answer = fields.String()
    answered_at = fields.DateTime(allow_none=True)
    child = fields.String(metadata={"description": "The child's name (all that is shared)"})
    date_of_birth = fields.Date(allow_none=True)


class InboxOut(Schema):
    agency = fields.String()
    open = fields.List(fields.Nested(InboxItemOut))
    answered = fields.List(fields.Nested(InboxItemOut))


class MonthsArgs(Schema):
    months = fields.Integer(load_default=6, validate=validate.Range(1, 24))


class MatchArgs(Schema):
    first_name = fields.String(required=True, validate=validate.Length(1, 80))
    last_name = fields.String(required=True, validate=validate.Length(1, 80))
    date_of_birth = fields.Date(load_default=None)
    nhs_number = fields.String(load_default=None, validate=validate.Length(max=10))
    upn = fields.String(load_default=None, validate=validate.Length(max=13))


def _actor() -> Actor:
    return Actor(current_user.username, current_user.role)


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(error: FrontDoorError) -> None:
    errors = dict(error.errors) if isinstance(error, InvalidInput) else {}
    if isinstance(error, GuardFailed) and error.field:
        errors = {error.field: error.message}
    abort(error.status, message=error.message, errors=errors)


@allow(Role.PARTNER)
def agency_inbox() -> dict[str, Any]:
    """My agency's requests: open ones soonest due first (overdue flagged), recent answers."""
    agency = current_user.agency
    if not agency:
        abort(403, message="Your account is not bound to a partner agency.")
    return {"agency": agency} | inbox(g.db, agency, _now())


@allow(Role.PARTNER)
def answer(body: dict[str, Any], request_id: int) -> dict[str, Any]:
    """Answer a request addressed to my agency (403 for another agency's; nothing changes)."""
    try:
        answer_request(mash_uow(), current_app.extensions["rules"], mash_config(), request_id,
                       body["answer"], _actor(), current_user.agency, _now())
    except FrontDoorError as error:
        _refuse(error)
    return {"id": request_id, "status": "answered"}


@allow(*FRONT_DOOR)
def create_request(body: dict[str, Any], contact_id: int) -> tuple[dict[str, Any], int]:
    """Ask a partner agency a question about a contact in information gathering."""
    form = RequestForm(body["agency"], body["question"], body["lawful_basis"],
                       body["authorised_by"], body["lawful_basis_detail"])
    try:
        made = request_information(mash_uow(), current_app.extensions["rules"], mash_config(),
                                   contact_id, form, _actor(), body["version"], _now())
    except FrontDoorError as error:
        _refuse(error)
    return made, 201


@allow(*FRONT_DOOR)
def child_matches(args: dict[str, Any]) -> dict[str, Any]:
    """Known children who may be this child (link one with ``child_id`` when recording)."""
    child = ChildDetails(args["first_name"], args["last_name"], args["date_of_birth"],
                         nhs_number=args["nhs_number"], upn=args["upn"])
    found = match(child, SqlChildHistory(g.db).candidates(child, 200))
    return {"candidates": [{"child_id": c.child.id, "first_name": c.child.first_name,
                            "last_name": c.child.last_name,
                            "date_of_birth": _iso(c.child.date_of_birth), "score": c.score,
                            "reasons": list(c.reasons)} for c in found]}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


@allow(*OVERSIGHT)
def performance(args: dict[str, Any]) -> dict[str, Any]:
    """Per agency and month: sent, answered in time, median working hours, overdue now."""
    calendar = current_app.extensions["rules"].calendar
    now = _now()
    rows = agency_performance(g.db, calendar, now, recent_months(calendar, now,
                                                                 args["months"]))
    return {"rows": [vars(r) | {"in_time_percent": r.in_time_percent} for r in rows]}


def add_routes(blp: Blueprint) -> None:
    """Attach the MASH routes to the API blueprint of one app."""
    blp.route("/inbox", methods=["GET"], endpoint="mash_inbox")(
        blp.response(200, InboxOut)(agency_inbox))
    blp.route("/requests/<int:request_id>/answer", methods=["POST"], endpoint="mash_answer")(
        blp.arguments(AnswerIn(unknown=RAISE))(answer))
    blp.route("/contacts/<int:contact_id>/requests", methods=["POST"],
              endpoint="mash_create_request")(blp.arguments(RequestIn(unknown=RAISE))(create_request))
    blp.route("/children/matches", methods=["GET"], endpoint="mash_child_matches")(
        blp.arguments(MatchArgs, location="query")(child_matches))
    blp.route("/mash/agencies", methods=["GET"], endpoint="mash_agencies")(
        blp.arguments(MonthsArgs, location="query")(performance))
