"""The MASH in the JSON API: the agency inbox and answers for partners, known-child
candidates, and agency performance.

Every view is classified with ``@allow``; a partner is granted only the inbox and
answering, exactly as on the pages. An answer is the ``answer_request`` action, found by
its request (``/requests/<id>/answer`` is kept as the short form integrators use).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, g
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from reporting.intake import known_child_candidates
from reporting.mash import agency_performance, inbox, recent_months
from web.access import allow, log_children_shown
from web.api.contacts import refuse
from workflow.engine.payload import LocalDate
from workflow.errors import FrontDoorError
from workflow.people.records import PersonDetails
from workflow.roles import Role
from workflow.services import Act, handle

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


class AnswerIn(Schema):
    class Meta:
        unknown = RAISE

    answer = fields.String(load_default="", validate=validate.Length(max=10000))


class MonthsArgs(Schema):
    months = fields.Integer(load_default=6, validate=validate.Range(1, 24))


class MatchIn(Schema):
    """Who to look for: sent in the body, so no name or date of birth is ever in a URL."""

    class Meta:
        unknown = RAISE

    first_name = fields.String(required=True, validate=validate.Length(1, 80))
    last_name = fields.String(required=True, validate=validate.Length(1, 80))
    date_of_birth = LocalDate(load_default=None)
    nhs_number = fields.String(load_default=None, validate=validate.Length(max=10))
    upn = fields.String(load_default=None, validate=validate.Length(max=13))


def _now() -> datetime:
    return datetime.now(UTC)


@allow(Role.PARTNER)
def agency_inbox() -> dict[str, Any]:
    """My agency's requests: open ones soonest due first (overdue flagged), recent answers."""
    agency = current_user.agency
    if not agency:
        abort(403, message="Your account is not bound to a partner agency.")
    rows = inbox(g.db, agency, _now())
    log_children_shown([r["child_id"] for r in rows["open"] + rows["answered"]
                        if r.get("child_id")])
    return {"agency": agency} | rows


@allow(Role.PARTNER)
def answer(body: dict[str, Any], request_id: int) -> dict[str, Any]:
    """Answer a request addressed to my agency (403 for another agency's; nothing changes)."""
    rules = current_app.extensions["rules"]
    answering = rules.engine.action("answer_request")
    try:
        handle(current_app.extensions["uow"](), rules,
               Act(answering.name, None, current_user.actor, _now(),
                   {"request_id": request_id, "answer": body["answer"]}))
    except FrontDoorError as error:
        refuse(error)
    return {"id": request_id, "status": "answered"}


@allow(*FRONT_DOOR)
def child_matches(body: dict[str, Any]) -> dict[str, Any]:
    """Known children who may be this child (link one with ``child_id`` when recording)."""
    child = PersonDetails(body["first_name"], body["last_name"],
                          date_of_birth=body["date_of_birth"], nhs_number=body["nhs_number"],
                          upn=body["upn"])
    found = known_child_candidates(g.db, child)
    log_children_shown([c.child.id for c in found])
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
        blp.arguments(AnswerIn)(answer))
    blp.route("/children/matches", methods=["POST"], endpoint="mash_child_matches")(
        blp.arguments(MatchIn)(child_matches))
    blp.route("/mash/agencies", methods=["GET"], endpoint="mash_agencies")(
        blp.arguments(MonthsArgs, location="query")(performance))
