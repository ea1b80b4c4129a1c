"""Timescale rules as cited, dated data (``config/timescales.toml``).

Why data: the limits come from statutory guidance (Working Together to Safeguard Children)
or from a council's own procedures, and they change. Each rule names its source and the
date it took effect; a change adds a new dated version and never rewrites history, and
every clock row stores ``rule.version`` so a decision can be judged by the rule in force
when it was made (ARCHITECTURE.md habit 3, "law as cited data").

Why conventions are explicit: "within N working days of X" read naturally counts the day
of X as day 0, but the DfE census validation counts the start day as day 1, one day
stricter. Each working-day rule says which it uses and shows it to users
(DOMAIN.md section 3, "Rules for the clock").

Clocks are started and stopped by events the engine emits (``starts_on``/``stops_on``):
the book answers "which clocks does this event start or stop on this date?".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta

from workflow.clocks.calendar import NaiveDatetimeError, WorkingCalendar
from workflow.config_errors import ConfigError, read_toml

__all__ = [
    "Convention",
    "TimescaleBook",
    "TimescaleRule",
    "Unit",
    "UnknownRule",
    "load_timescales",
]


_Choice = TypeVar("_Choice", bound=StrEnum)


class Unit(StrEnum):
    """What a limit counts: working days, service hours, real hours or calendar months."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CLOCK_HOURS = "clock_hours"
    CALENDAR_MONTHS = "calendar_months"


class Convention(StrEnum):
    """Whether the day the clock starts is day 0 (Working Together) or day 1 (DfE census)."""

    START_DAY_IS_DAY_0 = "start_day_is_day_0"
    START_DAY_IS_DAY_1 = "start_day_is_day_1"


