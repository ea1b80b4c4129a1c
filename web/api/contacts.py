"""The JSON API's contacts: the queue, one contact (with every field of its child's record),
its child's chronology, and every action (recording a contact is ``web.api.intake``).

Each action gets its route from its definition (``/contacts/<id>/actions/<name>``, or
``/<record>s/<id>/actions/<name>`` for one a caller finds by a record it names, such as a
partner's request), its body from its payload, and its rules from the one command path:
the API refuses exactly what a page refuses, with the same messages, as 403/404/409/422.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, g
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from reporting.chronology import chronology
from reporting.contact_page import contact_page, load_contact
from reporting.people import person_page
from reporting.queries import QueueFilter, work_queue
from web.access import allow, log_access, log_children_shown, record_scope
from web.api.person_schemas import PersonOut
from web.forms import api_body, camel
from workflow.contact import reference_for
from workflow.engine.action import Action
from workflow.engine.payload import body_fields
from workflow.engine.registry import actions
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput
from workflow.roles import Role
from workflow.services import Act, handle
from workflow.stages import Stage

CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
#: Where each page's actions are fired from in the API (the others have routes of their own).
_BY_CONTACT = ("contact", "assessment", "requests", "meeting")


class QueueArgs(Schema):
    stage = fields.String(validate=validate.OneOf([x.value for x in Stage]))
    rag = fields.String(validate=validate.OneOf(["red", "amber", "green"]))
    worker = fields.String(validate=validate.Length(max=80))
    overdue = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class WorkQueueOut(Schema):
    """The work queue (documented; the view builds the lines the queue page shows)."""

    contacts = fields.List(fields.Dict(), metadata={
        "description": "id, reference, stage, child, worker, received_at, next_due, overdue"})


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
    child = fields.Nested(PersonOut, allow_none=True,
                          metadata={"description": "Every stored field of the child's record"})


class EntryOut(Schema):
    at = fields.DateTime()
    contact = fields.String(metadata={"description": "The contact's reference"})
    kind = fields.String()
    title = fields.String()
    detail = fields.String()
    by = fields.String()


class ChronologyOut(Schema):
    child_id = fields.Integer(allow_none=True)
    entries = fields.List(fields.Nested(EntryOut))


def _now() -> datetime:
    return datetime.now(UTC)


def _rules() -> Any:
    return current_app.extensions["rules"]


def refuse(error: FrontDoorError) -> None:
    """A domain refusal as the API's error body (message, and the field where there is one)."""
    errors: dict[str, str] = dict(error.errors) if isinstance(error, InvalidInput) else {}
    if isinstance(error, GuardFailed) and error.field:
        errors = {error.field: error.message}
    abort(error.status, message=error.message, errors=errors)


def _contact_out(contact_id: int) -> dict[str, Any]:
    page = contact_page(g.db, contact_id, _now())
    aggregate = load_contact(g.db, contact_id)
    if page is None or aggregate is None:
        abort(404, message=f"There is no contact {reference_for(contact_id)}.")
        raise AssertionError  # abort raises; this tells the type checker
    c = page.contact
    log_access(c.child_id, c.id)
    offered = _rules().engine.offered(aggregate, current_user.actor, _now())
    child = person_page(g.db, c.child_id) if c.child_id else None
    return {"id": c.id, "reference": c.reference, "stage": c.stage, "version": c.version,
            "rag": c.rag, "team": c.team, "worker": c.worker, "received_at": c.received_at,
            "clocks": page.clocks, "events": page.events,
            "permitted_actions": [a.name for a in offered
                                  if any(p in a.offered_in for p in _BY_CONTACT)],
            "child": child.person if child else None}


@allow(*CASEWORKERS)
def list_contacts(args: dict[str, Any]) -> dict[str, Any]:
    """The work queue: open contacts soonest due first."""
    f = QueueFilter(stage=args.get("stage"), rag=args.get("rag"), worker=args.get("worker"),
                    overdue_only=args["overdue"], limit=args["limit"], offset=args["offset"],
                    scope=record_scope())
    rows = work_queue(g.db, f, _now())
    log_children_shown([r["child_id"] for r in rows if r.get("child_id")])
    return {"contacts": [r | {"received_at": r["received_at"].isoformat(),
                              "next_due": r["next_due"].isoformat() if r["next_due"] else None,
                              "date_of_birth": _iso(r.get("date_of_birth"))}
                         for r in rows]}


