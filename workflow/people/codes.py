"""The DfE code lists the CIN census uses for a child, as cited, dated data.

Why data: the lists are the DfE's, they change between collection years (``<Sex>`` M/F/U
replaced ``<GenderCurrent>`` 0/1/2/9 from 2024-25) and a change must add a dated list,
never rewrite the old one, so that a 2023-24 return is still written with the 2023-24
codes (ARCHITECTURE.md habit 3). Each file in ``config/codes/`` holds one list for one
concept over a run of collection years::

    concept   = "sex"                 # what the list describes; several files may share it
    element   = "Sex"                 # the CIN census XML element that carries the code
    data_item = "N00783"              # the DfE data item number, where known (optional)
    title     = "Sex"                 # shown to users
    from_year = "2024-25"             # first collection year the list applies to
    to_year   = "2026-27"             # last one (optional: open-ended when absent)
    source    = "..."                 # the document the codes and descriptions come from
    published = 2024-11-01            # that document's date, where known (optional)

    [[code]]
    code        = "M"
    description = "Male"              # exactly as the source publishes it
    note        = "..."               # optional: a caveat about the wording or its use
    cin_census  = true                # optional, default true: false for a DfE code the
                                      # CIN census does not accept (offered in no choices)

Two lists for one concept may not both apply to the same year. ``load_code_lists`` refuses
a file with an unknown key, a missing or blank description, a duplicate code or an
overlapping year range, naming the file and the entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from workflow.config_errors import ConfigError, listed, read_toml
from workflow.people.years import CollectionYear, InvalidCollectionYear

__all__ = [
    "DEFAULT_CODES_DIR", "Code", "CodeBook", "CodeList", "UnknownCode", "load_code_lists",
]

DEFAULT_CODES_DIR = Path(__file__).resolve().parents[2] / "config" / "codes"

_LIST_KEYS = {"concept", "element", "data_item", "title", "from_year", "to_year", "source",
              "published", "code"}
_REQUIRED_LIST_KEYS = ("concept", "element", "title", "from_year", "source")
_CODE_KEYS = {"code", "description", "note", "cin_census"}


class UnknownCode(KeyError):
    """No list for that concept and year, or no such code in it; a caller can act on it."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown code"


@dataclass(frozen=True)
class Code:
    """One code with the DfE's description of it."""

    code: str
    description: str
    note: str | None = None
    cin_census: bool = True


@dataclass(frozen=True)
class CodeList:
    """One concept's codes for a run of collection years, and where they come from."""

    concept: str
    element: str
    title: str
    from_year: CollectionYear
    to_year: CollectionYear | None
    source: str
    codes: tuple[Code, ...]
    data_item: str | None = None
    published: date | None = None
    file: str = ""

    def applies_to(self, year: CollectionYear) -> bool:
        """Whether this list is the one the census uses in ``year``."""
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)

    def get(self, code: str) -> Code | None:
        """The entry for ``code`` (exact match: the census codes are case-sensitive)."""
        return next((entry for entry in self.codes if entry.code == code), None)

    def choices(self) -> tuple[tuple[str, str], ...]:
        """(code, description) pairs the census accepts, in the file's order."""
        return tuple((entry.code, entry.description) for entry in self.codes
                     if entry.cin_census)

    @property
    def years(self) -> str:
        """"2022-23 to 2023-24" or "2024-25 onwards", for messages and documents."""
        end = f" to {self.to_year}" if self.to_year else " onwards"
        return f"{self.from_year}{end}"


class CodeBook:
    """Every list, answering "what does this code mean in that collection year?"."""

    def __init__(self, lists: Iterable[CodeList]) -> None:
        self._lists: dict[str, list[CodeList]] = {}
        for code_list in sorted(lists, key=lambda item: item.from_year):
            self._lists.setdefault(code_list.concept, []).append(code_list)

    def concepts(self) -> list[str]:
        """Every concept with at least one list, sorted."""
        return sorted(self._lists)

    def lists(self, concept: str) -> tuple[CodeList, ...]:
        """Every dated list of one concept, oldest first."""
        return tuple(self._lists.get(concept, ()))

    def code_list(self, concept: str, year: CollectionYear | str) -> CodeList:
        """The list the census uses for ``concept`` in ``year``."""
        year = _year(year)
        if concept not in self._lists:
            raise UnknownCode(f"no code list for {concept!r}")
        for code_list in self._lists[concept]:
            if code_list.applies_to(year):
                return code_list
        raise UnknownCode(f"no {concept} code list applies to {year}")

    def label(self, concept: str, code: str, year: CollectionYear | str) -> str:
        """The DfE's description of ``code`` in ``year``, or ``UnknownCode`` saying why."""
        code_list = self.code_list(concept, year)
        entry = code_list.get(code)
        if entry is None:
            known = ", ".join(item.code for item in code_list.codes)
            raise UnknownCode(f"{code!r} is not a {concept} code in {_year(year)} "
                              f"({code_list.element}: {known})")
        return entry.description

    def is_valid(self, concept: str, code: str, year: CollectionYear | str) -> bool:
        """Whether the census accepts ``code`` for ``concept`` in ``year``."""
        entry = self.code_list(concept, year).get(code)
        return entry is not None and entry.cin_census

    def choices(self, concept: str, year: CollectionYear | str) -> tuple[tuple[str, str], ...]:
        """(code, description) pairs to offer a user recording ``concept`` in ``year``."""
        return self.code_list(concept, year).choices()


