"""Forms and API bodies drawn from each action's payload, and the intake form's schema.

An action's payload (``workflow.engine.payload``) is the one definition of what it asks:
``fields_for`` turns it into the fields a page renders, ``form_data`` turns a posted form
back into the payload's keys (the strategy grid's rows and checkbox lists gathered), and
``api_body`` is the API's documented body (the payload plus the version the client read).
Validation is the payload's own, inside the command path, so a page and the API refuse
the same input with the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app, g
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.datastructures import MultiDict

from reporting.macpt import macpt_choices, macpts
from reporting.teams import family_help_practitioners, team_choices, teams, worker_choices
from workflow.engine.action import Action
from workflow.engine.payload import Kind, LocalDateTime, asks, body_fields, flat_errors
from workflow.intake.codes import CHANNELS, CONSENT, REFERRAL_SOURCES

YES_NO = (("yes", "Yes"), ("no", "No"))
#: Form keys of the strategy grid's rows: participation_<agency>, participation_reason_<agency>.
GRID_STATUS, GRID_REASON = "participation_", "participation_reason_"
#: Keys a page form sends that are not the payload's.
FORM_ONLY = ("csrf_token", "preview", "version")
#: Kinds a page does not render as a field of their own.
_NOT_RENDERED = (Kind.ID, Kind.REASONS, Kind.INDICATORS)
_TEMPLATE_KIND = {Kind.YES_NO: "radios", Kind.LEVEL: "radios"}


@dataclass(frozen=True)
class FormField:
    """One input as the templates render it."""

    name: str
    label: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""


def _configured(name: str) -> tuple[tuple[str, str], ...]:
    """Choices that are configuration (a payload names the list, the rules hold it). Lawful
    bases are those in force today: one awaiting commencement is not offered."""
    rules = current_app.extensions["rules"]
    if name == "agencies":
        return tuple((a.id, a.name) for a in rules.mash.agencies.all())
    if name in ("teams", "workers"):  # the directory, with each caseload counted now
        lines = g.get("team_lines")
        if lines is None:
            lines = g.team_lines = teams(g.db, active_only=True)
        return team_choices(lines) if name == "teams" else worker_choices(lines)
    if name == "family_help_services":
        return rules.engine.config.family_help.choices() if rules.engine.config.family_help \
            else ()
    if name == "family_help_practitioners":
        return family_help_practitioners(teams(g.db, active_only=True),
                                         rules.engine.config.family_help)
    if name == "macpts":
        return macpt_choices(macpts(g.db))
    if name == "lawful_bases":
        return rules.mash.lawful_bases.choices(rules.calendar.local_date(datetime.now(UTC)))
    return ()


def fields_for(action: Action[Any]) -> tuple[FormField, ...]:
    """The inputs a page shows for an action, in the payload's order."""
    shown = []
    for spec in asks(action.payload):
        if spec.kind in _NOT_RENDERED:
            continue
        choices = YES_NO if spec.kind is Kind.YES_NO else (
            spec.choices or _configured(spec.choices_from))
        shown.append(FormField(spec.name, spec.label, _TEMPLATE_KIND.get(spec.kind, spec.kind),
                               choices, spec.hint))
    return tuple(shown)


def record_field(action: Action[Any]) -> str | None:
    """The id field naming the record an action is about (an information request)."""
    return next((s.name for s in asks(action.payload) if s.kind is Kind.ID), None)


def asks_indicators(action: Action[Any]) -> bool:
    """Whether the action's form carries the levels-of-need indicator picker."""
    return any(spec.kind is Kind.INDICATORS for spec in asks(action.payload))


def form_data(action: Action[Any], form: MultiDict[str, str]) -> tuple[str, dict[str, Any]]:
    """(version as sent, the payload's keys) from a posted page form. An input left empty
    was not given (an empty date would otherwise be "not a date")."""
    specs = {s.name: s for s in asks(action.payload)}
    data: dict[str, Any] = {k: v for k, v in form.items() if k not in FORM_ONLY and v != ""}
    for name, spec in specs.items():
        if spec.kind in (Kind.CHECKBOXES, Kind.INDICATORS):
            data[name] = form.getlist(name)
    if any(s.kind is Kind.GRID for s in specs.values()):
        data = _gather_grid(data)
    return form.get("version", ""), data


