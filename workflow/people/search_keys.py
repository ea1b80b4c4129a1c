"""Search keys of a person's names, so finding a misspelt name is an index lookup.

Why keys: tolerant matching (``workflow.intake.matching``: edit distance, nicknames) ranks
a few hundred candidates well, but it cannot be run over a million people on every search.
Each name part gets keys that a misspelling usually keeps: its Soundex code ("Smith",
"Smyth" and "Smtih" are all S530) and its first three letters; a first name also gets the
keys of its nickname group's first name ("Alfie" keys as "Alfred"). A double-barrelled
surname is keyed by each part and by the whole, so "Jones" finds "Smith-Jones". Each
surname key is also paired with each first-name key ("ls:S530+fs:O416"), because a search
by first name and surname wants the people holding one of each: one index range of pair
keys reads just them, where intersecting the two single keys' lists would read everyone
called Smith and everyone called Oliver (tens of thousands each in a million people).
The search reads the people holding any of the query's keys (``query_keys``), through an
index, and the matcher then decides which of them are matches and how strongly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


def pair_keys(surname: set[str], first: set[str]) -> set[str]:
    """Every surname key joined with every first-name key: a person holds the pair exactly
    when they hold both keys."""
    return {f"{last}+{given}" for last in surname for given in first}


def person_keys(first_name: str, last_name: str, preferred_name: str = "") -> set[str]:
    """Every key of one person's names (legal and preferred), and their pairs."""
    last = surname_keys(last_name)
    first = first_name_keys(first_name) | (
        first_name_keys(preferred_name) if preferred_name else set())
    return last | first | pair_keys(last, first)


def query_keys(words: Sequence[str]) -> set[str]:
    """The keys a search's name words look people up by; holding any one makes a person a
    candidate. A single word may be either name, so its surname and first-name keys. Several
    words are a first name and a surname in either order, so the pairs of any word's
    surname key with any word's first-name key: the people with a surname like one word
    and a first name like one word."""
    last = {key for word in words for key in surname_keys(word)}
    if len(words) == 1:
        return last | first_name_keys(words[0])
    return pair_keys(last, {key for word in words for key in first_name_keys(word)})
