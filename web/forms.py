"""The fields each action asks for, declared once for the HTML forms and the JSON API.

``ACTION_FIELDS`` says what a person fills in for each trigger; ``action_schema`` turns
that into a marshmallow schema so the page and the API parse input the same way and
refuse it with the same field-level messages. Whether a field is *required* is the
engine's business (its guards name the field), so the schemas check type and choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from workflow.casework.config import STATUSES
from workflow.casework.factors import FACTORS
from workflow.casework.guards import STRATEGY_OUTCOMES
from workflow.guards import CATEGORIES_OF_ABUSE
from workflow.services import REFERRAL_SOURCES

LONDON = ZoneInfo("Europe/London")
YES_NO = (("yes", "Yes"), ("no", "No"))
PARTICIPATION = tuple(STATUSES.items())
STRATEGY = tuple(STRATEGY_OUTCOMES.items())
FACTOR_CHOICES = tuple((code, f"{code}: {label}") for code, label in FACTORS.items())
#: Form keys of the strategy grid's rows: participation_<agency>, participation_reason_<agency>.
GRID_STATUS, GRID_REASON = "participation_", "participation_reason_"
OUTCOMES = (("no_further_action", "No further action"),
            ("advice_signposting", "Advice and signposting"),
            ("early_help", "Early help"), ("targeted_early_help", "Targeted early help"),
            ("referral_to_social_care", "Referral to social care (assessment)"),
            ("strategy_discussion", "Strategy discussion (significant harm suspected)"))
RAG = (("red", "Red"), ("amber", "Amber"), ("green", "Green"))
CLOSURE = tuple((f"RC{n}", f"RC{n}") for n in range(1, 8))
ASSESSMENT_OUTCOMES = (("cin_plan", "Child in need plan"), ("early_help", "Step down to early "
                       "help (RC9)"), ("no_further_action", "No further action (RC8)"))


@dataclass(frozen=True)
class Field:
    """One input: its name (the payload key), label, kind and choices."""

    name: str
    label: str
    kind: str = "textarea"  # text | textarea | radios | select | datetime | date |
    #                         checkboxes | grid (the strategy discussion's agency rows)
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""


_REASON = Field("reason", "Reason")
_RATIONALE = Field("rationale", "Rationale", hint="Why: what you weighed and what decided it.")
_HELD_AT = Field("held_at", "Date and time held", "datetime")
_CONSENT = Field("consent", "Family's agreement recorded", "radios",
                 (("given", "Yes, the family agrees"), ("not_given", "No")))
_CAUSE = Field("reasonable_cause", "Reasonable cause to suspect significant harm",
               hint="The recorded basis for section 47 enquiries.")
# -- Casework (issue 6) --
_EH_TEAM = Field("early_help_team", "Receiving early help team", "text",
                 hint="Only when the family steps down to early help.")
_HANDOVER = Field("handover_on", "Date of the hand-over to early help", "date",
                  hint="Only when the family steps down to early help.")
_DISCUSSION = (
    _HELD_AT, Field("chair", "Chaired by", "text"),
    Field("participation", "How each agency took part", "grid", PARTICIPATION,
          hint="Required agencies that did not contribute need a reason on their row or "
               "below; any agency invited that did not contribute, or not invited, needs "
               "its reason."),
    Field("absence_reason", "Why a required agency did not contribute (if not on its row)"),
    Field("outcome", "Outcome of the discussion", "radios", STRATEGY),
    Field("reasonable_cause", "Reasonable cause to suspect significant harm",
          hint="Needed when the discussion initiates a section 47 enquiry."),
    _RATIONALE)
_SUBMISSION = (Field("factors", "Assessment factors (CIN census)", "checkboxes",
                     FACTOR_CHOICES, hint="Every factor identified, or 21 if there are none."),
               Field("rationale", "Summary of the assessment and its recommendation"))
# -- end of casework --

ACTION_FIELDS: dict[str, tuple[Field, ...]] = {
    "rate": (Field("rag", "RAG rating", "radios", RAG), _REASON),
    "proceed_to_decision": (_REASON,),
    "decide": (Field("level", "Level of need", "radios",
                     tuple((str(n), f"Level {n}") for n in range(1, 5))),
               Field("outcome", "Outcome", "radios", OUTCOMES), _RATIONALE,
               Field("override_reason", "Reason for choosing a level below the recommendation"),
               _CAUSE, _CONSENT),
    "return_decision": (_REASON,),
    "hold_strategy_discussion": _DISCUSSION,
    "start_section_47": (_CAUSE,),
    "continue_under_s17": (_RATIONALE,),
    "strategy_no_further_action": (_RATIONALE,),
    "submit_assessment": _SUBMISSION,
    "return_assessment": (_REASON,),
    "record_visit": (Field("visited_at", "Date and time of visit", "datetime"),
                     Field("child_seen", "Was the child seen?", "radios", YES_NO),
                     Field("seen_alone", "Was the child seen alone?", "radios", YES_NO)),
    "complete_assessment": (Field("assessment_outcome", "Outcome", "radios",
                                  ASSESSMENT_OUTCOMES),
                            Field("lateness_reason", "Reason the assessment is late (if past "
                                  "45 working days)"), _CONSENT, _EH_TEAM, _HANDOVER),
    "hold_icpc": (_HELD_AT, Field("plan", "Did the conference make a child protection plan?",
                                  "radios", YES_NO),
                  Field("category", "Initial category of abuse", "select",
                        tuple((c, c) for c in CATEGORIES_OF_ABUSE))),
    "icpc_not_required": (_REASON,),
    "hold_core_group": (_HELD_AT,),
    "hold_review_conference": (_HELD_AT, Field("plan_continues", "Does the plan continue?",
                                               "radios", YES_NO)),
    "pass_to_allocated_worker": (Field("open_case_reference", "Open case reference", "text"),
                                 _REASON),
    "close_case": (Field("closure_reason", "Reason for closure (CIN code)", "select", CLOSURE),
                   _REASON),
    "step_down": (_CONSENT, _EH_TEAM, _HANDOVER, _REASON),
    "step_up": (_REASON,),
    "end_early_help": (_REASON,),
    "allocate": (Field("team", "Team", "text"), Field("worker", "Worker (username)", "text")),
    "give_referrer_feedback": (_REASON,),
}


class LocalDateTime(fields.DateTime):
    """A date and time; without an offset it is read as Europe/London (what people type)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> datetime:
        if isinstance(value, str) and len(value) == 16:  # <input type=datetime-local>
            value = value + ":00"
        parsed: datetime = super()._deserialize(value, attr, data, **kw)
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)
        try:  # e.g. 0001-01-01T00:00+14:00 parses but has no UTC instant: refuse, not a 500
            parsed.astimezone(UTC).astimezone(LONDON)
        except OverflowError:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from None
        return parsed


