"""NHS numbers: ten digits, the last a Modulus 11 check digit (NHS Data Dictionary).

The check (NHS Data Dictionary, attribute "NHS NUMBER"): multiply the first nine digits
by 10, 9, ... 2, add the products, divide by 11 and take the remainder; the check digit is
11 minus the remainder, 0 when that is 11, and when it is 10 "the NHS NUMBER is invalid
and not used". The number is written in 3-3-4 groups ("943 476 5919"), so spaces in input
are removed before the check.

Why a synthetic helper here: demo and test data must never hold a number that could be a
real patient's. Numbers beginning 999 (999 000 0000 to 999 999 9999) are valid by the
checksum but are never issued to a patient (the range documented for test data by NHS
Wales' ``nhs-number`` crate and Wikipedia's "NHS number"; see docs/people-identifiers.md
for the open question of an NHS England primary source).
"""

from __future__ import annotations

import random

__all__ = [
    "SYNTHETIC_PREFIX", "format_nhs_number", "is_synthetic_nhs_number", "nhs_check_digit",
    "nhs_number_problem", "normalise_nhs_number", "synthetic_nhs_number",
]

#: The first three digits of every number reserved for testing.
SYNTHETIC_PREFIX = "999"
_WEIGHTS = range(10, 1, -1)


def normalise_nhs_number(text: str) -> str:
    """The stored form: the digits alone, spaces removed ("943 476 5919" -> "9434765919")."""
    return "".join(text.split())


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or ``None`` when it would be 10 (never issued)."""
    if len(first_nine) != 9 or not (first_nine.isascii() and first_nine.isdigit()):
        raise ValueError(f"{first_nine!r} is not nine digits")
    remainder = sum(weight * int(digit)
                    for weight, digit in zip(_WEIGHTS, first_nine, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number_problem(text: str) -> str | None:
    """What is wrong with an NHS number, in a sentence, or ``None`` when it is valid."""
    number = normalise_nhs_number(text)
    if not number:
        return "the NHS number is empty"
    if not (number.isascii() and number.isdigit()):
        return "an NHS number has only digits (and spaces between groups)"
    if len(number) != 10:
        return f"an NHS number has 10 digits; this one has {len(number)}"
    expected = nhs_check_digit(number[:9])
    if expected is None:
        return ("no NHS number starts with these nine digits: their check digit would be "
                "10, which is never issued")
    if int(number[9]) != expected:
        return f"the last digit (the check digit) should be {expected}"
    return None


def format_nhs_number(text: str) -> str:
    """The 3-3-4 form people read and say: "943 476 5919"."""
    number = normalise_nhs_number(text)
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def is_synthetic_nhs_number(text: str) -> bool:
    """Whether the number is in the test range (starts 999), so safe in demo data."""
    return normalise_nhs_number(text).startswith(SYNTHETIC_PREFIX)


def synthetic_nhs_number(rng: random.Random) -> str:
    """A checksum-valid NHS number in the 999 test range, drawn from ``rng``.

    Pass a seeded ``random.Random`` for repeatable demo data. Draws whose check digit
    would be 10 (about one in eleven) are discarded, as the NHS never issues them.
    """
    while True:
        first_nine = f"{SYNTHETIC_PREFIX}{rng.randrange(1_000_000):06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"
