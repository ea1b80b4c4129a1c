"""Unique Pupil Numbers: the DfE's format, check letter and LA numbers (rules 1510-1550).

A UPN is 13 characters (DfE, "Unique pupil numbers (UPNs): a guide for schools and local
authorities", version 1.2, June 2019, Annex A "The national UPN formula"; UK Government
Data Standards Catalogue, "Unique Pupil Number" v2.0, 18 November 2004)::

    character 1       check letter, computed from characters 2 to 13
    characters 2-4    the LA number of the school that issued it (rule 1530)
    characters 5-8    the establishment number
    characters 9-10   the last two digits of the academic year of issue
    characters 11-13  a serial number; a TEMPORARY UPN ends in a letter instead of a digit

The check letter: multiply character n by weight n for n = 2 to 13 (a letter in position
13 counts as its value in the table below), add the products, divide by 23 and take the
remainder; 0 = A, 1 = B, ... 22 = Z, skipping I, O and S, which are used neither as a
check letter nor as the last character (DfE CIN validation rule 1510; GDSC validations 1-6).

Why the problems are sentences: a worker typing a UPN from a school letter needs to know
which character to look at ("the check letter should be K"), not that "the UPN is invalid".
Input is normalised (surrounding spaces removed, letters upper-cased) before it is checked:
the DfE's rule compares the first character with an upper-case letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workflow.config_errors import ConfigError, read_toml
from workflow.people.years import CollectionYear, InvalidCollectionYear

__all__ = [
    "CHECK_LETTERS", "DEFAULT_LA_NUMBERS", "LaNumbers", "check_letter", "is_temporary_upn",
    "load_la_numbers", "normalise_upn", "upn_problem", "upn_problems", "with_check_letter",
]

#: The 23 check letters in value order: A = 0 ... Z = 22, without I, O and S.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
DEFAULT_LA_NUMBERS = (
    Path(__file__).resolve().parents[2] / "config" / "codes" / "rules" / "la_numbers.toml")


def normalise_upn(text: str) -> str:
    """The form a UPN is stored and checked in: no surrounding spaces, upper case."""
    return text.strip().upper()


def _value(character: str) -> int:
    """A digit's own value, or a letter's place in ``CHECK_LETTERS`` (temporary UPNs)."""
    return int(character) if character.isdigit() else CHECK_LETTERS.index(character)


def check_letter(body: str) -> str:
    """The check letter for characters 2 to 13 (``body``: 11 digits, then a digit or letter).

    Raises ``ValueError`` when ``body`` is not of that form, since no letter can be computed.
    """
    body = normalise_upn(body)
    if len(body) != 12 or not body[:11].isdigit() or not (
            body[11].isdigit() or body[11] in CHECK_LETTERS):
        raise ValueError(f"{body!r} is not 11 digits followed by a digit or check-table letter")
    total = sum(weight * _value(character)
                for weight, character in zip(range(2, 14), body, strict=True))
    return CHECK_LETTERS[total % 23]


def with_check_letter(body: str) -> str:
    """A whole UPN from characters 2 to 13, e.g. for synthetic demo and test data."""
    body = normalise_upn(body)
    return check_letter(body) + body


def is_temporary_upn(upn: str) -> bool:
    """Whether the UPN ends in a letter: a school's temporary number, to be replaced."""
    upn = normalise_upn(upn)
    return len(upn) == 13 and upn[-1].isalpha()


def upn_problems(upn: str, la_numbers: frozenset[str]) -> list[str]:
    """Every problem with ``upn``, most basic first; an empty list means it is valid.

    ``la_numbers`` is the set the DfE recognises in the collection year concerned
    (``load_la_numbers().for_year(year)``). Format problems stop the check early, because
    a check letter or an LA number cannot be read from a malformed UPN.
    """
    upn = normalise_upn(upn)
    format_problem = _format_problem(upn)
    if format_problem:
        return [format_problem]
    problems = []
    expected = check_letter(upn[1:])
    if upn[0] != expected:
        problems.append(f"the check letter should be {expected}")
    if upn[1:4] not in la_numbers:
        problems.append(f"the LA number {upn[1:4]} is not a local authority number the DfE "
                        "recognises (rule 1530)")
    return problems


