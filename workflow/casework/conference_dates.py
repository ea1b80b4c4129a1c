"""When a child protection conference may be dated: one definition for the engine's guard
(a weekend date is refused as it is entered) and the census pre-check (DfE rule 8875).

Why here, in the engine: the rule is the DfE's census rule, but the place to keep it is
where the date is typed, so that the return cannot be broken in the first place; the read
side's rule 8875 asks this module the same question.
"""

from __future__ import annotations

from datetime import date

#: DfE CIN census validation rule 8875, in the DfE's words.
RULE = "8875"
MESSAGE = "The Date of Initial Child Protection Conference cannot be a weekend"


def at_a_weekend(day: date) -> bool:
    """Saturday or Sunday (the DfE checks the weekday only, not bank holidays)."""
    return day.weekday() >= 5
