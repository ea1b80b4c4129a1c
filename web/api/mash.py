"""The MASH in the JSON API: the agency inbox and answers for partners, known-child
candidates, the daily meetings (attendees, agenda, each agency's views and the joint
recommendation, as the meeting pages show them), and agency performance.

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

from reporting.mash import agency_performance, inbox, meeting_detail, meetings, recent_months
from web.access import allow, log_children_shown
from web.api.contacts import refuse
from web.api.people import candidates
from web.api.person_schemas import CandidateOut
from workflow.contact import reference_for
from workflow.decision.outcomes import OUTCOMES
from workflow.engine.payload import LocalDate, body_fields
from workflow.engine.registry import actions
from workflow.errors import FrontDoorError
from workflow.people.records import PersonDetails
from workflow.roles import Role
from workflow.services import Act, handle

FRONT_DOOR = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)
#: Who may read the meetings: the front door, as on the meeting pages.
MEETING_READERS = FRONT_DOOR
OVERSIGHT = (Role.TEAM_MANAGER, Role.MASH_CHAIR)


class InboxItemOut(Schema):
    id = fields.Integer()
    question = fields.String()
    requested_at = fields.DateTime()
    due_at = fields.DateTime()
    overdue = fields.Boolean()
    status = fields.String()
    answer = fields.String()
    sharing = fields.String(allow_none=True, metadata={
        "description": "shared, shared_in_part or not_shared (null while open)"})
    answered_at = fields.DateTime(allow_none=True)
    child = fields.String(metadata={"description": "The child's name (all that is shared)"})
    date_of_birth = fields.Date(allow_none=True)


class InboxOut(Schema):
    agency = fields.String()
    open = fields.List(fields.Nested(InboxItemOut))
    answered = fields.List(fields.Nested(InboxItemOut))


def answer_in() -> type[Schema]:
    """The short form's body: the answer action's own payload, less the request in the path
    (whether shared, the basis, and what was kept back, why and who decided)."""
    answering = actions()["answer_request"]
    declared = {k: v for k, v in body_fields(answering.payload).items()
                if k != answering.locate}
    return Schema.from_dict(declared, name="AnswerIn")


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
                   body | {answering.locate: request_id}))
    except FrontDoorError as error:
        refuse(error)
    return {"id": request_id, "status": "answered"}


@allow(*FRONT_DOOR)
def child_matches(body: dict[str, Any]) -> dict[str, Any]:
    """Known children who may be this child (link one with ``person_id`` when recording)."""
    child = PersonDetails(body["first_name"], body["last_name"],
                          date_of_birth=body["date_of_birth"], nhs_number=body["nhs_number"],
                          upn=body["upn"])
    return {"candidates": [c | {"child_id": c["person_id"],
                                "date_of_birth": _iso(c["date_of_birth"])}
                           for c in candidates(child)]}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


# -- meetings -----------------------------------------------------------------------
class MeetingLineOut(Schema):
    id = fields.Integer()
    held_on = fields.Date()
    chair = fields.String(allow_none=True)
    attendees = fields.Integer(metadata={"description": "How many attended"})
    agenda = fields.Integer(metadata={"description": "How many contacts were on the agenda"})
    decided = fields.Integer(metadata={"description": "How many have a joint decision"})


class MeetingsOut(Schema):
    meetings = fields.List(fields.Nested(MeetingLineOut))


class AttendeeOut(Schema):
    agency = fields.String()
    agency_name = fields.String()
    name = fields.String()
    position = fields.String()


class AgendaItemOut(Schema):
    contact_id = fields.Integer()
    reference = fields.String()
    child_id = fields.Integer(allow_none=True)
    child = fields.String()
    stage = fields.String()
    rag = fields.String(allow_none=True)
    version = fields.Integer()
    views = fields.Dict(keys=fields.String(), values=fields.String(),
                        metadata={"description": "Each agency's view (agency id → text)"})
    outcome = fields.String(allow_none=True, metadata={"description": "Recommended outcome"})
    outcome_label = fields.String(allow_none=True)
    level = fields.Integer(allow_none=True)
    rationale = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)


class MeetingOut(Schema):
    id = fields.Integer()
    held_on = fields.Date()
    chair = fields.String(allow_none=True)
    attendees = fields.List(fields.Nested(AttendeeOut))
    agenda = fields.List(fields.Nested(AgendaItemOut))


@allow(*MEETING_READERS)
def list_meetings() -> dict[str, Any]:
    """The daily MASH meetings, newest first, with how many attended and were decided."""
    return {"meetings": meetings(g.db)}


@allow(*MEETING_READERS)
def read_meeting(meeting_id: int) -> dict[str, Any]:
    """One meeting: who attended for which agency, and each contact on the agenda with the
    agencies' views and the joint recommendation."""
    detail = meeting_detail(g.db, meeting_id)
    if detail is None:
        abort(404, message=f"There is no MASH meeting {meeting_id}.")
        raise AssertionError  # abort raises; this tells the type checker
    agenda = [_item(i) for i in detail["agenda"]]
    log_children_shown([i["child_id"] for i in agenda if i["child_id"]])
    agencies = current_app.extensions["rules"].mash.agencies
    return detail["meeting"] | {
        "attendees": [a | {"agency_name": agencies.name(a["agency"])}
                      for a in detail["attendees"]], "agenda": agenda}


def _item(row: dict[str, Any]) -> dict[str, Any]:
    name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
    return row | {"reference": reference_for(row["contact_id"]), "child": name,
                  "views": row.get("views") or {},
                  "outcome_label": OUTCOMES.get(row["outcome"]) if row.get("outcome") else None}


class MatchOut(CandidateOut):
    child_id = fields.Integer(metadata={"description": "The same as person_id (the name "
                                                      "this route first gave it)"})


class MatchesOut(Schema):
    """What the known-child check found (documented; the view dumps the candidates)."""

    candidates = fields.List(fields.Nested(MatchOut))


class AgenciesOut(Schema):
    """One row per agency and month (documented; the view builds the rows)."""

    rows = fields.List(fields.Dict(), metadata={
        "description": "agency, month, sent, answered in time, median hours, overdue"})


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
        blp.arguments(answer_in())(answer))
    blp.route("/children/matches", methods=["POST"], endpoint="mash_child_matches")(
        blp.arguments(MatchIn)(blp.alt_response(200, schema=MatchesOut, success=True)(
            child_matches)))
    blp.route("/mash/meetings", methods=["GET"], endpoint="mash_meetings")(
        blp.response(200, MeetingsOut)(list_meetings))
    blp.route("/mash/meetings/<int:meeting_id>", methods=["GET"], endpoint="mash_meeting")(
        blp.response(200, MeetingOut)(read_meeting))
    blp.route("/mash/agencies", methods=["GET"], endpoint="mash_agencies")(
        blp.arguments(MonthsArgs, location="query")(
            blp.alt_response(200, schema=AgenciesOut, success=True)(performance)))