def upn_problem(upn: str, la_numbers: frozenset[str]) -> str | None:
    """The first problem with ``upn``, or ``None`` when it is valid."""
    problems = upn_problems(upn, la_numbers)
    return problems[0] if problems else None


def _format_problem(upn: str) -> str | None:
    if not upn:
        return "the UPN is empty"
    if len(upn) != 13:
        return f"a UPN has 13 characters; this one has {len(upn)}"
    if not upn[0].isalpha() or not upn[0].isascii():
        return f"character 1 must be the check letter; it is {upn[0]!r}"
    for position, character in enumerate(upn[1:12], start=2):
        if not (character.isascii() and character.isdigit()):
            return f"characters 2 to 12 must be digits; character {position} is {character!r}"
    last = upn[12]
    if not ((last.isascii() and last.isdigit()) or last in CHECK_LETTERS):
        return ("character 13 must be a digit or a letter other than I, O and S; "
                f"it is {last!r}")
    return None


@dataclass(frozen=True)
class _LaVersion:
    from_year: CollectionYear
    codes: frozenset[str]
    source: str


class LaNumbers:
    """The DfE's recognised LA numbers, by collection year (rule 1530)."""

    def __init__(self, versions: list[_LaVersion]) -> None:
        self._versions = sorted(versions, key=lambda version: version.from_year)

    def for_year(self, year: CollectionYear | str) -> frozenset[str]:
        """The list in force in ``year``; ``KeyError`` before the first version."""
        year = year if isinstance(year, CollectionYear) else CollectionYear.parse(year)
        in_force = [version for version in self._versions if version.from_year <= year]
        if not in_force:
            raise KeyError(f"no LA number list for {year}")
        return in_force[-1].codes


def load_la_numbers(path: Path = DEFAULT_LA_NUMBERS) -> LaNumbers:
    """Read and check ``la_numbers.toml``: every version needs a year, a source and codes."""
    data = read_toml(path)
    if set(data) != {"version"} or not isinstance(data["version"], list):
        raise ConfigError(path, None, "expects only [[version]] entries")
    versions, seen = [], set()
    for number, entry in enumerate(data["version"], start=1):
        version = _parse_la_version(path, number, entry)
        if version.from_year in seen:
            raise ConfigError(path, str(version.from_year), "two versions", kind="version")
        seen.add(version.from_year)
        versions.append(version)
    return LaNumbers(versions)


def _parse_la_version(path: Path, number: int, entry: object) -> _LaVersion:
    where = f"entry {number}"
    if not isinstance(entry, dict) or set(entry) != {"from_year", "source", "codes"}:
        raise ConfigError(path, where, "needs exactly from_year, source and codes",
                          kind="version")
    try:
        year = CollectionYear.parse(entry["from_year"])
    except InvalidCollectionYear as error:
        raise ConfigError(path, where, str(error), kind="version") from None
    if not isinstance(entry["source"], str) or not entry["source"].strip():
        raise ConfigError(path, where, "source must be a non-empty string", kind="version")
    codes = entry["codes"]
    if not isinstance(codes, list) or not codes:
        raise ConfigError(path, where, "codes must be a non-empty list", kind="version")
    expanded = frozenset().union(*(_expand_range(path, where, item) for item in codes))
    return _LaVersion(year, expanded, entry["source"])


def _expand_range(path: Path, where: str, item: object) -> set[str]:
    """"835-837" -> {"835", "836", "837"}; "420" -> {"420"}; anything else is an error."""
    text = item if isinstance(item, str) else ""
    low, _, high = text.partition("-")
    high = high or low
    if not (len(low) == len(high) == 3 and low.isdigit() and high.isdigit()
            and int(low) <= int(high)):
        raise ConfigError(path, where, f"{item!r} is not NNN or NNN-NNN", kind="version")
    return {f"{value:03d}" for value in range(int(low), int(high) + 1)}