def _iso(day: Any) -> str | None:
    """A date as ISO 8601, as every other date the API writes (not Flask's HTTP-date)."""
    return day.isoformat() if day is not None else None


@allow(*CASEWORKERS)
def get_contact(contact_id: int) -> dict[str, Any]:
    """One contact: stage, version, every clock and event, and the actions you may take."""
    return _contact_out(contact_id)


@allow(*CASEWORKERS)
def contact_chronology(contact_id: int) -> dict[str, Any]:
    """Everything known about the contact's child across all contacts, oldest first (what
    the chronology page shows)."""
    contact = load_contact(g.db, contact_id)
    if contact is None:
        abort(404, message=f"There is no contact {reference_for(contact_id)}.")
        raise AssertionError  # abort raises; this tells the type checker
    log_access(contact.child_id, contact_id)
    entries = [] if contact.child_id is None else chronology(
        g.db, contact.child_id, _rules().mash.agencies, _now())
    return {"child_id": contact.child_id, "entries": entries}


def _fire(action: Action[Any], contact_id: int | None, body: dict[str, Any]) -> Any:
    data = dict(body)
    version = data.pop("version", None)
    try:
        result = handle(current_app.extensions["uow"](), _rules(),
                        Act(action.name, contact_id, current_user.actor, _now(), data, version))
    except FrontDoorError as error:
        refuse(error)
    g.db.rollback()  # end the read snapshot this request took before the write (SQLite WAL)
    return result


def _contact_route(blp: Blueprint, action: Action[Any]) -> None:
    def fire(body: dict[str, Any], contact_id: int) -> dict[str, Any]:
        _fire(action, contact_id, body)
        return _contact_out(contact_id)

    fire.__doc__ = f"{action.label} (send the version you read; 409 if it moved on)."
    fire.__qualname__ = f"contact_action.{action.name}"  # each action its own access rule
    view = blp.response(200, ContactOut)(allow(*action.roles)(fire))
    view = blp.arguments(api_body(action))(view)
    blp.route(f"/contacts/<int:contact_id>/actions/{action.name}", methods=["POST"],
              endpoint=f"action_{action.name}")(view)


def _record_route(blp: Blueprint, action: Action[Any]) -> None:
    record = action.locate.removesuffix("_id")

    def fire(body: dict[str, Any], record_id: int) -> dict[str, Any]:
        # The caller knows the record, not the contact (a partner answering a request):
        # the reply names the record only, never the case it belongs to or its stage.
        _fire(action, None, body | {action.locate: record_id})
        return {"id": record_id, "done": action.label}

    fire.__doc__ = f"{action.label} (the record's own id in the path)."
    fire.__qualname__ = f"record_action.{action.name}"  # each action its own access rule
    fields_ = {k: v for k, v in body_fields(action.payload).items() if k != action.locate}
    view = allow(*action.roles)(fire)
    view = blp.arguments(Schema.from_dict(fields_, name=f"{camel(action.name)}ByRecord"))(view)
    blp.route(f"/{record}s/<int:record_id>/actions/{action.name}", methods=["POST"],
              endpoint=f"action_{action.name}")(view)


def add_routes(blp: Blueprint) -> None:
    """The contact routes and one route per action, from the actions' definitions."""
    blp.route("/contacts", methods=["GET"], endpoint="list_contacts")(
        blp.arguments(QueueArgs, location="query")(
            blp.alt_response(200, schema=WorkQueueOut, success=True)(list_contacts)))
    blp.route("/contacts/<int:contact_id>", methods=["GET"], endpoint="get_contact")(
        blp.response(200, ContactOut)(get_contact))
    blp.route("/contacts/<int:contact_id>/chronology", methods=["GET"],
              endpoint="contact_chronology")(
        blp.response(200, ChronologyOut)(contact_chronology))
    for action in actions().values():
        if action.locate:
            _record_route(blp, action)
        elif any(p in action.offered_in for p in _BY_CONTACT):
            _contact_route(blp, action)