class UnknownRule(KeyError):
    """No rule of that name, or none in force on that date; a caller can act on it."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown rule"


@dataclass(frozen=True)
class TimescaleRule:
    """One dated version of one timescale, with the document that makes it."""

    name: str
    title: str
    limit: int
    unit: Unit
    convention: Convention
    starts_on: str
    stops_on: tuple[str, ...]
    source: str
    effective_from: date
    local: bool

    @property
    def version(self) -> str:
        """Stored on each clock row so a decision records the rule it was judged by."""
        return f"{self.name}@{self.effective_from.isoformat()}"

    def due(self, started: datetime, calendar: WorkingCalendar) -> datetime:
        """When a clock started at ``started`` (aware) falls due, as an aware UTC instant."""
        if started.tzinfo is None or started.utcoffset() is None:
            raise NaiveDatetimeError(f"datetime {started.isoformat()} has no timezone")
        if self.unit is Unit.WORKING_HOURS:
            return calendar.add_working_hours(started, self.limit)
        if self.unit is Unit.CLOCK_HOURS:
            # Real elapsed time, round the clock: add in UTC so a summer-time change
            # neither shortens nor lengthens the limit.
            return started.astimezone(UTC) + timedelta(hours=self.limit)
        return calendar.end_of_day(self._due_day(calendar.local_date(started), calendar))

    def due_date(self, started: datetime, calendar: WorkingCalendar) -> date:
        """The local (Europe/London) date on which the clock falls due."""
        return calendar.local_date(self.due(started, calendar))

    def _due_day(self, start_day: date, calendar: WorkingCalendar) -> date:
        if self.unit is Unit.CALENDAR_MONTHS:
            # relativedelta keeps the day of the month, or the month's last day if shorter.
            return start_day + relativedelta(months=self.limit)
        counts_start_day = (
            self.convention is Convention.START_DAY_IS_DAY_1 and calendar.is_working_day(start_day)
        )
        if not counts_start_day:
            # Working Together: "within N working days of X" counts X as day 0, so it is
            # due at the end of the Nth working day after X (DOMAIN.md section 3).
            return calendar.add_working_days(start_day, self.limit)
        # DfE census: the start day is day 1, so the limit ends one working day earlier.
        if self.limit == 1:
            return start_day
        return calendar.add_working_days(start_day, self.limit - 1)

    def describe_counting(self) -> str:
        """One plain-English sentence on how this rule counts, shown next to a due date."""
        return _DESCRIBERS[self.unit](self)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _ordinal(number: int) -> str:
    teens = 10 <= number % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _describe_working_days(rule: TimescaleRule) -> str:
    head = (
        f"{_plural(rule.limit, 'working day')}, not counting weekends, England and Wales "
        "bank holidays or council closure days; "
    )
    if rule.convention is Convention.START_DAY_IS_DAY_0:
        return head + (
            "the day the clock starts is day 0, so it is due by the end of the "
            f"{_ordinal(rule.limit)} working day after it."
        )
    return head + (
        "the day the clock starts is day 1 if it is a working day (DfE census counting), so "
        f"it is due by the end of the {_ordinal(rule.limit)} working day counting that day "
        "as the first; a clock started on a non-working day counts from the next working day."
    )


def _describe_working_hours(rule: TimescaleRule) -> str:
    return (
        f"{_plural(rule.limit, 'working hour')}, counted only inside the service's opening "
        "hours on working days; a clock started out of hours starts at the next opening."
    )


def _describe_clock_hours(rule: TimescaleRule) -> str:
    return (
        f"{_plural(rule.limit, 'hour')} of real time, round the clock, including nights, "
        "weekends and bank holidays."
    )


def _describe_months(rule: TimescaleRule) -> str:
    return (
        f"{_plural(rule.limit, 'calendar month')}; due by the end of the same date "
        f"{_plural(rule.limit, 'month')} later (the last day of that month if it is shorter)."
    )


_DESCRIBERS = {
    Unit.WORKING_DAYS: _describe_working_days,
    Unit.WORKING_HOURS: _describe_working_hours,
    Unit.CLOCK_HOURS: _describe_clock_hours,
    Unit.CALENDAR_MONTHS: _describe_months,
}


class TimescaleBook:
    """Every version of every rule, answering "which rule was in force on this date?"."""

    def __init__(self, rules: Collection[TimescaleRule]) -> None:
        self._versions: dict[str, list[TimescaleRule]] = {}
        for rule in sorted(rules, key=lambda rule: rule.effective_from):
            self._versions.setdefault(rule.name, []).append(rule)

    def rule(self, name: str, on: date) -> TimescaleRule:
        """The version in force on ``on`` (latest effective_from <= on)."""
        if name not in self._versions:
            raise UnknownRule(f"no timescale rule named {name!r}")
        in_force = [rule for rule in self._versions[name] if rule.effective_from <= on]
        if not in_force:
            raise UnknownRule(f"timescale rule {name!r} was not in force on {on.isoformat()}")
        return in_force[-1]

    def names(self) -> list[str]:
        """Every rule name, sorted."""
        return sorted(self._versions)

    def started_by(self, event: str, on: date) -> list[TimescaleRule]:
        """Rules in force on ``on`` whose clock this event starts."""
        return [rule for rule in self._in_force(on) if rule.starts_on == event]

    def stopped_by(self, event: str, on: date) -> list[TimescaleRule]:
        """Rules in force on ``on`` whose clock this event stops."""
        return [rule for rule in self._in_force(on) if event in rule.stops_on]

    def events(self) -> set[str]:
        """Every event named by any version, so the engine can check it emits them all."""
        return {
            event
            for versions in self._versions.values()
            for rule in versions
            for event in (rule.starts_on, *rule.stops_on)
        }

    def _in_force(self, on: date) -> list[TimescaleRule]:
        return [
            versions_in_force[-1]
            for versions in self._versions.values()
            if (versions_in_force := [rule for rule in versions if rule.effective_from <= on])
        ]


def load_timescales(path: Path, known_events: Collection[str] | None = None) -> TimescaleBook:
    """Read and validate ``timescales.toml``; any mistake raises ConfigError.

    Why strict: a wrong limit or unit silently moves every due date. ``known_events``,
    when given, is the vocabulary the engine emits; a misspelt event is refused because
    it would start or stop no clock at all.
    """
    document = read_toml(path)
    if set(document) != {"rule"} or not isinstance(document["rule"], list):
        raise ConfigError(path, None, "expected only [[rule]] entries")
    rules = [
        _RuleReader(path, number, entry).read(known_events)
        for number, entry in enumerate(document["rule"], start=1)
    ]
    versions: set[str] = set()
    for rule in rules:
        if rule.version in versions:
            problem = f"two versions effective from {rule.effective_from.isoformat()}"
            raise ConfigError(path, rule.name, problem, kind="rule")
        versions.add(rule.version)
    return TimescaleBook(rules)


_KEYS = (
    "name", "title", "limit", "unit", "convention", "starts_on", "stops_on", "source",
    "effective_from", "local",
)


class _RuleReader:
    """Checks one [[rule]] table, raising ConfigError that names the file and the rule."""

    def __init__(self, path: Path, number: int, entry: Any) -> None:
        self.path, self.entry = path, entry
        name = entry.get("name") if isinstance(entry, dict) else None
        self.name = name if isinstance(name, str) and name.strip() else f"#{number}"

    def read(self, known_events: Collection[str] | None) -> TimescaleRule:
        self._check_keys()
        rule = TimescaleRule(
            name=self.name, title=self._text("title"), limit=self._limit(),
            unit=self._choice(Unit, "unit"), convention=self._choice(Convention, "convention"),
            starts_on=self._text("starts_on"), stops_on=self._events("stops_on"),
            source=self._text("source"), effective_from=self._date("effective_from"),
            local=self._flag("local"),
        )
        # The day-1 convention only changes working-day counting; elsewhere it would be
        # a misleading label shown to users.
        day_1 = rule.convention is Convention.START_DAY_IS_DAY_1
        if day_1 and rule.unit is not Unit.WORKING_DAYS:
            raise self._error(f"{rule.unit} rules must use convention start_day_is_day_0")
        unknown = sorted({rule.starts_on, *rule.stops_on} - set(known_events or ()))
        if known_events is not None and unknown:
            raise self._error(f"unknown clock event(s) {', '.join(unknown)}")
        return rule

    def _error(self, problem: str) -> ConfigError:
        return ConfigError(self.path, self.name, problem, kind="rule")

    def _check_keys(self) -> None:
        if not isinstance(self.entry, dict):
            raise self._error("must be a table")
        if self.name.startswith("#"):
            raise self._error("name must be a non-empty string")
        missing = [key for key in _KEYS if key not in self.entry]
        if missing:
            raise self._error(f"missing {', '.join(missing)}")
        unknown = sorted(set(self.entry) - set(_KEYS))
        if unknown:
            raise self._error(f"unknown key(s) {', '.join(unknown)}")

    def _text(self, key: str) -> str:
        value = self.entry[key]
        if not isinstance(value, str) or not value.strip():
            raise self._error(f"{key} must be a non-empty string (got {value!r})")
        return value

    def _limit(self) -> int:
        value = self.entry["limit"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self._error(f"limit must be a positive whole number (got {value!r})")
        return value

    def _choice(self, choices: type[_Choice], key: str) -> _Choice:
        try:
            return choices(self.entry[key])
        except ValueError:
            allowed = ", ".join(choices)
            raise self._error(f"{key} must be one of {allowed} (got {self.entry[key]!r})") from None

    def _events(self, key: str) -> tuple[str, ...]:
        value = self.entry[key]
        if not isinstance(value, list) or not value:
            raise self._error(f"{key} must be a non-empty list of event names (got {value!r})")
        return tuple(self._text_item(key, item) for item in value)

    def _text_item(self, key: str, item: Any) -> str:
        if not isinstance(item, str) or not item.strip():
            raise self._error(f"{key} must hold non-empty event names (got {item!r})")
        return item

    def _date(self, key: str) -> date:
        value = self.entry[key]
        # tomllib returns a datetime (a date subclass) for 2023-12-15T00:00, so test it first.
        if isinstance(value, datetime) or not isinstance(value, date):
            raise self._error(f"{key} must be a TOML date like 2023-12-15 (got {value!r})")
        return value

    def _flag(self, key: str) -> bool:
        value = self.entry[key]
        if not isinstance(value, bool):
            raise self._error(f"{key} must be true or false (got {value!r})")
        return value
