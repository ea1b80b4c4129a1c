"""Recording a contact through the JSON API, with the known-child check the page runs.

Each child is sent as a known person's ``person_id`` or as the child's details (every field
of the person record, nothing dropped: an unknown key is refused with its name). A child
sent by details is first looked up among the known children, as the intake page does
(``web.intake.known_child``): matching is tolerant on purpose, so it suggests and the
integrator decides. If anyone might already be known, nothing is stored and the answer is
409 with the candidates of each such child (person id, name, date of birth, postcode, score
and why); the integrator resends that child as ``{"person_id": N}``, or with
``"confirm_new": true`` when it is a different child. Without this step a police system's
child already on record would become a second, parallel person. A system calling with a
token is told each candidate's person id, score and which details matched, never the known
child's name, date of birth or postcode.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, g, jsonify
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from reporting.contact_page import load_contact
from reporting.mash import child_exists
from web.access import allow
from web.api.bodies import json_body, refuse
from web.api.people import candidates, candidates_json
from web.api.person_schemas import CandidateOut, ChildIn, details_of
from web.auth.tokens import ClientUser
from web.forms import NewContactSchema
from workflow.errors import FrontDoorError
from workflow.intake.commands import NewContact, RecordContact
from workflow.people.records import PersonDetails
from workflow.roles import Role
from workflow.services import handle

INTAKE = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)
#: What another system (an API token) learns of a known child the check found: enough to
#: resend the child by ``person_id`` or confirm a new one, never the record's name, date of
#: birth or address (the reasons name which details matched, not their values).
_FOR_SYSTEMS = ("person_id", "score", "reasons", "by_identifier")
_KNOWN = ("person_id", "child_id")
_CHOOSE = ("may already be known: resend this child as {\"person_id\": N} (one of the "
           "candidates), or with \"confirm_new\": true if it is a different child")


class NewContactIn(NewContactSchema):
    """A new contact: when, from whom, the worry, and each child (details or person_id)."""

    class Meta:
        unknown = RAISE

    children = fields.List(fields.Nested(ChildIn), required=True, validate=validate.Length(
        min=1, max=6, error="Add between one and six children"))


class ChildMadeOut(Schema):
    person_id = fields.Integer()
    new_person = fields.Boolean(metadata={"description": "A person record was made"})
    candidates = fields.List(fields.Nested(CandidateOut), metadata={
        "description": "Known children the check found (a child confirmed new)"})


class ContactMadeOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    stage = fields.String()
    version = fields.Integer()
    rag = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    worker = fields.String(allow_none=True)
    open_clocks = fields.List(fields.Dict())


class ContactsMadeOut(Schema):
    contacts = fields.List(fields.Nested(ContactMadeOut))
    children = fields.List(fields.Nested(ChildMadeOut), metadata={
        "description": "Per child, in the order sent: the person the contact is about"})


class ChildCandidatesOut(Schema):
    index = fields.Integer(metadata={"description": "The child's place in children"})
    candidates = fields.List(fields.Nested(CandidateOut))


class MaybeKnownOut(Schema):
    """Nothing was stored: a child sent by details may be a known child."""

    code = fields.Integer()
    message = fields.String()
    errors = fields.Dict(metadata={"description": "children.N: what to send instead"})
    children = fields.List(fields.Nested(ChildCandidatesOut))


def _now() -> datetime:
    return datetime.now(UTC)


def _details(kid: dict[str, Any]) -> PersonDetails | int:
    """A child as the command takes it: a known person's id, or the details as sent."""
    known = next((kid[k] for k in _KNOWN if k in kid), None)
    return int(known) if known is not None else details_of(kid)


def _unknown_people(children: list[PersonDetails | int]) -> dict[str, list[str]]:
    return {f"children.{i}.person_id": [f"there is no person {c} on record"]
            for i, c in enumerate(children)
            if isinstance(c, int) and child_exists(g.db, c) is None}


def _maybe_known(found: list[list[dict[str, Any]]], sent: list[dict[str, Any]]
                 ) -> dict[int, list[dict[str, Any]]]:
    """The children sent by details, not confirmed new, who may be known children."""
    return {i: f for i, f in enumerate(found) if f and not sent[i].get("confirm_new")}


@allow(*INTAKE)
def create_contact(body: dict[str, Any]) -> Any:
    """Record a contact for one or more children (one contact each, siblings linked); 409
    with the candidates when a child sent by details may already be known."""
    children = [_details(kid) for kid in body["children"]]
    if unknown := _unknown_people(children):
        abort(422, message="A person_id names nobody on record.", errors=unknown)
    found = [_disclosed(candidates(c)) if isinstance(c, PersonDetails) else []
             for c in children]
    if unresolved := _maybe_known(found, body["children"]):
        return _choose(unresolved)
    intake = NewContact(body["received_at"], body["source"], children, body["channel"],
                        body["referrer"], body["concerns"], body["consent"],
                        frozenset(body.get("confirmed") or ()))
    try:
        made = handle(current_app.extensions["uow"](), current_app.extensions["rules"],
                      RecordContact(intake, current_user.actor, _now()))
    except FrontDoorError as error:
        refuse(error)
    g.db.rollback()  # end the read snapshot taken before the write (SQLite WAL)
    return {"contacts": made, "children": [_made(m, c, f) for m, c, f in
                                           zip(made, children, found, strict=True)]}, 201


def _disclosed(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The candidates as this caller may see them (a person: all; a system: no details)."""
    if not isinstance(current_user._get_current_object(), ClientUser):
        return found
    return [{k: c[k] for k in _FOR_SYSTEMS if k in c} for c in found]


def _choose(unresolved: dict[int, list[dict[str, Any]]]) -> Any:
    """409: which children may be known, and who they may be (nothing was stored)."""
    return jsonify({"code": 409, "message": "A child sent may already be known; nothing was "
                                            "stored.",
                    "errors": {f"children.{i}": [_CHOOSE] for i in unresolved},
                    "children": [{"index": i, "candidates": candidates_json(f)}
                                 for i, f in unresolved.items()]}), 409


def _made(contact: dict[str, Any], sent: PersonDetails | int, found: list[dict[str, Any]]
          ) -> dict[str, Any]:
    stored = load_contact(g.db, contact["id"])
    return {"person_id": stored.child_id if stored else None,
            "new_person": isinstance(sent, PersonDetails), "candidates": found}


def add_routes(blp: Blueprint) -> None:
    """Attach the intake route to the API blueprint of one app."""
    view = blp.response(201, ContactsMadeOut)(create_contact)
    view = blp.alt_response(409, schema=MaybeKnownOut,
                            description="A child may already be known: nothing stored")(view)
    blp.route("/contacts", methods=["POST"], endpoint="create_contact")(
        json_body(blp, NewContactIn)(view))
