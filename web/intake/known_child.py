"""The known-child step of recording a contact: show candidates, take the worker's choice.

Why a step in the form rather than a silent link: matching is tolerant on purpose (a
misspelt name, a swapped date of birth), so it suggests and the worker decides
(DOMAIN.md §4 habit: the system recommends, the worker decides). The first submission
of the new-contact form looks each child up; if anyone might already be known, the form
comes back with the candidates and a choice per child — link to this child, or confirm a
new one. A choice is only accepted for a candidate the matcher offered for that child, so
a tampered form cannot link a contact to an arbitrary record.

Each candidate shows where they live now beside the postcode typed for this contact:
two children of one name and date of birth are told apart by where they live. A candidate
with an open case says so, because linking them passes the contact to their allocated
worker at once — the decision, after which the referrer is told (DOMAIN.md §3), so the
step asks what the referrer was told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from reporting import ReadSession
from reporting.intake import current_postcodes, known_child_candidates, with_open_case
from workflow.intake.matching import Candidate
from workflow.people.records import PersonDetails

NEW = "new"
IDENTIFIERS = ("nhs_number", "upn")
_NHS = re.compile(r"\d{10}")
_UPN = re.compile(r"[A-Z]\d{11}[0-9A-Z]")


@dataclass(frozen=True)
class KnownChildStep:
    """The children to record (new details or a known child's id) and what is unresolved."""

    children: list[PersonDetails | int]
    unresolved: list[dict[str, Any]]
    errors: dict[str, str]

    @property
    def open_case(self) -> bool:
        """Whether a child still to choose may have an open case (the referrer is then
        told of the decision from this step)."""
        return any(c["open_case"] for m in self.unresolved for c in m["candidates"])


def identifiers(kid: dict[str, str], index: int) -> tuple[dict[str, str | None],
                                                         dict[str, str]]:
    """NHS number and UPN typed for child ``index`` (spaces removed), with any errors."""
    nhs = re.sub(r"\s", "", kid.get("nhs_number") or "")
    upn = re.sub(r"\s", "", kid.get("upn") or "").upper()
    errors = {}
    if nhs and not _NHS.fullmatch(nhs):
        errors[f"child-{index}-nhs_number"] = f"Child {index + 1}'s NHS number has 10 digits"
    if upn and not _UPN.fullmatch(upn):
        errors[f"child-{index}-upn"] = (f"Child {index + 1}'s UPN is a letter, 11 digits and "
                                        "a digit or letter (13 characters)")
    return {"nhs_number": nhs or None, "upn": upn or None}, errors


def known_child_step(db: ReadSession, form: MultiDict[str, str],
                     details: list[PersonDetails]) -> KnownChildStep:
    """Resolve each child against the known ones, from the worker's choices so far."""
    chosen: list[PersonDetails | int] = []
    unresolved, errors = [], {}
    for index, child in enumerate(details):
        found = known_child_candidates(db, child)
        choice = form.get(f"child-{index}-match") or ""
        if choice == NEW or not found:
            chosen.append(child)
        elif (picked := _picked(choice, found)) is not None:
            chosen.append(picked)
        else:
            if choice:
                errors[f"child-{index}-match"] = "Choose one of the children shown, or a new one"
            unresolved.append(_choice_view(db, index, child, found))
    return KnownChildStep(chosen, unresolved, errors)


def _picked(choice: str, found: list[Candidate]) -> int | None:
    ids = {c.child.id for c in found}
    return int(choice) if choice.isdigit() and int(choice) in ids else None


def _choice_view(db: ReadSession, index: int, child: PersonDetails, found: list[Candidate]
                 ) -> dict[str, Any]:
    ids = [c.child.id for c in found]
    postcodes, open_cases = current_postcodes(db, ids), with_open_case(db, ids)
    typed = child.address.postcode if child.address else None
    return {"index": index, "name": f"{child.first_name} {child.last_name}",
            "postcode": typed,
            "candidates": [{"id": c.child.id,
                            "name": f"{c.child.first_name} {c.child.last_name}",
                            "dob": c.child.date_of_birth, "reasons": ", ".join(c.reasons),
                            "by_identifier": c.by_identifier,
                            "postcode": postcodes.get(c.child.id),
                            "same_postcode": bool(typed) and postcodes.get(c.child.id) == typed,
                            "open_case": c.child.id in open_cases} for c in found]}
