"""People in the JSON API: search, a person's record, the people commands, and teams.

What a page shows, the API serves, under the same grants: the search (a POST body, so a
name or a date of birth never sits in a URL or a proxy's log; every child it shows goes to
the access log), a person's record with family, addresses and warnings, the changes the
person pages make (each one people command through ``handle``: a stale version is 409, a
recorded value changes only with a reason), and the teams with their caseloads. The
known-child check that a new contact runs is here too, so the intake route reports the same
candidates the intake page shows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, g
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from reporting.intake import current_postcodes, known_child_candidates
from reporting.people import PersonPage, person_page
from reporting.search import read_query, search
from reporting.teams import teams as team_lines
from web.access import allow, log_access, log_children_shown
from web.api.bodies import json_body, refuse
from web.api.person_schemas import (
    AddressIn,
    AddressOut,
    CandidateOut,
    PersonChangesIn,
    PersonOut,
    RelationshipIn,
    Strict,
    WarningIn,
    details_of,
)
from workflow.engine.payload import LocalDate, Text
from workflow.errors import FrontDoorError
from workflow.people.commands import AddWarning, MoveAddress, RecordRelationship, UpdatePerson
from workflow.people.records import PersonDetails
from workflow.roles import Role
from workflow.services import handle

#: Who may find and read a person, as on the pages (the commands let the same roles edit).
READERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
#: Who watches caseloads against capacity (DOMAIN.md §1: "who is overloaded").
OVERSIGHT = (Role.TEAM_MANAGER, Role.MASH_CHAIR)


def _now() -> datetime:
    return datetime.now(UTC)


def _handle(command: Any) -> Any:
    try:
        made = handle(current_app.extensions["uow"](), current_app.extensions["rules"], command)
    except FrontDoorError as error:
        refuse(error)
    g.db.rollback()  # end the read snapshot taken before the write (SQLite WAL)
    return made


# -- the known-child check ---------------------------------------------------------------
def candidates(details: PersonDetails) -> list[dict[str, Any]]:
    """Known children who may be this one, best first, each written to the access log."""
    found = known_child_candidates(g.db, details)
    postcodes = current_postcodes(g.db, [c.child.id for c in found])
    log_children_shown([c.child.id for c in found])
    return [{"person_id": c.child.id, "name": f"{c.child.first_name} {c.child.last_name}",
             "first_name": c.child.first_name, "last_name": c.child.last_name,
             "date_of_birth": c.child.date_of_birth, "postcode": postcodes.get(c.child.id),
             "score": c.score, "reasons": list(c.reasons), "by_identifier": c.by_identifier}
            for c in found]


def candidates_json(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Candidates as JSON (for a body built without a response schema)."""
    dumped: list[dict[str, Any]] = CandidateOut(many=True).dump(found)
    return dumped


# -- search ----------------------------------------------------------------------------
class SearchIn(Strict):
    """What to look for, read as the search box reads it (dates as dd/mm/yyyy or ISO)."""

    q = Text(load_default="", validate=validate.Length(
        max=200, error="Write no more than 200 characters"))
    born_from = LocalDate(allow_none=True, load_default=None)
    born_to = LocalDate(allow_none=True, load_default=None)


class FoundOut(Schema):
    person_id = fields.Integer()
    name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    postcode = fields.String(allow_none=True)
    stage = fields.String(allow_none=True, metadata={"description": "The open contact's stage"})
    worker = fields.String(allow_none=True)
    latest_reference = fields.String(allow_none=True)
    why = fields.String()


class SearchOut(Schema):
    results = fields.List(fields.Nested(FoundOut))


@allow(*READERS)
def find(body: dict[str, Any]) -> dict[str, Any]:
    """People the box finds (name, date of birth, NHS number, UPN, postcode or reference),
    best first; enough to tell two children apart and nothing more."""
    try:
        query = read_query(body["q"], body["born_from"], body["born_to"])
    except FrontDoorError as error:
        refuse(error)
    if query.empty:
        abort(422, message="Say who to look for.", errors={"q": [
            "Enter a name, date of birth, NHS number, UPN, postcode or contact reference"]})
    results = search(g.db, query)
    log_children_shown([r.person_id for r in results])
    return {"results": results}


# -- a person ----------------------------------------------------------------------------
class RelativeOut(Schema):
    relationship_id = fields.Integer()
    person_id = fields.Integer()
    name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    kind = fields.String()
    label = fields.String(metadata={"description": "The relationship as this person's "
                                                   "family reads it"})
    parental_responsibility = fields.Boolean()
    lives_with = fields.Boolean()


class WarningOut(Schema):
    id = fields.Integer()
    text = fields.String()
    by = fields.String()
    at = fields.DateTime()


class ContactLineOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    received_at = fields.DateTime()
    stage = fields.String()
    worker = fields.String(allow_none=True)


class ChangeOut(Schema):
    field = fields.String()
    old = fields.String()
    new = fields.String()
    reason = fields.String()
    by = fields.String()
    at = fields.DateTime()


class PersonPageOut(Schema):
    """A person's record, addresses (current first), family, warnings, contacts, history."""

    person = fields.Nested(PersonOut)
    addresses = fields.List(fields.Nested(AddressOut))
    family = fields.List(fields.Nested(RelativeOut))
    warnings = fields.List(fields.Nested(WarningOut))
    contacts = fields.List(fields.Nested(ContactLineOut))
    history = fields.List(fields.Nested(ChangeOut), attribute="changes")


