"""What became of a contact, for the system that sent it: its reference, stage and the
threshold decision, never the child's details or the worry as the front door recorded it.

Why a route of its own: a police force's system needs to know whether its contact led to
a referral, and nothing more; the full contact (``/contacts/<id>``) carries the child's
record and the whole history, which only the front door may read.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from reporting.integrations import contact_outcome
from web.access import allow, log_access
from web.api.contacts import CASEWORKERS
from workflow.contact import reference_for


class DecisionOut(Schema):
    outcome = fields.String()
    outcome_label = fields.String(allow_none=True)
    level = fields.Integer()
    status = fields.String(metadata={"description": "in_force, awaiting_signoff or returned"})
    decided_at = fields.DateTime()


class ContactOutcomeOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    stage = fields.String()
    received_at = fields.DateTime()
    decision = fields.Nested(DecisionOut, allow_none=True, metadata={
        "description": "The latest threshold decision (null until one is made)"})


@allow(*CASEWORKERS)
def read_outcome(contact_id: int) -> dict[str, Any]:
    """A contact's stage and threshold decision (a client reads only those it sent)."""
    found = contact_outcome(g.db, contact_id)
    if found is None:
        abort(404, message=f"There is no contact {reference_for(contact_id)}.")
        raise AssertionError  # abort raises; this tells the type checker
    log_access(None, contact_id)
    return found


def add_routes(blp: Blueprint) -> None:
    """Attach the outcome route to the API blueprint of one app."""
    blp.route("/contacts/<int:contact_id>/outcome", methods=["GET"],
              endpoint="contact_outcome")(blp.response(200, ContactOutcomeOut)(read_outcome))
