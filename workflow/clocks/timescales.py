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
the book answers "which clocks does this event start or stop on this date?". Most clocks
count from the instant of the event that starts them; a rule may instead count from the
contact's receipt (``counts_from = "receipt"``) when the law times it from there although
it only applies once something later has happened (Working Together: the referrer is
acknowledged "within one working day of a referral being received", a clock that exists
only once the contact is accepted as a referral).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from marshmallow import ValidationError, post_load, validates_schema

from workflow.clocks.calendar import NaiveDatetimeError, WorkingCalendar
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

__all__ = [
    "Convention",
    "CountsFrom",
    "TimescaleBook",
    "TimescaleRule",
    "Unit",
    "UnknownRule",
    "load_timescales",
]


class Unit(StrEnum):
    """What a limit counts: working days, service hours, real hours or calendar months."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CLOCK_HOURS = "clock_hours"
    CALENDAR_WEEKS = "calendar_weeks"
    CALENDAR_MONTHS = "calendar_months"


class Convention(StrEnum):
    """Whether the day the clock starts is day 0 (Working Together) or day 1 (DfE census)."""

    START_DAY_IS_DAY_0 = "start_day_is_day_0"
    START_DAY_IS_DAY_1 = "start_day_is_day_1"


class CountsFrom(StrEnum):
    """Where a clock counts from: the instant of the event that starts it, or the receipt
    of the contact it runs on (the version in force is chosen on that same date)."""

    START_EVENT = "start_event"
    RECEIPT = "receipt"


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
    counts_from: CountsFrom = CountsFrom.START_EVENT
    #: Further events that start this clock (a practice standard that starts on either
    #: plan, or a recurring one that its own stop event starts again).
    also_starts_on: tuple[str, ...] = ()

    def is_started_by(self, event: str) -> bool:
        """Whether ``event`` starts this clock."""
        return self.starts_on == event or event in self.also_starts_on

    @property
    def version(self) -> str:
        """Stored on each clock row so a decision records the rule it was judged by."""
        return f"{self.name}@{self.effective_from.isoformat()}"

    def due(self, started: datetime, calendar: WorkingCalendar) -> datetime:
        """When a clock started at ``started`` (aware) falls due, as an aware UTC instant.

        Remembered per rule version, instant and calendar (``_due``): a re-rating or a
        contact's clocks ask the same question again and again, the answer depends on
        the instant alone (never on how its zone is written), and a calendar's bank
        holidays, closures and service hours are fixed once it is built."""
        if started.tzinfo is None or started.utcoffset() is None:
            raise NaiveDatetimeError(f"datetime {started.isoformat()} has no timezone")
        return _due(self, started, calendar)

    def _count(self, started: datetime, calendar: WorkingCalendar) -> datetime:
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
        if self.unit is Unit.CALENDAR_WEEKS:
            # Counted on local dates, so a summer-time change cannot move the due day.
            return start_day + timedelta(weeks=self.limit)
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
        described = _DESCRIBERS[self.unit](self)
        if self.counts_from is CountsFrom.RECEIPT:
            described += (" Counted from when the contact was received, not from when the "
                          "clock started.")
        return described


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
        "the day the clock starts is day 1 if it is a working day (as the DfE's CIN census "
        "validation counts), so "
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


def _describe_weeks(rule: TimescaleRule) -> str:
    return (
        f"{_plural(rule.limit, 'week')}; due by the end of the same day of the week "
        f"{_plural(rule.limit, 'week')} later, whether or not that is a working day."
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
    Unit.CALENDAR_WEEKS: _describe_weeks,
    Unit.CALENDAR_MONTHS: _describe_months,
}


@lru_cache(maxsize=4096)
def _due(rule: TimescaleRule, started: datetime, calendar: WorkingCalendar) -> datetime:
    return rule._count(started, calendar)


#: How many (event, date) answers a book keeps before starting afresh: far more than the
#: days a running service asks about, so in practice it is never reached.
_REMEMBERED = 10_000


class TimescaleBook:
    """Every version of every rule, answering "which rule was in force on this date?".

    A book never changes once built (``with_rules`` makes a new one), so which rules an
    event starts or stops on a date is worked out once and remembered: every clock event
    of every command asks it."""

    def __init__(self, rules: Collection[TimescaleRule]) -> None:
        self._versions: dict[str, list[TimescaleRule]] = {}
        for rule in sorted(rules, key=lambda rule: rule.effective_from):
            self._versions.setdefault(rule.name, []).append(rule)
        self._answers: dict[tuple[bool, str, date], tuple[TimescaleRule, ...]] = {}

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

    def titles(self) -> dict[str, str]:
        """Each rule's title as its latest version gives it: what a list of clocks of every
        date (the breach dashboard) shows in place of the stored rule id."""
        return {name: versions[-1].title for name, versions in self._versions.items()}

    def started_by(self, event: str, on: date) -> list[TimescaleRule]:
        """Rules in force on ``on`` whose clock this event starts."""
        return list(self._answer(True, event, on))

    def stopped_by(self, event: str, on: date) -> list[TimescaleRule]:
        """Rules in force on ``on`` whose clock this event stops."""
        return list(self._answer(False, event, on))

    def _answer(self, starts: bool, event: str, on: date) -> tuple[TimescaleRule, ...]:
        key = (starts, event, on)
        found = self._answers.get(key)
        if found is None:
            found = tuple(rule for rule in self._in_force(on)
                          if (rule.is_started_by(event) if starts else event in rule.stops_on))
            if len(self._answers) >= _REMEMBERED:
                self._answers.clear()
            self._answers[key] = found
        return found

    def events(self) -> set[str]:
        """Every event named by any version, so the engine can check it emits them all."""
        return {
            event
            for versions in self._versions.values()
            for rule in versions
            for event in (rule.starts_on, *rule.also_starts_on, *rule.stops_on)
        }

    def with_rules(self, extra: Collection[TimescaleRule]) -> TimescaleBook:
        """This book and ``extra`` together (the practice standards beside the
        timescales); a name in both would make one silently shadow the other, so it is
        refused."""
        clash = sorted({rule.name for rule in extra} & set(self._versions))
        if clash:
            raise ValueError(f"named both as a timescale and a practice standard: "
                             f"{', '.join(clash)}")
        mine = [rule for versions in self._versions.values() for rule in versions]
        return TimescaleBook([*mine, *extra])

    def _in_force(self, on: date) -> list[TimescaleRule]:
        return [
            versions_in_force[-1]
            for versions in self._versions.values()
            if (versions_in_force := [rule for rule in versions if rule.effective_from <= on])
        ]


def load_timescales(
    path: Path, known_events: Collection[str] | None = None, *, required: Collection[str] = ()
) -> TimescaleBook:
    """Read and validate ``timescales.toml``; any mistake raises ConfigError.

    Why strict: a wrong limit or unit silently moves every due date. ``known_events``,
    when given, is the vocabulary the engine emits; a misspelt event is refused because
    it would start or stop no clock at all. ``required`` names rules the caller cannot do
    without (a deadline per RAG rating).
    """
    rules = load_file(path, TimescalesSchema(known_events, required))
    return TimescaleBook(rules)


class RuleSchema(EntrySchema):
    """One [[rule]] table: every key required, each checked, named by the rule's name."""

    kind = "rule"
    name = Text(required=True)
    title = Text(required=True)
    limit = WholeNumber(required=True)
    unit = OneOf(Unit, required=True)
    convention = OneOf(Convention, required=True)
    starts_on = Text(required=True)
    stops_on = IdList("event name", non_empty=True, required=True)
    source = Text(required=True)
    effective_from = TomlDate("2023-12-15", required=True)
    local = Flag(required=True)
    counts_from = OneOf(CountsFrom, load_default=CountsFrom.START_EVENT)

    def ident(self, entry: Mapping[str, Any]) -> str | None:
        name = entry.get("name")
        return name if isinstance(name, str) and name.strip() else None

    @validates_schema
    def _convention_fits_unit(self, data: dict[str, Any], **_: Any) -> None:
        # The day-1 convention only changes working-day counting; elsewhere it would be
        # a misleading label shown to users.
        day_1 = data["convention"] is Convention.START_DAY_IS_DAY_1
        if day_1 and data["unit"] is not Unit.WORKING_DAYS:
            raise ValidationError(f"{data['unit']} rules must use convention start_day_is_day_0")

    @post_load
    def _rule(self, data: dict[str, Any], **_: Any) -> TimescaleRule:
        return TimescaleRule(**data)