class RecordedOut(Schema):
    id = fields.Integer(metadata={"description": "The record just made"})
    person = fields.Nested(PersonPageOut)


def page_of(person_id: int) -> PersonPage:
    """A person's page, written to the access log; 404 when there is no such person."""
    page = person_page(g.db, person_id)
    if page is None:
        abort(404, message=f"There is no person {person_id}.")
        raise AssertionError  # abort raises; this tells the type checker
    log_access(person_id, None)
    return page


@allow(*READERS)
def read_person(person_id: int) -> PersonPage:
    """The record (every field), addresses, family both ways round, warnings, contacts."""
    return page_of(person_id)


@allow(*READERS)
def change_person(body: dict[str, Any], person_id: int) -> PersonPage:
    """Change fields of the record: send the version you read (409 if it moved on) and a
    reason for any value already recorded."""
    version, reason = body.pop("version"), body.pop("reason", "")
    _handle(UpdatePerson(person_id, body, reason, current_user.actor, _now(), version))
    return page_of(person_id)


def _relative(body: dict[str, Any]) -> PersonDetails | None:
    """A new relative's details (an adult unless the body says otherwise)."""
    details = body.get("relative")
    return None if details is None else details_of(details, kind="adult")


@allow(*READERS)
def relate(body: dict[str, Any], person_id: int) -> tuple[dict[str, Any], int]:
    """Record a relative: a person on record (relative_id) or a new one (relative)."""
    made = _handle(RecordRelationship(
        person_id, body["kind"], current_user.actor, _now(),
        relative_id=body.get("relative_id"), relative=_relative(body),
        parental_responsibility=body["parental_responsibility"],
        lives_with=body["lives_with"]))
    return {"id": made, "person": page_of(person_id)}, 201


@allow(*READERS)
def move(body: Any, person_id: int) -> tuple[dict[str, Any], int]:
    """A new current address (the one before it is kept, ended the day this one starts)."""
    made = _handle(MoveAddress(person_id, body, current_user.actor, _now()))
    return {"id": made, "person": page_of(person_id)}, 201


@allow(*READERS)
def warn(body: dict[str, Any], person_id: int) -> tuple[dict[str, Any], int]:
    """A warning for staff safety, shown wherever the person is."""
    made = _handle(AddWarning(person_id, body["text"], current_user.actor, _now()))
    return {"id": made, "person": page_of(person_id)}, 201


# -- teams ---------------------------------------------------------------------------
class MemberOut(Schema):
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    manager = fields.Boolean()
    caseload = fields.Integer(metadata={"description": "Open contacts allocated to them"})


class TeamOut(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    capacity = fields.Integer(allow_none=True)
    active = fields.Boolean()
    caseload = fields.Integer(metadata={"description": "Open contacts allocated to the team"})
    managers = fields.List(fields.String())
    members = fields.List(fields.Nested(MemberOut))


class TeamsOut(Schema):
    teams = fields.List(fields.Nested(TeamOut))


@allow(*OVERSIGHT)
def teams() -> dict[str, Any]:
    """Every team with its members, managers, capacity and what each holds open now."""
    return {"teams": [{
        "code": t.code, "name": t.name, "kind": t.kind, "kind_label": t.kind_title,
        "capacity": t.capacity, "active": t.active, "caseload": t.caseload,
        "managers": [m.username for m in t.managers],
        "members": [{"username": m.username, "display_name": m.display_name, "role": m.role,
                     "manager": m.is_manager, "caseload": m.caseload} for m in t.members]}
        for t in team_lines(g.db)]}


def _may_be(blp: Blueprint, *codes: int) -> Any:
    """Document the refusals a route may answer with (404 no such person, 409 stale)."""
    names = {404: "NOT_FOUND", 409: "CONFLICT"}

    def document(view: Any) -> Any:
        for code in codes:
            view = blp.alt_response(code, response=names[code])(view)
        return view

    return document


def add_routes(blp: Blueprint) -> None:
    """Attach the people and team routes to the API blueprint of one app."""
    blp.route("/search", methods=["POST"], endpoint="people_search")(
        json_body(blp, SearchIn)(blp.response(200, SearchOut)(find)))
    blp.route("/people/<int:person_id>", methods=["GET"], endpoint="person")(
        _may_be(blp, 404)(blp.response(200, PersonPageOut)(read_person)))
    blp.route("/people/<int:person_id>", methods=["PATCH"], endpoint="person_change")(
        json_body(blp, PersonChangesIn)(_may_be(blp, 404, 409)(
            blp.response(200, PersonPageOut)(change_person))))
    for path, view, schema in (("relationships", relate, RelationshipIn),
                               ("addresses", move, AddressIn), ("warnings", warn, WarningIn)):
        blp.route(f"/people/<int:person_id>/{path}", methods=["POST"],
                  endpoint=f"person_{path}")(
            json_body(blp, schema)(_may_be(blp, 404)(blp.response(201, RecordedOut)(view))))
    blp.route("/teams", methods=["GET"], endpoint="teams")(
        blp.response(200, TeamsOut)(teams))