class NumberChoice(fields.Integer):
    """A choice among numbers: the page's radio sends "4", a JSON client may send 4.

    Both load as the integer 4. A float, a boolean or a word is refused, never rounded or
    coerced (``4.5`` is not level 4, and ``true`` is not level 1).
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int:
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid", input=value)
        number: int = super()._deserialize(value, attr, data, **kw)
        return number


def _number_choice(field: Field) -> fields.Field:
    allowed = [int(value) for value, _ in field.choices]
    message = "Choose one of: " + ", ".join(map(str, allowed))
    return NumberChoice(strict=True, load_default=None, error_messages={"invalid": message},
                        validate=validate.OneOf(allowed, error=message))


def _marshmallow_field(field: Field) -> fields.Field:
    if field.kind == "datetime":
        return LocalDateTime(load_default=None)
    if field.kind == "date":
        return fields.Date(load_default=None)
    if field.kind == "grid":  # agency -> status; which agencies exist is the engine's check
        statuses = validate.OneOf([v for v, _ in field.choices], error="Choose one of: "
                                  "{choices}")
        return fields.Dict(keys=fields.String(validate=validate.Length(max=40)),
                           values=fields.String(validate=statuses), load_default=None)
    if field.kind == "checkboxes":  # the engine explains a code it refuses (retired, …)
        return fields.List(fields.String(validate=validate.Length(max=8)), load_default=None)
    if field.choices and field.choices == YES_NO:
        return fields.Boolean(truthy={"yes", True}, falsy={"no", False}, load_default=None)
    if field.choices and all(value.isdigit() for value, _ in field.choices):
        return _number_choice(field)  # the level of need: 1-4
    if field.choices:
        allowed = [value for value, _ in field.choices]
        return fields.String(validate=validate.OneOf(allowed, error="Choose one of: {choices}"),
                             load_default=None)
    return fields.String(validate=validate.Length(max=5000), load_default=None)


@cache
def action_schema(trigger: str, strict: bool = False) -> Schema:
    """The schema for one trigger (strict refuses unknown keys, as the API does)."""
    declared = {f.name: _marshmallow_field(f) for f in ACTION_FIELDS.get(trigger, ())}
    declared |= {f"{f.name}_reasons": fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)),
        values=fields.String(validate=validate.Length(max=2000)), load_default=None)
        for f in ACTION_FIELDS.get(trigger, ()) if f.kind == "grid"}
    declared["version"] = fields.Integer(required=True, strict=False)
    if trigger == "decide":
        declared["indicators"] = fields.List(fields.String(), load_default=list)
    schema_class = Schema.from_dict(declared, name=f"{trigger.title()}Action")
    return schema_class(unknown=RAISE if strict else EXCLUDE)


def parse_action(trigger: str, data: Any, strict: bool = False) -> tuple[int, dict[str, Any]]:
    """(version, payload) from form or JSON input; ``ValidationError`` per field if bad."""
    loaded = action_schema(trigger, strict).load(_gather_grid(trigger, data))
    version = loaded.pop("version")
    payload = {k: v for k, v in loaded.items() if v not in (None, "")}
    if "level" in payload:
        payload["level"] = int(payload["level"])
    return version, payload


def _gather_grid(trigger: str, data: Any) -> Any:
    """The page's grid rows (participation_<agency>, participation_reason_<agency>) as the
    two mappings the API sends; blank rows are left out."""
    if not isinstance(data, dict) or not any(f.kind == "grid"
                                             for f in ACTION_FIELDS.get(trigger, ())):
        return data
    rows = {k: v for k, v in data.items()
            if k.startswith(GRID_STATUS) and k != "participation_reasons"}
    rest = {k: v for k, v in data.items() if k not in rows}
    reasons = {k[len(GRID_REASON):]: v for k, v in rows.items()
               if k.startswith(GRID_REASON) and isinstance(v, str) and v.strip()}
    statuses = {k[len(GRID_STATUS):]: v for k, v in rows.items()
                if not k.startswith(GRID_REASON) and v}
    extra = {"participation": statuses} if statuses else {}
    if reasons:
        extra["participation_reasons"] = reasons
    return rest | extra


def form_data(trigger: str, form: Any) -> dict[str, Any]:
    """What a posted page form says, lists where the field is a list (checkboxes)."""
    # An input left empty was not given (an empty date would otherwise be "not a date").
    data: dict[str, Any] = {k: v for k, v in form.items()
                            if k not in ("csrf_token", "preview") and v != ""}
    for f in ACTION_FIELDS.get(trigger, ()):
        if f.kind == "checkboxes":
            data[f.name] = form.getlist(f.name)
    if trigger == "decide":
        data["indicators"] = form.getlist("indicators")
    return data


def owns_field(trigger: str, field: str) -> bool:
    """Whether a refusal's field is shown inside this action's form (a grid row counts)."""
    mine = ACTION_FIELDS.get(trigger, ())
    return any(f.name == field or (f.kind == "grid" and field.startswith(GRID_STATUS))
               for f in mine)


_SOURCE = "Choose a referral source from the CIN code list"
_CONCERNS = "Describe the concerns"
_CHILDREN = "Add between one and six children"


class NewContactSchema(Schema):
    """A new contact from the form or the API: up to six children recorded together."""

    # A missing field gets the same words as a wrong one: say what to do, not
    # marshmallow's "Missing data for required field." (GOV.UK error messages).
    received_at = LocalDateTime(required=True, error_messages={
        "required": "Enter the date and time the contact was received"})
    source = fields.String(required=True, validate=validate.OneOf(
        list(REFERRAL_SOURCES), error=_SOURCE), error_messages={"required": _SOURCE})
    channel = fields.String(load_default="phone")
    referrer = fields.String(load_default="", validate=validate.Length(max=160))
    concerns = fields.String(required=True, validate=validate.Length(
        min=1, max=10000, error=_CONCERNS), error_messages={"required": _CONCERNS})
    consent = fields.String(load_default="not_recorded", validate=validate.OneOf(
        ["given", "refused", "not_sought_risk", "not_recorded"]))
    children = fields.List(fields.Dict(), required=True, validate=validate.Length(
        min=1, max=6, error=_CHILDREN), error_messages={"required": _CHILDREN})


def flat_errors(error: ValidationError) -> dict[str, str]:
    """marshmallow's nested messages as field → one sentence (for the GOV.UK summary)."""
    messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
    return {str(k): " ".join(map(str, v)) if isinstance(v, list) else str(v)
            for k, v in messages.items()}
