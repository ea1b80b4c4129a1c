"""What makes a person's details acceptable, checked where they are entered.

Each check says which field is wrong and what to record instead, so a page shows every
problem at once beside its field and an integrating system gets the same field errors:
names present, dates of birth real and not in the future (an unborn child has an expected
date instead), sex, ethnicity and disabilities from the DfE's code lists for the year in
which they are recorded, the UPN's check letter and LA number (DfE rules 1510 and 1530),
a UPN-unknown reason the census would accept for the child's age (8770Q), the NHS number's
Modulus 11 check digit, and an identifier withheld only with a reason (s16LC).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from workflow.people.codes import CodeBook, UnknownCode, load_code_lists
from workflow.people.consistent_identifier import IdentifierStatus
from workflow.people.nhs_number import nhs_number_problem, normalise_nhs_number
from workflow.people.postcodes import normalise_postcode
from workflow.people.records import IMMIGRATION_STATUSES, SEXES, Address, PersonDetails
from workflow.people.upn import LaNumbers, load_la_numbers, normalise_upn, upn_problem
from workflow.people.upn_unknown import (
    SchoolAgeRules,
    derive_upn_unknown,
    load_school_age_rules,
    upn_unknown_problem,
)
from workflow.people.years import CollectionYear

#: The latest an expected date of birth may be (a pregnancy's full term and a margin).
MAX_DAYS_UNBORN = 300
D = TypeVar("D", bound=PersonDetails)
#: Statuses saying the council does not hold the identifier (s16LC(8), (4)(b)).
_NOT_HELD = (IdentifierStatus.NOT_KNOWN_UNREASONABLE_DELAY, IdentifierStatus.NO_IDENTIFIER_RELATES)
_POSTCODE = "A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA or AA9A 9AA"


@dataclass(frozen=True)
class PeopleRules:
    """The code lists and identifier rules the person record is checked against."""

    codes: CodeBook
    la_numbers: LaNumbers
    school_age: SchoolAgeRules
    la_number: str = ""

    def year(self, on: date) -> CollectionYear:
        """The census year a day falls in (its code lists apply)."""
        return CollectionYear.containing(on)


def load_people_rules(config_dir: Path, la_number: str = "") -> PeopleRules:
    """The DfE code lists and identifier rules of ``config/codes``."""
    codes_dir = config_dir / "codes"
    return PeopleRules(load_code_lists(codes_dir),
                       load_la_numbers(codes_dir / "rules" / "la_numbers.toml"),
                       load_school_age_rules(codes_dir / "rules" / "school_age.toml"),
                       la_number)


def _code(rules: PeopleRules, concept: str, code: str, on: date) -> str | None:
    try:
        if rules.codes.is_valid(concept, code, rules.year(on)):
            return None
    except UnknownCode:
        return None  # no list for the year: nothing to check it against
    choices = ", ".join(c for c, _ in rules.codes.choices(concept, rules.year(on)))
    return f"choose a {concept} code from the DfE list ({choices})"


def _dates(d: PersonDetails, on: date) -> dict[str, str]:
    errors = {}
    if d.date_of_birth and d.date_of_birth > on:
        errors["date_of_birth"] = "the date of birth cannot be in the future"
    if d.date_of_birth and d.expected_date_of_birth:
        errors["expected_date_of_birth"] = ("give the expected date of birth only for a child "
                                            "not yet born")
    if d.expected_date_of_birth and (d.expected_date_of_birth - on).days > MAX_DAYS_UNBORN:
        errors["expected_date_of_birth"] = ("the expected date of birth is more than "
                                            f"{MAX_DAYS_UNBORN} days away")
    return errors


def _codes(rules: PeopleRules, d: PersonDetails, on: date) -> dict[str, str]:
    errors = {}
    if d.sex not in SEXES:
        errors["sex"] = "choose male, female or not known (M, F or U)"
    if problem := _code(rules, "ethnicity", d.ethnicity, on):
        errors["ethnicity"] = problem
    bad = [c for c in d.disabilities if _code(rules, "disability", c, on)]
    if bad:
        errors["disabilities"] = f"{bad[0]} is not a DfE disability code"
    elif "NONE" in d.disabilities and len(d.disabilities) > 1:
        errors["disabilities"] = "NONE cannot be recorded with another disability (rule 8790)"
    elif len(set(d.disabilities)) != len(d.disabilities):
        errors["disabilities"] = "record each disability once (rule 8794)"
    if d.immigration_status not in IMMIGRATION_STATUSES:
        errors["immigration_status"] = "choose an immigration status from the list"
    return errors


def _identifiers(rules: PeopleRules, d: PersonDetails, on: date) -> dict[str, str]:
    errors = {}
    if d.nhs_number and (problem := nhs_number_problem(d.nhs_number)):
        errors["nhs_number"] = problem
    year = rules.year(on)
    if d.upn and (problem := upn_problem(d.upn, rules.la_numbers.for_year(year))):
        errors["upn"] = problem
    if d.upn and d.upn_unknown:
        errors["upn_unknown"] = "give a reason the UPN is unknown only when there is no UPN"
    if d.upn_unknown and not d.upn and (problem := upn_unknown_problem(
            d.upn_unknown, birth_date=d.date_of_birth, all_referrals_nfa=False, year=year,
            rules=rules.school_age)):
        errors["upn_unknown"] = problem
    return errors


def _identifier_status(d: PersonDetails) -> dict[str, str]:
    try:
        status = IdentifierStatus(d.identifier_status)
    except ValueError:
        return {"identifier_status": "choose the consistent identifier's status from the list"}
    if status.needs_decision and not d.identifier_reason.strip():
        return {"identifier_reason": f"say why the NHS number is not included "
                                     f"({status.citation})"}
    if status is IdentifierStatus.INCLUDED and d.kind == "child" and not d.nhs_number and (
            d.identifier_reason.strip()):
        return {"identifier_status": "a reason is given but the status says it is included"}
    if status in _NOT_HELD and d.nhs_number:
        return {"identifier_status": "the NHS number is recorded, so the status cannot say "
                                     "there is none or it is not known: choose included"}
    return {}


def _names(d: PersonDetails) -> dict[str, str]:
    errors = {}
    for name, what in (("first_name", "first"), ("last_name", "last")):
        if not getattr(d, name).strip():
            errors[name] = f"enter the {what} name (the legal name; a preferred name has a "\
                           "field of its own)"
    if d.kind not in ("child", "adult"):
        errors["kind"] = "say whether the person is a child or an adult"
    return errors


def address_problems(address: Address) -> dict[str, str]:
    """What is missing or wrong in an address (its first line and a UK postcode's shape)."""
    errors = {}
    if not address.line_1.strip():
        errors["line_1"] = "enter the first line of the address"
    if problem := postcode_problem(address.postcode):
        errors["postcode"] = problem
    return errors


def normalised_address(address: Address) -> Address:
    """The address as stored: trimmed, the postcode in its standard form (``WR1 2AB``)."""
    return replace(address, line_1=address.line_1.strip(), line_2=address.line_2.strip(),
                   town=address.town.strip(),
                   postcode=str(normalise_postcode(address.postcode) or address.postcode))


def details_problems(rules: PeopleRules, details: PersonDetails, on: date) -> dict[str, str]:
    """Every problem with a person's details on ``on``, field → what to record instead
    (an address's fields as ``address.postcode``)."""
    found = (_names(details) | _dates(details, on) | _codes(rules, details, on)
             | _identifiers(rules, details, on) | _identifier_status(details))
    if details.address is not None:
        found |= {f"address.{k}": v for k, v in address_problems(details.address).items()}
    return found


def normalised(rules: PeopleRules, details: D, on: date) -> D:
    """The details as stored: identifiers without spaces, the UPN-unknown reason derived
    where the rules settle it (a child not yet of school age: UN1)."""
    nhs = normalise_nhs_number(details.nhs_number) if details.nhs_number else None
    upn = normalise_upn(details.upn) if details.upn else None
    reason = details.upn_unknown
    if details.kind == "child" and not upn and not reason:
        derived = derive_upn_unknown(has_upn=False, birth_date=details.date_of_birth,
                                     all_referrals_nfa=False, year=rules.year(on),
                                     rules=rules.school_age)
        reason = derived.value if derived else None
    address = normalised_address(details.address) if details.address else None
    return replace(details, nhs_number=nhs or None, upn=upn or None, upn_unknown=reason,
                   first_name=details.first_name.strip(), last_name=details.last_name.strip(),
                   address=address)


def postcode_problem(postcode: str) -> str | None:
    """A UK postcode's shape (not whether it exists), or what is wrong with it."""
    if normalise_postcode(postcode) is None:
        return f"enter a UK postcode ({_POSTCODE})"
    return None
