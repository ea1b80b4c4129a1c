"""What an action asks for, written once: a typed payload from which the page's form, the
API's body and the validation are all derived.

Each action declares a frozen dataclass whose attributes are made with ``ask(...)``: the
attribute's name is the payload key, the ``Ask`` beside it says how a person is asked for
it (label, widget, choices, hint, length). ``schema_for`` builds the marshmallow schema from
that one declaration and ``load`` turns submitted data into the dataclass, refusing unknown
keys and malformed values with a message per field. Whether a field is *required* is a
rule of the process (the action's guards name the field and say why), so the schema only
checks type, choice and length: a half-filled form reaches the guards and is told what is
missing in the domain's words.

Text is refused when it holds a NUL character or a lone surrogate (PostgreSQL refuses the
first and UTF-8 cannot store the second), ids are bounded to what an ``Integer`` column
holds, and a date-time must name an instant that exists: bad input is a field message on
every database, never a server error.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, pre_load, validate

from workflow.errors import InvalidInput

LONDON = ZoneInfo("Europe/London")
#: The largest id an ``Integer`` column holds on PostgreSQL (SQLite would take more).
MAX_ID = 2**31 - 1


class Kind(StrEnum):
    """How a field is asked for on a page (the API takes the same key and type)."""

    TEXT = "text"  # a short line
    EMAIL = "email"  # a short line holding one email address (checked by a guard)
    TEXTAREA = "textarea"  # free text
    RADIOS = "radios"  # one of a few choices
    SELECT = "select"  # one of many choices
    YES_NO = "yes_no"  # yes or no, loaded as a boolean
    LEVEL = "level"  # a choice among numbers (the level of need), loaded as an int
    DATETIME = "datetime"  # a moment; without an offset it is Europe/London
    DATE = "date"
    CHECKBOXES = "checkboxes"  # several codes
    INDICATORS = "indicators"  # the levels-of-need picker: indicator ids
    GRID = "grid"  # the strategy discussion's agency rows: agency -> status
    REASONS = "reasons"  # per-agency reasons shown inside the grid: agency -> text
    ID = "id"  # a stored record's id, never typed by a person


@dataclass(frozen=True)
class Ask:
    """How one payload field is asked for: label, widget, choices, hint, length limit."""

    label: str
    kind: Kind = Kind.TEXTAREA
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    max_length: int = 5000
    #: Choices that are configuration, named here and listed by whoever renders the form
    #: ("agencies": the partner agencies of config/agencies.toml); a guard checks them.
    choices_from: str = ""


@dataclass(frozen=True)
class Field:
    """A payload field as forms and documents see it: its key plus how it is asked for."""

    name: str
    label: str
    kind: Kind
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    max_length: int = 5000
    choices_from: str = ""


_TEXT_KINDS = (Kind.TEXT, Kind.EMAIL, Kind.TEXTAREA)
_LIST_KINDS = (Kind.CHECKBOXES, Kind.INDICATORS)
_MAP_KINDS = (Kind.GRID, Kind.REASONS)


def ask(label: str, kind: Kind = Kind.TEXTAREA, choices: tuple[tuple[str, str], ...] = (),
        hint: str = "", max_length: int = 5000, choices_from: str = "") -> Any:
    """A payload attribute: its default says "not given" ("" for text, () for lists,
    an empty mapping for grids, None otherwise)."""
    meta = {"ask": Ask(label, kind, choices, hint, max_length, choices_from)}
    if kind in _TEXT_KINDS:
        return dataclasses.field(default="", metadata=meta)
    if kind in _LIST_KINDS:
        return dataclasses.field(default=(), metadata=meta)
    if kind in _MAP_KINDS:
        return dataclasses.field(default_factory=dict, metadata=meta)
    return dataclasses.field(default=None, metadata=meta)


@dataclass(frozen=True)
class Payload:
    """Base of every action's payload (the empty payload of an action that asks nothing)."""

    #: Keys a page form may send besides the fields (handled by the page itself).
    FORM_ONLY: ClassVar[tuple[str, ...]] = ()


