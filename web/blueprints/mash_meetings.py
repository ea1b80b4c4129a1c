"""The daily MASH meeting pages: list by date, open, attendees, agenda, joint decisions.

A chair runs the meeting; every front-door role may read it. Each decision is recorded
through ``workflow.mash.meetings.record_decision``, which refuses a contact that is not on the
meeting's agenda and writes nothing; a refusal re-shows the meeting with what was typed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from werkzeug.wrappers import Response

from reporting.mash import meeting_detail, meetings
from web.access import allow
from web.forms import flat_errors
from web.mash_views import OUTCOME_TEXT, mash_config, mash_uow
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput
from workflow.mash.meetings import (
    JointDecision,
    add_attendee,
    add_to_agenda,
    open_meeting,
    record_decision,
)
from workflow.roles import Role
from workflow.services import Actor

bp = Blueprint("mash_meetings", __name__, url_prefix="/mash/meetings")
LONDON = ZoneInfo("Europe/London")
READERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)


class OpenIn(Schema):
    class Meta:
        unknown = EXCLUDE

    held_on = fields.Date(required=True, error_messages={"required": "Give the date"})


class AttendeeIn(Schema):
    class Meta:
        unknown = EXCLUDE

    agency = fields.String(load_default="", validate=validate.Length(max=40))
    name = fields.String(load_default="", validate=validate.Length(max=120))
    position = fields.String(load_default="", validate=validate.Length(max=120))


class AgendaIn(Schema):
    class Meta:
        unknown = EXCLUDE

    contact_id = fields.Integer(required=True, strict=False,
                                error_messages={"required": "Choose a contact"})


class DecisionIn(Schema):
    class Meta:
        unknown = EXCLUDE

    contact_id = fields.Integer(required=True, strict=False)
    outcome = fields.String(load_default="", validate=validate.Length(max=40))
    rationale = fields.String(load_default="", validate=validate.Length(max=5000))
    level = fields.Integer(load_default=None, allow_none=True, strict=False,
                           validate=validate.Range(1, 4, error="Choose a level from 1 to 4"))


def _actor() -> Actor:
    return Actor(current_user.username, current_user.role)


def _now() -> datetime:
    return datetime.now(UTC)


@bp.get("")
@allow(*READERS)
def index() -> str:
    """Meetings by date, newest first; a chair can open today's."""
    today = _now().astimezone(LONDON).date()
    return render_template("mash/meetings.html", title="MASH meetings", rows=meetings(g.db),
                           today=today, errors={})


@bp.post("")
@allow(Role.MASH_CHAIR)
def open_day() -> Response | tuple[str, int]:
    """Open the meeting for a date (one per date)."""
    try:
        day = OpenIn().load(request.form)["held_on"]
        meeting_id = open_meeting(mash_uow(), day, _actor(), _now())
    except (ValidationError, FrontDoorError) as error:
        today = _now().astimezone(LONDON).date()
        return render_template("mash/meetings.html", title="MASH meetings",
                               rows=meetings(g.db), today=today,
                               errors=_errors(error, "held_on")), 422
    flash(f"The MASH meeting of {day:%d/%m/%Y} is open.", "success")
    return redirect(f"/mash/meetings/{meeting_id}")


def _errors(error: Exception, field: str) -> dict[str, str]:
    if isinstance(error, ValidationError):
        return flat_errors(error)
    if isinstance(error, InvalidInput):
        return dict(error.errors)
    if isinstance(error, GuardFailed) and error.field:
        return {error.field: error.message}
    return {field: error.message if isinstance(error, FrontDoorError) else str(error)}


def _page(meeting_id: int, status: int = 200, **extra: Any) -> tuple[str, int]:
    detail = meeting_detail(g.db, meeting_id)
    if detail is None:
        abort(404, f"There is no MASH meeting {meeting_id}.")
    context = {"errors": {}, "typed": {}, "failed_contact": None} | extra
    held_on = detail["meeting"].held_on
    return render_template("mash/meeting.html", title=f"MASH meeting {held_on:%d/%m/%Y}",
                           agencies=mash_config().agencies, outcomes=OUTCOME_TEXT,
                           **detail, **context), status


@bp.get("/<int:meeting_id>")
@allow(*READERS)
def meeting(meeting_id: int) -> tuple[str, int]:
    """Attendees, the agenda with each contact's views and decision, and the forms."""
    return _page(meeting_id)


def _after(meeting_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(f"/mash/meetings/{meeting_id}")


@bp.post("/<int:meeting_id>/attendees")
@allow(Role.MASH_CHAIR)
def attendee(meeting_id: int) -> Response | tuple[str, int]:
    """Record who attends for which agency."""
    try:
        data = AttendeeIn().load(request.form)
        add_attendee(mash_uow(), mash_config(), meeting_id, data["agency"], data["name"],
                     data["position"], _actor())
    except (ValidationError, FrontDoorError) as error:
        return _refused(meeting_id, error, "name")
    return _after(meeting_id, f"{data['name']} recorded for "
                              f"{mash_config().agencies.name(data['agency'])}.")


@bp.post("/<int:meeting_id>/agenda")
@allow(Role.MASH_CHAIR)
def agenda(meeting_id: int) -> Response | tuple[str, int]:
    """Put a contact on the agenda."""
    try:
        contact_id = AgendaIn().load(request.form)["contact_id"]
        add_to_agenda(mash_uow(), meeting_id, contact_id, _actor(), _now())
    except (ValidationError, FrontDoorError) as error:
        return _refused(meeting_id, error, "contact_id")
    return _after(meeting_id, f"FD{contact_id:07d} is on the agenda.")


@bp.post("/<int:meeting_id>/decisions")
@allow(Role.MASH_CHAIR)
def decision(meeting_id: int) -> Response | tuple[str, int]:
    """Record each agency's view and the joint decision for a contact on the agenda."""
    try:
        data = DecisionIn().load({k: v for k, v in request.form.items()
                                  if not (k == "level" and v == "")})  # "Not given"
        views = {a: request.form.get(f"view-{a}", "")[:5000]
                 for a in mash_config().agencies.ids()}
        joint = JointDecision(data["outcome"], data["rationale"], views, data["level"])
        record_decision(mash_uow(), current_app.extensions["rules"], meeting_id,
                        data["contact_id"], joint, _actor(), _now())
    except (ValidationError, FrontDoorError) as error:
        return _refused(meeting_id, error, "outcome")
    return _after(meeting_id, f"Joint decision recorded for FD{data['contact_id']:07d}.")


def _refused(meeting_id: int, error: Exception, field: str) -> tuple[str, int]:
    status = error.status if isinstance(error, FrontDoorError) else 422
    typed = {k: v for k, v in request.form.items() if k != "csrf_token"}
    failed = typed.get("contact_id")
    return _page(meeting_id, status, errors=_errors(error, field), typed=typed,
                 failed_contact=int(failed) if failed and failed.isdigit() else None)