def _gather_grid(data: dict[str, Any]) -> dict[str, Any]:
    """The page's grid rows as the two mappings the payload takes; blank rows left out."""
    rows = {k: v for k, v in data.items() if k.startswith(GRID_STATUS)}
    rest = {k: v for k, v in data.items() if k not in rows}
    reasons = {k[len(GRID_REASON):]: v for k, v in rows.items()
               if k.startswith(GRID_REASON) and isinstance(v, str) and v.strip()}
    statuses = {k[len(GRID_STATUS):]: v for k, v in rows.items()
                if not k.startswith(GRID_REASON) and v}
    return rest | {"participation": statuses, "participation_reasons": reasons}


def read_version(text: Any) -> int | None:
    """The version a form or body says it read (None when it is not a whole number)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if 0 <= text < 2**31 else None
    if isinstance(text, str) and text.isdigit() and len(text) < 10:
        return int(text)
    return None


def owns_field(action: Action[Any], field: str) -> bool:
    """Whether a refusal's field is shown inside this action's form (a grid row counts)."""
    return any(f.name == field or (f.kind == "grid" and field.startswith(GRID_STATUS))
               for f in fields_for(action)) or (field == "indicators"
                                                and asks_indicators(action))


_BODIES: dict[str, type[Schema]] = {}


def api_body(action: Action[Any]) -> type[Schema]:
    """The API's body for an action: its payload's keys and the version the client read."""
    if action.name not in _BODIES:
        declared: dict[str, Any] = body_fields(action.payload)
        declared["version"] = fields.Integer(required=True, strict=True, validate=validate.Range(
            0, 2**31 - 1), metadata={"description": "The contact version you read (409 if it "
                                                    "moved on)."})
        _BODIES[action.name] = Schema.from_dict(declared, name=f"{camel(action.name)}Body")
    return _BODIES[action.name]


def camel(name: str) -> str:
    """An action's name as a schema's name in the OpenAPI document (DecideBody)."""
    return "".join(part.title() for part in name.split("_"))


_SOURCE = "Choose a referral source from the CIN code list"
_CONCERNS = "Describe the concerns (up to 10,000 characters)"
_CHILDREN = "Add between one and six children"


class NewContactSchema(Schema):
    """A new contact from the form or the API: up to six children recorded together."""

    # A missing field gets the same words as a wrong one: say what to do, not
    # marshmallow's "Missing data for required field." (GOV.UK error messages).
    received_at = LocalDateTime(required=True, error_messages={
        "required": "Enter the date and time the contact was received"})
    source = fields.String(required=True, validate=validate.OneOf(
        list(REFERRAL_SOURCES), error=_SOURCE), error_messages={"required": _SOURCE})
    channel = fields.String(load_default="phone", validate=validate.OneOf(list(CHANNELS)))
    referrer = fields.String(load_default="", validate=validate.Length(max=160))
    concerns = fields.String(required=True, validate=[
        validate.Length(min=1, error=_CONCERNS),
        validate.Length(max=10000, error="Describe the concerns in 10,000 characters or "
                                         "fewer (attach longer documents to the record)")],
        error_messages={"required": _CONCERNS})
    consent = fields.String(load_default="not_recorded", validate=validate.OneOf(list(CONSENT)))
    children = fields.List(fields.Dict(), required=True, validate=validate.Length(
        min=1, max=6, error=_CHILDREN), error_messages={"required": _CHILDREN})
    #: The unusual values confirmed as right, by the field the question was asked at
    #: (``received_at``, ``children.0.date_of_birth``).
    confirmed = fields.List(fields.String(validate=validate.Length(max=80)),
                            load_default=list, validate=validate.Length(max=20))


__all__ = ["FormField", "NewContactSchema", "ValidationError", "api_body", "camel", "fields_for",
           "flat_errors", "form_data", "owns_field", "read_version"]
