"""The person record in the JSON API: what an integrating system may send, what it gets back.

One set of fields for every route that takes a person's details (a new contact's child, a
relative, a change to a record), each the person record's own field with its column's
limits, so nothing a database would refuse reaches it and nothing sent is dropped: an
unknown key is refused with its name. The checks that need the DfE's code lists and the
identifier rules (an ethnicity code, a UPN's check letter, an NHS number's check digit, a
UPN-unknown reason for the child's age) are the person record's own
(``workflow.people.rules``), run by the command, so the API and the pages refuse the same
values with the same words.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from workflow.engine.payload import MAX_ID, LocalDate, Text
from workflow.people.consistent_identifier import IdentifierStatus
from workflow.people.postcodes import normalise_postcode
from workflow.people.records import IMMIGRATION_STATUSES, KINDS, SEXES, Address, PersonDetails
from workflow.people.rules import postcode_problem


class BlankText(Text):
    """Optional text: ``null`` means "nothing recorded" (stored as an empty string)."""

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None,
                    **kwargs: Any) -> Any:
        if value is None:
            return ""
        return super().deserialize(value, attr, data, **kwargs)


def _text(most: int) -> Text:
    return BlankText(validate=validate.Length(
        max=most, error=f"Write no more than {most} characters"))


def _choice(allowed: list[str], error: str) -> Text:
    return Text(validate=validate.OneOf(allowed, error=error))


def _identifier(most: int) -> Text:
    """An identifier as typed (spaces allowed); the record's rules check and normalise it."""
    return Text(allow_none=True, validate=validate.Length(
        max=most, error=f"Write no more than {most} characters"))


class Strict(Schema):
    """Unknown keys are refused, never dropped."""

    class Meta:
        unknown = RAISE


class AddressIn(Strict):
    """An address; the postcode is checked for its shape and stored normalised."""

    line_1 = Text(required=True, validate=validate.Length(
        1, 120, error="Enter the first line of the address (up to 120 characters)"))
    line_2 = _text(120)
    town = _text(80)
    postcode = Text(required=True, validate=validate.Length(max=10))
    moved_in = LocalDate(allow_none=True)

    @validates_schema
    def _postcode(self, data: dict[str, Any], **_kw: Any) -> None:
        if "postcode" in data and (problem := postcode_problem(data["postcode"])):
            raise ValidationError({"postcode": [problem]})

    @post_load
    def _address(self, data: dict[str, Any], **_kw: Any) -> Address:
        return Address(data["line_1"], str(normalise_postcode(data["postcode"])),
                       data.get("line_2", ""), data.get("town", ""),
                       moved_in=data.get("moved_in"))


_IMMIGRATION = "Choose one of: " + ", ".join(f'"{s}"' for s in IMMIGRATION_STATUSES)
_IDENTIFIER = "Choose one of: " + ", ".join(s.value for s in IdentifierStatus)


def person_fields() -> dict[str, fields.Field]:
    """Fresh fields for every editable detail of a person (names, dates, census codes,
    identifiers, school, the consistent identifier's status). None has a default: a key
    that is not sent is not a change, and a new record takes the record's own defaults."""
    return {
        "first_name": _text(80), "last_name": _text(80), "preferred_name": _text(80),
        "date_of_birth": LocalDate(allow_none=True),
        "expected_date_of_birth": LocalDate(allow_none=True),
        "sex": _choice(list(SEXES), "Choose male, female or not known (M, F or U)"),
        "gender_identity": _text(80),
        "ethnicity": Text(validate=validate.Length(
            1, 4, error="Give the DfE ethnicity code (up to 4 letters)")),
        "disabilities": fields.List(Text(validate=validate.Length(
            1, 4, error="Give each DfE disability code (up to 4 letters)")),
            validate=validate.Length(max=20)),
        "first_language": _text(80),
        "immigration_status": _choice(list(IMMIGRATION_STATUSES), _IMMIGRATION),
        "nhs_number": _identifier(20), "upn": _identifier(20), "upn_unknown": _identifier(4),
        "school": _text(120),
        "identifier_status": _choice([s.value for s in IdentifierStatus], _IDENTIFIER),
        "identifier_reason": _text(2000),
    }


def _named(data: dict[str, Any]) -> None:
    missing = {name: [f"enter the {what} name"] for name, what in
               (("first_name", "first"), ("last_name", "last")) if not data.get(name)}
    if missing:
        raise ValidationError(missing)


