"""The person record: one per child (or adult in a child's life), shared by every contact.

What it holds is what the people at the front door need to tell two children apart and
what the statutory returns describe (the CIN census's child: sex, ethnicity, disabilities,
UPN or the reason it is unknown; the NHS number as the consistent identifier the Children's
Wellbeing and Schools Act 2026 s16LC asks for). ``Person`` is the stored record;
``PersonDetails`` is what a person typed or an integrating system sent, before it is
checked. The fields a person may change one at a time are ``EDITABLE``.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from datetime import date, datetime

from workflow.people.consistent_identifier import IdentifierStatus

#: Sex as the CIN census collects it since 2024-25 (<Sex>): male, female, unknown.
SEXES = {"M": "Male", "F": "Female", "U": "Not known"}
#: Immigration status where it matters to the child's care (UASC: census factor 9A).
IMMIGRATION_STATUSES = {"": "Not relevant or not known",
                        "uasc": "Unaccompanied asylum-seeking child",
                        "accompanied_asylum_seeker": "Asylum seeker with family",
                        "refugee": "Refugee status", "no_recourse": "No recourse to public funds",
                        "other": "Other"}
#: Relationships of a relative to a person ("the relative is the person's mother").
RELATIONSHIPS = {"mother": "Mother", "father": "Father", "step_parent": "Step-parent",
                 "parent_partner": "Parent's partner", "sibling": "Sibling",
                 "half_sibling": "Half-sibling", "grandparent": "Grandparent",
                 "carer": "Carer", "other_adult": "Other adult in the household",
                 "other_relative": "Other relative"}
#: Each relationship seen from the relative's side (the mother's child is her "child").
INVERSE = {"sibling": "sibling", "half_sibling": "half_sibling"}
KINDS = {"child": "Child", "adult": "Adult"}


@dataclass(frozen=True)
class Address:
    """An address (postcode normalised, its outward part kept for search)."""

    line_1: str
    postcode: str
    line_2: str = ""
    town: str = ""
    moved_in: date | None = None
    moved_out: date | None = None
    id: int | None = None

    @property
    def outward(self) -> str:
        return self.postcode.split(" ")[0]


@dataclass(frozen=True)
class PersonDetails:
    """A person as typed or sent: every field optional but the legal names."""

    first_name: str
    last_name: str
    _: KW_ONLY  # everything else by name: a date of birth must never land in ``kind``
    kind: str = "child"
    preferred_name: str = ""
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: str = "U"
    gender_identity: str = ""
    ethnicity: str = "NOBT"
    disabilities: tuple[str, ...] = ()
    first_language: str = ""
    immigration_status: str = ""
    nhs_number: str | None = None
    upn: str | None = None
    upn_unknown: str | None = None
    school: str = ""
    identifier_status: str = IdentifierStatus.INCLUDED.value
    identifier_reason: str = ""
    address: Address | None = None


@dataclass(frozen=True)
class Person(PersonDetails):
    """A stored person, with its version and who decided the identifier status."""

    id: int = 0
    version: int = 1
    identifier_decided_by: str | None = None
    identifier_decided_at: datetime | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


#: The fields changed one at a time, each change a history row (who, when, old → new, why).
EDITABLE = ("first_name", "last_name", "preferred_name", "date_of_birth",
            "expected_date_of_birth", "sex", "gender_identity", "ethnicity", "disabilities",
            "first_language", "immigration_status", "nhs_number", "upn", "upn_unknown",
            "school", "identifier_status", "identifier_reason")


@dataclass(frozen=True)
class Change:
    """One field of a person changed."""

    field: str
    old: str
    new: str


def shown(value: object) -> str:
    """A field's value as the history shows it ("" for nothing)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(map(str, value))
    return str(value)
