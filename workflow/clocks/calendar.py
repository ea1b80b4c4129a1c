"""The working-day calendar: the ONE place working days and working hours are computed.

Why one place: every statutory clock at the front door ("within 1 working day", "45
working days", "15 working days") and every MASH working-hours clock depends on the same
question, "is this day a working day?". Two answers in two modules would let a dashboard
say "in time" while the DfE census says "late" (DOMAIN.md section 3, "Rules for the clock").

The rules it applies:

* A working day is Monday to Friday, less the bank holidays of England and Wales (one
  shared list), less any council closure days (DOMAIN.md section 3).
* Bank holidays come from ``holidays.country_holidays("GB", subdiv="ENG")`` with
  substitute ("observed") days included. ``subdiv`` is required: without it the package
  silently drops Easter Monday and the August bank holiday (ARCHITECTURE.md, known traps).
* New holidays are proclaimed at short notice (5 Jun 2012, 19 Sep 2022, 8 May 2023), so a
  council can add one as data in ``config/closures.toml`` (``[[bank_holiday]]``) without
  a code change; local closure days go in the same file (``[[closure]]``).
* Dates are Europe/London dates, instants are stored in UTC, and a summer-time change
  never moves a due date: all day arithmetic is on local *dates*, never on 24-hour steps.
* Working hours count only time inside the service's opening hours on working days
  (Worcestershire FFD: Mon-Thu 09:00-17:00, Fri 09:00-16:30, a LOCAL value).

Build it from configuration at start-up (nothing is built at import time)::

    from pathlib import Path
    from workflow.clocks.calendar import WorkingCalendar

    calendar = WorkingCalendar.from_config(Path("config"))
    calendar.add_working_days(date(2026, 4, 2), 45)   # -> date(2026, 6, 10)

``from_config`` reads ``settings.toml`` (table ``[calendar]``: ``subdiv``, ``timezone``,
``[calendar.service_hours]``) and, when present, ``closures.toml``; any mistake in either
raises :class:`workflow.config_errors.ConfigError` naming the file, entry and problem.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from marshmallow import ValidationError, post_load, validates_schema

from workflow.config_schema import (
    ClockTime,
    EntrySchema,
    FileSchema,
    TableSchema,
    Text,
    TomlDate,
    entries,
    entry_errors,
    load_file,
    load_table,
    table,
)

__all__ = ["NaiveDatetimeError", "ServiceHours", "WorkingCalendar"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EMPTY: Mapping[date, str] = MappingProxyType({})


class NaiveDatetimeError(ValueError):
    """A datetime without a timezone reached the calendar.

    Why refuse it: a naive time could be UTC or London time, an hour apart for half the
    year, so a clock started from it could be due on the wrong day.
    """


def _worcestershire_hours() -> dict[int, tuple[time, time]]:
    # LOCAL: Worcestershire Family Front Door (FFD) opening hours, DOMAIN.md section 3.
    weekday = (time(9, 0), time(17, 0))
    return {0: weekday, 1: weekday, 2: weekday, 3: weekday, 4: (time(9, 0), time(16, 30))}


@dataclass(frozen=True)
class ServiceHours:
    """Opening and closing local times per weekday (Monday=0 .. Sunday=6).

    Why: MASH clocks are often kept in working hours inside service hours, so the hours
    are data. A weekday missing from ``windows`` is closed. The default is Worcestershire
    FFD's (Mon-Thu 09:00-17:00, Fri 09:00-16:30), a LOCAL value.
    """

    windows: Mapping[int, tuple[time, time]] = field(default_factory=_worcestershire_hours)

    def __post_init__(self) -> None:
        # A read-only copy: the hours are shared by every clock and must not change under them.
        object.__setattr__(self, "windows", MappingProxyType(dict(self.windows)))
        for weekday, (opens, closes) in self.windows.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
            if not opens < closes:
                raise ValueError(f"{WEEKDAYS[weekday]} opens at {opens} but closes at {closes}")
        # Working days are Monday-Friday, so hours only at weekends would never open.
        if not any(weekday < 5 for weekday in self.windows):
            raise ValueError("service hours must open on at least one weekday Monday-Friday")

    def window(self, weekday: int) -> tuple[time, time] | None:
        """Opening and closing time on that weekday, or None when closed all day."""
        return self.windows.get(weekday)


class _Index(NamedTuple):
    """Sorted ordinals of every working day in years first..last (replaced, never mutated)."""

    first: int
    last: int
    ordinals: list[int]


class WorkingCalendar:
    """Working days and working hours for one council.

    Why a class: the bank-holiday region, local closures, service hours and timezone are
    per-council settings, fixed at start-up and shared by every clock. Bank holidays are
    computed lazily per year and cached, so counting is fast (one ``bisect``).

    A working day is the statutory one (Mon-Fri less bank holidays and closures) whatever
    the service hours say; service hours only shape the working-hours clocks.
    """

    def __init__(
        self,
        *,
        subdiv: str = "ENG",
        extra_bank_holidays: Mapping[date, str] = _EMPTY,
        closures: Mapping[date, str] = _EMPTY,
        service_hours: ServiceHours | None = None,
        timezone: str = "Europe/London",
    ) -> None:
        if subdiv not in holidays.country_holidays("GB").subdivisions:
            raise ValueError(f"unknown GB subdivision {subdiv!r}")
        self.subdiv = subdiv
        self.timezone = ZoneInfo(timezone)
        self.service_hours = service_hours or ServiceHours()
        self._extra = dict(extra_bank_holidays)
        self._closures = dict(closures)
        self._years: dict[int, dict[date, str]] = {}
        self._index = _Index(0, -1, [])

    @classmethod
    def from_config(cls, config_dir: Path) -> WorkingCalendar:
        """Build the calendar from ``settings.toml`` and ``closures.toml`` in config_dir.

        Why: the region, timezone, hours and closures are a council's data, changed by
        editing files, never code. A missing ``closures.toml`` means "no closures".
        """
        settings = load_table(config_dir / "settings.toml", CalendarSchema())
        closures_path = config_dir / "closures.toml"
        closures, extra = (load_file(closures_path, ClosuresSchema()) if closures_path.exists()
                           else ({}, {}))
        return cls(closures=closures, extra_bank_holidays=extra, **settings)

    # -- working days ----------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True on Monday-Friday that is neither a bank holiday nor a council closure."""
        return (
            day.weekday() < 5 and day not in self._bank_holidays(day.year)
            and day not in self._closures
        )

    def non_working_reason(self, day: date) -> str | None:
        """Why a day does not count ("Good Friday", "Saturday", "Council closure: ..."),
        or None for a working day; shown to users next to a due date."""
        bank_holiday = self._bank_holidays(day.year).get(day)
        if bank_holiday:
            return bank_holiday
        if day in self._closures:
            return f"Council closure: {self._closures[day]}"
        return WEEKDAYS[day.weekday()].title() if day.weekday() >= 5 else None

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day AFTER day (day itself never counts; it need not be working).

        Why "after": "within N working days of X" counts the day of X as day 0 (DOMAIN.md
        section 3); the DfE day-1 convention is built on this in ``workflow.clocks.timescales``.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        ordinal = day.toordinal()
        # ~250 working days a year: cover enough years up front, extend if still short.
        index = self._covering(day.year, day.year + 1 + n // 250)
        while (position := bisect_right(index.ordinals, ordinal) + n - 1) >= len(index.ordinals):
            index = self._covering(index.first, index.last + 1)
        return date.fromordinal(index.ordinals[position])

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days d with start < d <= end (0 when end <= start).

        Why half-open: it is the inverse of ``add_working_days``, so
        ``working_days_between(s, add_working_days(s, n)) == n`` for every n >= 1.
        """
        if end <= start:
            return 0
        ordinals = self._covering(start.year, end.year).ordinals
        return bisect_right(ordinals, end.toordinal()) - bisect_right(ordinals, start.toordinal())

    def _bank_holidays(self, year: int) -> dict[date, str]:
        # Substitute days are kept (observed=True is the default): Christmas on a Saturday
        # moves to Monday 27 and Boxing Day to Tuesday 28 (DOMAIN.md section 3).
        cached = self._years.get(year)
        if cached is None:
            found = holidays.country_holidays("GB", subdiv=self.subdiv, years=year, observed=True)
            cached = {day: name for day, name in found.items() if day.year == year}
            cached.update({day: name for day, name in self._extra.items() if day.year == year})
            self._years[year] = cached
        return cached

    def _covering(self, first: int, last: int) -> _Index:
        # The index is rebuilt whole and swapped in one assignment, so a reader on another
        # thread always sees a consistent (first, last, ordinals) triple.
        index = self._index
        if index.first <= first and last <= index.last:
            return index
        if index.ordinals:
            first, last = min(first, index.first), max(last, index.last)
        ordinals = [
            ordinal
            for ordinal in range(date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal() + 1)
            if self.is_working_day(date.fromordinal(ordinal))
        ]
        self._index = _Index(first, last, ordinals)
        return self._index

    # -- local dates and instants ----------------------------------------------------

    def local_date(self, instant: datetime) -> date:
        """The Europe/London date of an aware instant; the day every clock counts from."""
        return self._local(instant).date()

    def start_of_day(self, day: date) -> datetime:
        """00:00 local time on day, as an aware UTC instant."""
        return datetime.combine(day, time.min, tzinfo=self.timezone).astimezone(UTC)

    def end_of_day(self, day: date) -> datetime:
        """The last instant (23:59:59.999999) of the local day, as an aware UTC instant.

        Why: a timescale "due on day D" is met by anything done on D, so the deadline is
        the end of D in London (22:59:59.999999 UTC in summer, 23:59:59.999999 in winter).
        """
        return datetime.combine(day, time.max, tzinfo=self.timezone).astimezone(UTC)

    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise NaiveDatetimeError(f"datetime {instant.isoformat()} has no timezone")
        return instant.astimezone(self.timezone)

    # -- working hours ---------------------------------------------------------------

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The instant ``hours`` of service time after start, as aware UTC.

        Only time inside service hours on working days counts, and a start outside hours
        begins at the next opening (a contact received on Saturday starts Monday 09:00).
        """
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        local, remaining = self._local(start), timedelta(hours=hours)
        for opens, closes in self._windows_from(local.date()):
            begin = max(opens, local)
            if begin >= closes:
                continue
            if begin + remaining <= closes:
                return (begin + remaining).astimezone(UTC)
            remaining -= closes - begin
        raise AssertionError("unreachable: service hours open every week")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Hours of service time in [start, end]; 0.0 when end <= start.

        Why: shows how much of a working-hours timescale has been used, and is the
        inverse of ``add_working_hours`` for a start inside service hours.
        """
        local_start, local_end = self._local(start), self._local(end)
        total = timedelta()
        for opens, closes in self._windows_from(local_start.date()):
            if opens >= local_end:
                break
            total += max(min(closes, local_end) - max(opens, local_start), timedelta())
        return total / timedelta(hours=1)

    def _windows_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        # Service windows are local wall-clock times; UK clocks change at 01:00/02:00,
        # outside any opening hours, so a window is never 23 or 25 hours long.
        while True:
            window = self.service_hours.window(day.weekday())
            if window and self.is_working_day(day):
                opens, closes = (datetime.combine(day, t, tzinfo=self.timezone) for t in window)
                yield opens, closes
            day += timedelta(days=1)


# -- reading configuration -------------------------------------------------------------


def _known_subdiv(subdiv: str) -> None:
    # England and Wales share one list; Scotland (SCT) and Northern Ireland (NIR) differ.
    if subdiv not in holidays.country_holidays("GB").subdivisions:
        raise ValidationError(f"unknown GB subdivision {subdiv!r}")


def _known_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown timezone {name!r}") from None


class WindowSchema(TableSchema):
    """One day's ``{ opens = "HH:MM", closes = "HH:MM" }``."""

    error_messages = {"type": 'must be { opens = "HH:MM", closes = "HH:MM" }'}
    opens = ClockTime(required=True)
    closes = ClockTime(required=True)

    @post_load
    def _window(self, data: dict[str, time], **_: Any) -> tuple[time, time]:
        return data["opens"], data["closes"]


class ServiceHoursSchema(TableSchema):
    """[calendar.service_hours]: a window per open weekday; a day not listed is closed."""

    error_messages = {"unknown": "not a day of the week"}
    monday = table(WindowSchema)
    tuesday = table(WindowSchema)
    wednesday = table(WindowSchema)
    thursday = table(WindowSchema)
    friday = table(WindowSchema)
    saturday = table(WindowSchema)
    sunday = table(WindowSchema)

    @post_load
    def _hours(self, data: dict[str, tuple[time, time]], **_: Any) -> ServiceHours:
        try:
            return ServiceHours({WEEKDAYS.index(day): window for day, window in data.items()})
        except ValueError as error:  # hours that close before they open, or only at weekends
            raise ValidationError(str(error)) from None


class CalendarSchema(TableSchema):
    """[calendar] in settings.toml, as keyword arguments for WorkingCalendar."""

    section = "calendar"
    subdiv = Text(load_default="ENG", validate=_known_subdiv)
    timezone = Text(load_default="Europe/London", validate=_known_timezone)
    service_hours = table(ServiceHoursSchema, load_default=None)


class _DatedSchema(EntrySchema):
    """One [[closure]] or [[bank_holiday]]: a date, its name and where it was announced."""

    date = TomlDate("2026-12-24", required=True)
    name = Text(required=True)
    source = Text(required=True)

    def ident(self, entry: Mapping[str, Any]) -> str | None:
        day = entry.get("date")
        return None if isinstance(day, datetime) or not isinstance(day, date) else day.isoformat()


class ClosureSchema(_DatedSchema):
    """A local council closure day."""

    kind = "closure"


class BankHolidaySchema(_DatedSchema):
    """A bank holiday proclaimed after the ``holidays`` package was released."""

    kind = "bank_holiday"


class ClosuresSchema(FileSchema):
    """closures.toml: (closures, extra bank holidays), each date listed only once."""

    shape = "expected only [[closure]] and [[bank_holiday]] entries"
    closure = entries(ClosureSchema, load_default=list)
    bank_holiday = entries(BankHolidaySchema, load_default=list)

    @validates_schema
    def _each_date_once(self, data: dict[str, list[dict[str, Any]]], **_: Any) -> None:
        seen: dict[date, str] = {}
        for kind in ("closure", "bank_holiday"):
            repeats = {}
            for index, entry in enumerate(data[kind]):
                if entry["date"] in seen:
                    repeats[index] = f"date already listed as a {seen[entry['date']]}"
                seen.setdefault(entry["date"], kind)
            if repeats:
                raise entry_errors(kind, repeats)

    @post_load
    def _by_date(self, data: dict[str, list[dict[str, Any]]], **_: Any
                 ) -> tuple[dict[date, str], dict[date, str]]:
        return tuple({e["date"]: e["name"] for e in data[kind]}  # type: ignore[return-value]
                     for kind in ("closure", "bank_holiday"))