class TimescalesSchema(FileSchema):
    """The whole file: rules whose versions are distinct and whose events the engine emits."""

    shape = "expected only [[rule]] entries"
    rule = entries(RuleSchema, required=True)

    def __init__(self, known_events: Collection[str] | None = None,
                 required: Collection[str] = ()) -> None:
        super().__init__()
        self.known_events, self.required = known_events, required

    @validates_schema
    def _across_rules(self, data: dict[str, Any], **_: Any) -> None:
        problems: dict[int, str] = {}
        versions: set[str] = set()
        for index, rule in enumerate(data["rule"]):
            unknown = sorted({rule.starts_on, *rule.stops_on} - set(self.known_events or ()))
            if rule.version in versions:
                problems[index] = f"two versions effective from {rule.effective_from.isoformat()}"
            elif self.known_events is not None and unknown:
                problems[index] = f"unknown {listed('clock event', unknown)}"
            versions.add(rule.version)
        if problems:
            raise entry_errors("rule", problems)
        missing = [name for name in self.required if name not in {r.name for r in data["rule"]}]
        if missing:
            raise ValidationError(f"missing the {listed('rule', missing)}")

    @post_load
    def _rules(self, data: dict[str, Any], **_: Any) -> list[TimescaleRule]:
        return list(data["rule"])