class PersonIn(Strict.from_dict(person_fields(), name="PersonFields")):  # type: ignore[misc]
    """A person to record: the legal names and any other detail of the record."""

    kind = _choice(list(KINDS), "Say whether the person is a child or an adult")
    address = fields.Nested(AddressIn, allow_none=True)

    @validates_schema
    def _names(self, data: dict[str, Any], **_kw: Any) -> None:
        _named(data)


_ID = "Give the id of a person already on record"
_ALONE = "A known person is named by person_id alone: leave out the other details"


class ChildIn(PersonIn):
    """One child of a new contact: a known person's ``person_id``, or the child's details
    (``confirm_new`` says the child is not one of the known children the check offered)."""

    kind = _choice(["child"], "A contact is about a child: kind is child")
    person_id = fields.Integer(strict=True, validate=validate.Range(1, MAX_ID, error=_ID))
    child_id = fields.Integer(strict=True, validate=validate.Range(1, MAX_ID, error=_ID),
                              metadata={"description": "The earlier name of person_id"})
    confirm_new = fields.Boolean(metadata={
        "description": "true: record a new child although known children may match"})

    @validates_schema
    def _names(self, data: dict[str, Any], **_kw: Any) -> None:
        known = [k for k in ("person_id", "child_id") if k in data]
        if len(known) > 1:
            raise ValidationError({"child_id": ["Give person_id only"]})
        if known and set(data) - set(known):
            raise ValidationError({known[0]: [_ALONE]})
        if not known:
            _named(data)


class PersonChangesIn(Strict.from_dict(person_fields(), name="PersonChangeFields")):  # type: ignore[misc]
    """Fields to change on a record, the version read, and why a recorded value changes."""

    version = fields.Integer(required=True, strict=True, validate=validate.Range(0, MAX_ID),
                             metadata={"description": "The person's version you read (409 if "
                                                      "it moved on)"})
    reason = _text(2000)


class RelationshipIn(Strict):
    """A relative of the person: one on record (``relative_id``) or a new one's details."""

    kind = Text(required=True, validate=validate.Length(max=40))
    relative_id = fields.Integer(strict=True, validate=validate.Range(1, MAX_ID, error=_ID))
    relative = fields.Nested(PersonIn)
    parental_responsibility = fields.Boolean(load_default=False)
    lives_with = fields.Boolean(load_default=False)

    @validates_schema
    def _one_relative(self, data: dict[str, Any], **_kw: Any) -> None:
        if ("relative_id" in data) == ("relative" in data):
            raise ValidationError({"relative_id": [
                "Give relative_id (a person on record) or relative (a new one's details)"]})


class WarningIn(Strict):
    text = Text(required=True, validate=validate.Length(
        1, 2000, error="Write the warning (up to 2,000 characters)"))


def details_of(loaded: dict[str, Any], kind: str = "child") -> PersonDetails:
    """A loaded person body as the record's details (its defaults for what was not sent)."""
    sent = {k: v for k, v in loaded.items() if k in _DETAIL_FIELDS}
    if "disabilities" in sent:
        sent["disabilities"] = tuple(sent["disabilities"])
    return PersonDetails(**({"kind": kind} | sent))


_DETAIL_FIELDS = frozenset(f.name for f in dataclasses.fields(PersonDetails))


# -- out ----------------------------------------------------------------------------------
class AddressOut(Schema):
    id = fields.Integer(allow_none=True)
    line_1 = fields.String()
    line_2 = fields.String()
    town = fields.String()
    postcode = fields.String()
    moved_in = fields.Date(allow_none=True)
    moved_out = fields.Date(allow_none=True)


class PersonOut(Schema):
    """Every stored field of a person's record."""

    id = fields.Integer()
    version = fields.Integer()
    kind = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    preferred_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    expected_date_of_birth = fields.Date(allow_none=True)
    sex = fields.String()
    gender_identity = fields.String()
    ethnicity = fields.String()
    disabilities = fields.List(fields.String())
    first_language = fields.String()
    immigration_status = fields.String()
    nhs_number = fields.String(allow_none=True)
    upn = fields.String(allow_none=True)
    upn_unknown = fields.String(allow_none=True)
    school = fields.String()
    identifier_status = fields.String()
    identifier_reason = fields.String()
    identifier_decided_by = fields.String(allow_none=True)
    identifier_decided_at = fields.DateTime(allow_none=True)
    address = fields.Nested(AddressOut, allow_none=True,
                            metadata={"description": "The current address"})


class CandidateOut(Schema):
    """A known child who may be the one sent, and why the check thinks so."""

    person_id = fields.Integer()
    name = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    postcode = fields.String(allow_none=True)
    score = fields.Integer()
    reasons = fields.List(fields.String())
    by_identifier = fields.Boolean()