P = TypeVar("P", bound=Payload)


def asks(payload: type[Payload]) -> tuple[Field, ...]:
    """Every field of a payload class, in declaration order."""
    found = []
    for f in dataclasses.fields(payload):
        meta = f.metadata.get("ask")
        if isinstance(meta, Ask):
            found.append(Field(f.name, meta.label, meta.kind, meta.choices, meta.hint,
                               meta.max_length, meta.choices_from))
    return tuple(found)


def field_names(payload: type[Payload]) -> frozenset[str]:
    """The keys a payload class takes."""
    return frozenset(f.name for f in asks(payload))


# -- marshmallow fields for each kind --------------------------------------------------
def _clean_text(value: str) -> str:
    """Refuse what no database can store faithfully (NUL, lone surrogates)."""
    if "\x00" in value:
        raise ValidationError("Remove the NUL character: it cannot be stored")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Remove the character that is not valid text") from None
    return value


class Text(fields.String):
    """Text, stripped; refused when it cannot be stored."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kw)
        return _clean_text(text).strip()


class LocalDateTime(fields.DateTime):
    """A date and time; without an offset it is read as Europe/London (what people type).
    A date alone means the start of that London day (a meeting "held on 5 March")."""

    default_error_messages = {"invalid": "Enter a real date and time",
                              "invalid_awareness": "Enter a real date and time",
                              "format": "Enter a real date and time"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> datetime:
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date) or (isinstance(value, str) and len(value) == 10):
            parsed = datetime.combine(_day(value), datetime.min.time())
        else:
            if isinstance(value, str) and len(value) == 16:  # <input type=datetime-local>
                value = value + ":00"
            parsed = super()._deserialize(value, attr, data, **kw)
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)
        try:  # 0001-01-01T00:00+14:00 parses but has no UTC instant: refuse, not a 500
            parsed.astimezone(UTC).astimezone(LONDON)
        except OverflowError:
            raise self.make_error("invalid") from None
        return parsed


def _day(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Enter a real date and time") from None


class LocalDate(fields.Date):
    """A calendar date (a date-time given here is refused: say which day)."""

    default_error_messages = {"invalid": "Enter a real date", "format": "Enter a real date"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> date:
        if isinstance(value, datetime):
            raise self.make_error("invalid")
        if isinstance(value, date):
            return value
        day: date = super()._deserialize(value, attr, data, **kw)
        return day


class NumberChoice(fields.Integer):
    """A choice among numbers: the page's radio sends "4", a JSON client may send 4.

    Both load as the integer 4; a float, a boolean or a word is refused, never rounded or
    coerced (``4.5`` is not level 4, and ``true`` is not level 1).
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int:
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid", input=value)
        number: int = super()._deserialize(value, attr, data, **kw)
        return number


def _choice(spec: Field) -> fields.Field:
    if spec.choices_from:  # configuration: the action's guard names the choices
        return Text(validate=validate.Length(max=spec.max_length), load_default=None)
    allowed = [value for value, _ in spec.choices]
    message = "Choose one of: " + ", ".join(allowed)
    return Text(validate=validate.OneOf(allowed, error=message), load_default=None,
                error_messages={"invalid": message})


def _level(spec: Field) -> fields.Field:
    allowed = [int(value) for value, _ in spec.choices]
    message = "Choose one of: " + ", ".join(map(str, allowed))
    return NumberChoice(strict=True, load_default=None, error_messages={"invalid": message},
                        validate=validate.OneOf(allowed, error=message))


def _mapping(spec: Field) -> fields.Field:
    if spec.kind is Kind.GRID:
        allowed = [v for v, _ in spec.choices]
        values: fields.Field = Text(validate=validate.OneOf(
            allowed, error="Choose one of: " + ", ".join(allowed)))
    else:
        values = Text(validate=validate.Length(max=spec.max_length))
    return fields.Dict(keys=Text(validate=validate.Length(min=1, max=40)), values=values,
                       load_default=dict)


