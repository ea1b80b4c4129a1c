"""Practice standards as cited, dated data (``config/practice_standards.toml``).

Why clocks: a practice standard ("a child protection visit at least every 10 working
days") is a limit on the case just as a timescale is, so each one is a ``TimescaleRule``
the engine starts and stops from the events actions emit, stored in the same clock table.
The breach sweep, its warning before a clock runs out, the dashboard and the compliance
pages then read one place, and every clock row keeps the version of the standard it was
judged by (ARCHITECTURE.md habit 3).

Why a file of its own: timescales are the law's and the front door's; practice standards
are mostly the council's own (each local one carries the council's reference to its
practice standards document), reviewed by other people on another cycle.

A *recurring* standard is met and started again by the same event: the visit that meets
the standard starts the next interval from the visit's own date.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import ValidationError, post_load, validates_schema

from workflow.clocks.timescales import Convention, TimescaleRule, Unit
from workflow.config_errors import listed
from workflow.config_schema import (
    EntrySchema,
    FileSchema,
    Flag,
    IdList,
    OneOf,
    Text,
    TomlDate,
    WholeNumber,
    entries,
    entry_errors,
    load_file,
)

__all__ = ["STANDARD_UNITS", "PracticeStandard", "load_standards"]

#: The units a practice standard may count in (visits and reviews are never in hours).
STANDARD_UNITS = (Unit.WORKING_DAYS, Unit.CALENDAR_WEEKS, Unit.CALENDAR_MONTHS)


@dataclass(frozen=True)
class PracticeStandard(TimescaleRule):
    """One dated version of a practice standard: a timescale rule that may recur."""

    recurring: bool = False
    due_soon: int = 0
    reference: str = ""

    @property
    def source_kind(self) -> str:
        """Shown beside the standard: whose rule it is."""
        return "Local practice standard" if self.local else "Statutory guidance"


def load_standards(path: Path, known_events: Collection[str] | None = None
                   ) -> tuple[PracticeStandard, ...]:
    """Read and validate ``practice_standards.toml``; any mistake raises ConfigError.

    ``known_events``, when given, is what the engine emits: a misspelt event would start
    or meet no standard at all, so it is refused.
    """
    return tuple(load_file(path, StandardsSchema(known_events)))


class StandardSchema(EntrySchema):
    """One [[standard]] table: every key required, each checked."""

    kind = "standard"
    name = Text(required=True)
    title = Text(required=True)
    limit = WholeNumber(required=True)
    unit = OneOf([str(u) for u in STANDARD_UNITS], required=True)
    convention = OneOf(Convention, required=True)
    starts_on = IdList("event name", non_empty=True, required=True)
    stops_on = IdList("event name", non_empty=True, required=True)
    recurring = Flag(required=True)
    due_soon = WholeNumber(minimum=0, maximum=60, required=True)
    source = Text(required=True)
    reference = Text(required=True)
    effective_from = TomlDate("2024-04-01", required=True)
    local = Flag(required=True)

    def ident(self, entry: Mapping[str, Any]) -> str | None:
        name = entry.get("name")
        return name if isinstance(name, str) and name.strip() else None

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        if data["convention"] is Convention.START_DAY_IS_DAY_1 and \
                data["unit"] != Unit.WORKING_DAYS:
            raise ValidationError(f"{data['unit']} standards must use convention "
                                  "start_day_is_day_0")
        kind = "local: " if data["local"] else "statutory: "
        if not data["source"].startswith(kind):
            raise ValidationError(f"source must begin '{kind}' when local is "
                                  f"{str(data['local']).lower()}")

    @post_load
    def _standard(self, data: dict[str, Any], **_: Any) -> PracticeStandard:
        starts, unit = data.pop("starts_on"), Unit(data.pop("unit"))
        again = data["stops_on"] if data["recurring"] else ()
        also = tuple(dict.fromkeys(e for e in (*starts[1:], *again) if e != starts[0]))
        return PracticeStandard(**data, unit=unit, starts_on=starts[0],
                                also_starts_on=also)


class StandardsSchema(FileSchema):
    """The whole file: distinct versions, and only events the engine emits."""

    shape = "expected only [[standard]] entries"
    standard = entries(StandardSchema, required=True)

    def __init__(self, known_events: Collection[str] | None = None) -> None:
        super().__init__()
        self.known_events = known_events

    @validates_schema
    def _across(self, data: dict[str, Any], **_: Any) -> None:
        problems: dict[int, str] = {}
        versions: set[str] = set()
        for index, rule in enumerate(data["standard"]):
            events = {rule.starts_on, *rule.also_starts_on, *rule.stops_on}
            unknown = sorted(events - set(self.known_events or ()))
            if rule.version in versions:
                problems[index] = f"two versions effective from {rule.effective_from.isoformat()}"
            elif self.known_events is not None and unknown:
                problems[index] = f"unknown {listed('clock event', unknown)}"
            versions.add(rule.version)
        if problems:
            raise entry_errors("standard", problems)

    @post_load
    def _standards(self, data: dict[str, Any], **_: Any) -> list[PracticeStandard]:
        return list(data["standard"])