def _year(year: CollectionYear | str) -> CollectionYear:
    return year if isinstance(year, CollectionYear) else CollectionYear.parse(year)


def load_code_lists(directory: Path = DEFAULT_CODES_DIR) -> CodeBook:
    """Read and check every ``*.toml`` list in ``directory`` (not its sub-folders)."""
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise ConfigError(directory, None, "no code list files (*.toml) found")
    lists = [_parse_list(path, read_toml(path)) for path in files]
    _check_no_overlap(lists)
    return CodeBook(lists)


def _parse_list(path: Path, data: dict[str, Any]) -> CodeList:
    unknown = sorted(set(data) - _LIST_KEYS)
    if unknown:
        raise ConfigError(path, None, f"unknown {listed('key', unknown)}")
    for key in (*_REQUIRED_LIST_KEYS, "data_item"):
        if key == "data_item" and key not in data:
            continue
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ConfigError(path, None, f"{key} must be a non-empty string")
    from_year = _parse_year(path, data, "from_year")
    to_year = _parse_year(path, data, "to_year") if "to_year" in data else None
    if to_year is not None and to_year < from_year:
        raise ConfigError(path, None, f"to_year {to_year} is before from_year {from_year}")
    published = data.get("published")
    if published is not None and not isinstance(published, date):
        raise ConfigError(path, None, "published must be a TOML date (e.g. 2024-11-01)")
    return CodeList(
        concept=data["concept"], element=data["element"], title=data["title"],
        from_year=from_year, to_year=to_year, source=data["source"],
        codes=_parse_codes(path, data.get("code")), data_item=data.get("data_item"),
        published=published, file=str(path))


def _parse_year(path: Path, data: dict[str, Any], key: str) -> CollectionYear:
    try:
        return CollectionYear.parse(data[key])
    except (InvalidCollectionYear, KeyError) as error:
        raise ConfigError(path, None, f"{key}: {error}") from None


def _parse_codes(path: Path, entries: object) -> tuple[Code, ...]:
    if not isinstance(entries, list) or not entries:
        raise ConfigError(path, None, "needs at least one [[code]] entry")
    codes: list[Code] = []
    for number, entry in enumerate(entries, start=1):
        code = _parse_code(path, number, entry)
        if any(existing.code == code.code for existing in codes):
            raise ConfigError(path, code.code, "duplicate code", kind="code")
        codes.append(code)
    return tuple(codes)


def _parse_code(path: Path, number: int, entry: object) -> Code:
    if not isinstance(entry, dict):
        raise ConfigError(path, f"entry {number}", "must be a table", kind="code")
    code = entry.get("code")
    if not isinstance(code, str) or not code.strip() or code != code.strip():
        raise ConfigError(path, f"entry {number}",
                          "code must be a non-empty string without surrounding spaces",
                          kind="code")
    unknown = sorted(set(entry) - _CODE_KEYS)
    if unknown:
        raise ConfigError(path, code, f"unknown {listed('key', unknown)}", kind="code")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ConfigError(path, code, "missing description", kind="code")
    note, cin_census = entry.get("note"), entry.get("cin_census", True)
    if note is not None and not isinstance(note, str):
        raise ConfigError(path, code, "note must be a string", kind="code")
    if not isinstance(cin_census, bool):
        raise ConfigError(path, code, "cin_census must be true or false", kind="code")
    return Code(code, description, note, cin_census)


def _check_no_overlap(lists: list[CodeList]) -> None:
    """Two lists of one concept in force in the same year would make a lookup ambiguous."""
    ordered = sorted(lists, key=lambda item: (item.concept, item.from_year))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.concept != later.concept:
            continue
        if earlier.to_year is None or later.from_year <= earlier.to_year:
            raise ConfigError(later.file, None,
                              f"{later.concept} list for {later.years} overlaps "
                              f"{Path(earlier.file).name} ({earlier.years})")
