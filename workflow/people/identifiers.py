"""The child's identifiers as the DfE and the NHS define them: one place to import them from.

Why a facade: the rules for each identifier are long enough to deserve a module of their
own (``upn``, ``upn_unknown``, ``nhs_number``, ``consistent_identifier``), but the person
record and its forms need all of them together. Every name here is re-exported unchanged;
each module's docstring cites the document that makes its rules.
"""

from __future__ import annotations

from workflow.people.consistent_identifier import (
    IdentifierDecision,
    IdentifierStatus,
    decision_problems,
)
from workflow.people.nhs_number import (
    SYNTHETIC_PREFIX,
    format_nhs_number,
    is_synthetic_nhs_number,
    nhs_check_digit,
    nhs_number_problem,
    normalise_nhs_number,
    synthetic_nhs_number,
)
from workflow.people.upn import (
    CHECK_LETTERS,
    LaNumbers,
    check_letter,
    is_temporary_upn,
    load_la_numbers,
    normalise_upn,
    upn_problem,
    upn_problems,
    with_check_letter,
)
from workflow.people.upn_unknown import (
    CIN_CENSUS_REASONS,
    SchoolAgeRules,
    SchoolAgeTest,
    UpnUnknown,
    derive_upn_unknown,
    load_school_age_rules,
    upn_unknown_problem,
)

__all__ = [
    "CHECK_LETTERS", "CIN_CENSUS_REASONS", "SYNTHETIC_PREFIX", "IdentifierDecision",
    "IdentifierStatus", "LaNumbers", "SchoolAgeRules", "SchoolAgeTest", "UpnUnknown",
    "check_letter", "decision_problems", "derive_upn_unknown", "format_nhs_number",
    "is_synthetic_nhs_number", "is_temporary_upn", "load_la_numbers", "load_school_age_rules",
    "nhs_check_digit", "nhs_number_problem", "normalise_nhs_number", "normalise_upn",
    "synthetic_nhs_number", "upn_problem", "upn_problems", "upn_unknown_problem",
    "with_check_letter",
]
