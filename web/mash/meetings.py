"""The daily MASH meeting pages: list by date, open, attendees, agenda, joint decisions.

A chair runs the meeting; every front-door role may read it. Opening it, attendees and the
agenda are the meeting's own commands; each joint decision is the contact action
``record_mash_discussion``, which refuses a contact that is not on the meeting's agenda and
writes nothing. A refusal re-shows the meeting with what was typed.
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
from web.access import allow, log_children_shown
from web.contact.panels import mash_config
from web.forms import flat_errors
from workflow.contact import reference_for
from workflow.decision.outcomes import OUTCOMES
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput
from workflow.mash.commands import AddAttendee, AddToAgenda, OpenMeeting
from workflow.roles import Role
from workflow.services import Act, handle

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

    contact_id = fields.Integer(required=True, strict=False,
                                validate=validate.Range(1, 2**31 - 1))


def _uow() -> Any:
    return current_app.extensions["uow"]()


def _rules() -> Any:
    return current_app.extensions["rules"]


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
        meeting_id = handle(_uow(), _rules(), OpenMeeting(day, current_user.actor, _now()))
    except (ValidationError, FrontDoorError) as error:
        today = _now().astimezone(LONDON).date()
        return render_template("mash/meetings.html", title="MASH meetings",
                               rows=meetings(g.db), today=today,
                               typed_day=request.form.get("held_on", ""),
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
    held_on = detail["meeting"]["held_on"]
    return render_template("mash/meeting.html", title=f"MASH meeting {held_on:%d/%m/%Y}",
                           agencies=mash_config().agencies, outcomes=OUTCOMES,
                           **detail, **context), status


@bp.get("/<int:meeting_id>")
@allow(*READERS)
def meeting(meeting_id: int) -> tuple[str, int]:
    """Attendees, the agenda with each contact's views and decision, and the forms."""
    page = _page(meeting_id)
    detail = meeting_detail(g.db, meeting_id)
    log_children_shown([i["child_id"] for i in (detail or {}).get("agenda", [])
                        if i.get("child_id")])
    return page


def _after(meeting_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(f"/mash/meetings/{meeting_id}")


@bp.post("/<int:meeting_id>/attendees")
@allow(Role.MASH_CHAIR)
def attendee(meeting_id: int) -> Response | tuple[str, int]:
    """Record who attends for which agency."""
    try:
        data = AttendeeIn().load(request.form)
        handle(_uow(), _rules(), AddAttendee(meeting_id, data["agency"], data["name"],
                                             data["position"], current_user.actor, _now()))
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
        handle(_uow(), _rules(), AddToAgenda(meeting_id, contact_id, current_user.actor,
                                             _now()))
    except (ValidationError, FrontDoorError) as error:
        return _refused(meeting_id, error, "contact_id")
    return _after(meeting_id, f"{reference_for(contact_id)} is on the agenda.")


@bp.post("/<int:meeting_id>/decisions")
@allow(Role.MASH_CHAIR)
def decision(meeting_id: int) -> Response | tuple[str, int]:
    """Record each agency's view and the joint decision for a contact on the agenda."""
    try:
        contact_id = DecisionIn().load(request.form)["contact_id"]
        views = {a: request.form.get(f"view-{a}", "")
                 for a in mash_config().agencies.ids() if request.form.get(f"view-{a}")}
        joint = {"meeting_id": meeting_id, "outcome": request.form.get("outcome", ""),
                 "level": request.form.get("level", ""),
                 "rationale": request.form.get("rationale", ""), "views": views}
        deciding = _rules().engine.action("record_mash_discussion")
        handle(_uow(), _rules(), Act(deciding.name, contact_id, current_user.actor, _now(),
                                     joint))
    except (ValidationError, FrontDoorError) as error:
        return _refused(meeting_id, error, "outcome")
    return _after(meeting_id, f"Joint decision recorded for {reference_for(contact_id)}.")


def _refused(meeting_id: int, error: Exception, field: str) -> tuple[str, int]:
    status = error.status if isinstance(error, FrontDoorError) else 422
    typed = {k: v for k, v in request.form.items() if k != "csrf_token"}
    failed = typed.get("contact_id")
    return _page(meeting_id, status, errors=_errors(error, field), typed=typed,
                 failed_contact=int(failed) if failed and failed.isdigit() else None)