def _marshmallow_field(spec: Field) -> fields.Field:
    kind = spec.kind
    if kind in _TEXT_KINDS:
        error = f"Write no more than {spec.max_length:,} characters"
        return Text(validate=validate.Length(max=spec.max_length, error=error),
                    load_default="")
    if kind in (Kind.RADIOS, Kind.SELECT):
        return _choice(spec)
    if kind is Kind.YES_NO:
        return fields.Boolean(truthy={"yes", True}, falsy={"no", False}, load_default=None,
                              error_messages={"invalid": "Choose yes or no"})
    if kind is Kind.LEVEL:
        return _level(spec)
    if kind is Kind.DATETIME:
        return LocalDateTime(load_default=None)
    if kind is Kind.DATE:
        return LocalDate(load_default=None)
    if kind in _LIST_KINDS:
        return fields.List(Text(validate=validate.Length(max=40)), load_default=tuple,
                           validate=validate.Length(max=200))
    if kind in _MAP_KINDS:
        return _mapping(spec)
    message = "Give the id of a stored record"
    return NumberChoice(strict=True, load_default=None, error_messages={"invalid": message},
                        validate=validate.Range(1, MAX_ID, error=message))


# -- the schema --------------------------------------------------------------------------
_NOT_GIVEN = ("", None)


_SCHEMAS: dict[type, Schema] = {}


def schema_for(payload: type[Payload]) -> Schema:
    """The marshmallow schema of a payload class (unknown keys refused), built once."""
    if payload not in _SCHEMAS:
        _SCHEMAS[payload] = _build_schema(payload)
    return _SCHEMAS[payload]


def body_fields(payload: type[Payload]) -> dict[str, fields.Field]:
    """Fresh marshmallow fields for a payload's keys (for a schema that documents an API
    body beside other keys, such as the version the client read)."""
    return {s.name: _marshmallow_field(s) for s in asks(payload)}


def _build_schema(payload: type[Payload]) -> Schema:
    specs = asks(payload)
    declared: dict[str, Any] = body_fields(payload)
    blank_is_absent = {s.name for s in specs if s.kind not in _TEXT_KINDS}
    lists = {s.name for s in specs if s.kind in _LIST_KINDS}

    def drop_blanks(self: Schema, data: Any, **_kw: Any) -> Any:
        """An empty choice, date or id on a form means "not given", not "not a date"."""
        if not isinstance(data, Mapping):
            return data
        return {k: v for k, v in data.items() if not (k in blank_is_absent and v in _NOT_GIVEN)}

    def build(self: Schema, data: dict[str, Any], **_kw: Any) -> Payload:
        data = {k: tuple(v) if k in lists else v for k, v in data.items()}
        return payload(**data)

    declared["_drop_blanks"] = pre_load(drop_blanks)
    declared["_build"] = post_load(build)
    schema_class = type(f"{payload.__name__}Schema", (Schema,), declared)
    return typing.cast(Schema, schema_class(unknown=RAISE))


def load(payload: type[P], data: Mapping[str, Any] | P) -> P:
    """Submitted data as the action's typed payload, or ``InvalidInput`` per field."""
    if isinstance(data, payload):
        return data
    if not isinstance(data, Mapping):
        raise InvalidInput({"payload": "send the action's fields as an object"})
    try:
        loaded = schema_for(payload).load(dict(data))
    except ValidationError as error:
        raise InvalidInput(flat_errors(error)) from None
    return typing.cast(P, loaded)


def flat_errors(error: ValidationError) -> dict[str, str]:
    """marshmallow's nested messages as field → one sentence (for the GOV.UK summary)."""
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    flat: dict[str, str] = {}
    for key, value in messages.items():
        flat[str(key)] = _sentence(value)
    return {k: ("Remove this field: it is not one this action takes"
                if v == "Unknown field." else v) for k, v in flat.items()}


def _sentence(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_sentence(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}: {_sentence(v)}" for k, v in value.items())
    return str(value)


def as_record(payload: Payload) -> dict[str, Any]:
    """The payload as JSON-safe data for the event row (dates as ISO text)."""
    return {k: _plain(v) for k, v in dataclasses.asdict(payload).items()
            if v not in ("", None, (), {})}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value
