"""Search keys of a person's names, so finding a misspelt name is an index lookup.

Why keys: tolerant matching (``workflow.intake.matching``: edit distance, nicknames) ranks
a few hundred candidates well, but it cannot be run over a million people on every search.
Each name part gets keys that a misspelling usually keeps: its Soundex code ("Smith",
"Smyth" and "Smtih" are all S530) and its first three letters; a first name also gets the
keys of its nickname group's first name ("Alfie" keys as "Alfred"). A double-barrelled
surname is keyed by each part and by the whole, so "Jones" finds "Smith-Jones". The search
reads the people holding any of the query's keys, through an index, and the matcher
then decides which of them are matches and how strongly.
"""

from __future__ import annotations

import re

from workflow.intake.matching import NICKNAMES, normalise

_PARTS = re.compile(r"[\s\-]+")
_SOUNDEX = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
            **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
#: Soundex treats h and w as transparent between consonants of the same code.
_TRANSPARENT = "hw"


def soundex(part: str) -> str:
    """American Soundex of a normalised name part ("robert" -> "R163"); "" for nothing."""
    if not part:
        return ""
    code, last = part[0].upper(), _SOUNDEX.get(part[0], "")
    for letter in part[1:]:
        digit = _SOUNDEX.get(letter, "")
        if digit and digit != last:
            code += digit
        if letter not in _TRANSPARENT:
            last = digit
    return (code + "000")[:4]


def name_parts(name: str) -> list[str]:
    """The normalised parts of a name, and the whole when it has several parts."""
    parts = [normalise(p) for p in _PARTS.split(name) if normalise(p)]
    whole = normalise(name)
    return parts + ([whole] if len(parts) > 1 and whole else [])


def canonical_first_name(part: str) -> str:
    """The name a nickname group is keyed by (its longest member): "alfie" -> "alfred"."""
    for group in NICKNAMES:
        if part in group:
            return max(sorted(group), key=len)
    return part


def _keys(part: str, prefix: str) -> set[str]:
    return {f"{prefix}s:{soundex(part)}", f"{prefix}p:{part[:3]}"}


def surname_keys(name: str) -> set[str]:
    """The keys a last name is found by."""
    return {k for part in name_parts(name) for k in _keys(part, "l")}


def first_name_keys(name: str) -> set[str]:
    """The keys a first name is found by (its nickname group's too)."""
    keys: set[str] = set()
    for part in name_parts(name):
        keys |= _keys(part, "f") | _keys(canonical_first_name(part), "f")
    return keys


def person_keys(first_name: str, last_name: str, preferred_name: str = "") -> set[str]:
    """Every key of one person's names (legal and preferred)."""
    return surname_keys(last_name) | first_name_keys(first_name) | (
        first_name_keys(preferred_name) if preferred_name else set())
