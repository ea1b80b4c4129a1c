"""Each collection year's census layout, from ``config/cin_census.toml``.

Why data: the DfE changes the message between years (``<Sex>`` replaced
``<GenderCurrent>`` in 2024-25; module 5 arrived in 2026-27) and a return for an earlier
year must still be written as that year wanted it. A year the file does not list is not
one the DfE has specified for us: asking for it is refused, naming the years there are.
The loader checks every element against what the writer knows, so a misspelt element in
the file stops start-up instead of silently leaving a field out of every return.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reporting.census.xml import GROUPS
from workflow.config_errors import ConfigError, read_toml
from workflow.people.years import CollectionYear, InvalidCollectionYear

DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "config" / "cin_census.toml"
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
_KEYS = {"year", "schema", "source", "true", "false", "header", "layout"}
_HEADER = {"Collection", "SourceLevel", "SoftwareCode"}


class UnknownYear(LookupError):
    """No layout for that collection year (the DfE has not specified it for us)."""


@dataclass(frozen=True)
class YearSpec:
    """One year's message: its layout (group → child elements in order), flags, header."""

    year: CollectionYear
    schema: Path
    source: str
    true: str
    false: str
    header: dict[str, str]
    layout: dict[str, tuple[str, ...]]

    @property
    def label(self) -> str:
        return self.year.label

    @property
    def sex_element(self) -> str:
        """``Sex`` or ``GenderCurrent``: where this year puts the child's sex."""
        return "Sex" if "Sex" in self.layout["ChildIdentifiers"] else "GenderCurrent"

    @property
    def has_module_5(self) -> bool:
        """Whether the year collects pre-proceedings and FGDM (module 5)."""
        return "PreProceedingsandFGDM" in self.layout["CINdetails"]

    def carries(self, element: str) -> bool:
        """Whether any group of this year's message holds ``element``."""
        return any(element in children for children in self.layout.values())


@dataclass(frozen=True)
class CensusSpecs:
    """Every specified year, answering "how is the census for this year written?"."""

    years: dict[str, YearSpec]

    def for_year(self, label: str) -> YearSpec:
        """The year's layout; ``UnknownYear`` naming the years there are."""
        if label in self.years:
            return self.years[label]
        known = ", ".join(sorted(self.years))
        raise UnknownYear(f"the DfE has not specified a CIN census for {label} that Front "
                          f"Door supports (years specified: {known})")


@cache
def load_census_specs(path: Path = DEFAULT_SPEC) -> CensusSpecs:
    """Read and check ``cin_census.toml`` (parsed once per path)."""
    data = read_toml(path)
    if set(data) != {"year"} or not isinstance(data["year"], list) or not data["year"]:
        raise ConfigError(path, None, "expects only [[year]] entries")
    years: dict[str, YearSpec] = {}
    for number, entry in enumerate(data["year"], start=1):
        spec = _year(path, number, entry)
        if spec.label in years:
            raise ConfigError(path, spec.label, "listed twice", kind="year")
        years[spec.label] = spec
    return CensusSpecs(years)


def _year(path: Path, number: int, entry: Any) -> YearSpec:
    where = f"entry {number}"
    if not isinstance(entry, dict) or set(entry) != _KEYS:
        raise ConfigError(path, where, f"needs exactly {', '.join(sorted(_KEYS))}",
                          kind="year")
    try:
        year = CollectionYear.parse(entry["year"])
    except InvalidCollectionYear as error:
        raise ConfigError(path, where, str(error), kind="year") from None
    schema = SCHEMAS / str(entry["schema"])
    if not schema.is_file():
        raise ConfigError(path, year.label, f"schema {schema.name} is not in {SCHEMAS}",
                          kind="year")
    header = entry["header"]
    if not isinstance(header, dict) or set(header) != _HEADER:
        raise ConfigError(path, year.label, f"[year.header] needs exactly "
                          f"{', '.join(sorted(_HEADER))}", kind="year")
    return YearSpec(year, schema, str(entry["source"]), str(entry["true"]),
                    str(entry["false"]), {k: str(v) for k, v in header.items()},
                    _layout(path, year.label, entry["layout"]))


def _layout(path: Path, label: str, layout: Any) -> dict[str, tuple[str, ...]]:
    """Every group the writer knows, each child element one it can write."""
    if not isinstance(layout, dict) or "Message" not in layout:
        raise ConfigError(path, label, "[year.layout] needs at least Message", kind="year")
    checked: dict[str, tuple[str, ...]] = {}
    for group, children in layout.items():
        known = GROUPS.get(group)
        if known is None:
            raise ConfigError(path, label, f"layout group {group!r} is not an element Front "
                              "Door writes", kind="year")
        if not isinstance(children, list) or not children:
            raise ConfigError(path, label, f"{group} must list its elements", kind="year")
        unknown = [c for c in children if c not in known]
        if unknown:
            raise ConfigError(path, label, f"{group}: {', '.join(map(str, unknown))} not an "
                              f"element of {group}", kind="year")
        checked[group] = tuple(children)
    missing = [g for c in checked.values() for g in c if g in GROUPS and g not in checked]
    if missing:
        raise ConfigError(path, label, f"no layout for {', '.join(missing)}", kind="year")
    return checked
