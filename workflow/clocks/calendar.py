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

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from workflow.config_errors import ConfigError, read_toml

__all__ = ["NaiveDatetimeError", "ServiceHours", "WorkingCalendar"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EMPTY: Mapping[date, str] = MappingProxyType({})
_HH_MM = re.compile(r"\d\d:\d\d")
_CALENDAR_KEYS = {"subdiv", "timezone", "service_hours"}
_ENTRY_KEYS = {"date", "name", "source"}


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
        settings = _calendar_settings(config_dir / "settings.toml")
        closures_path = config_dir / "closures.toml"
        closures, extra = _read_closures(closures_path) if closures_path.exists() else ({}, {})
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


def _calendar_settings(path: Path) -> dict[str, Any]:
    """Keyword arguments for WorkingCalendar from the [calendar] table of settings.toml."""
    table = read_toml(path).get("calendar", {})
    unknown = sorted(set(table) - _CALENDAR_KEYS)
    if unknown:
        raise ConfigError(path, "calendar", f"unknown key(s) {', '.join(unknown)}", kind="table")
    hours = table.get("service_hours")
    return {
        "subdiv": _subdiv(path, table.get("subdiv", "ENG")),
        "timezone": _timezone(path, table.get("timezone", "Europe/London")),
        "service_hours": None if hours is None else _service_hours(path, hours),
    }


def _subdiv(path: Path, subdiv: Any) -> str:
    # England and Wales share one list; Scotland (SCT) and Northern Ireland (NIR) differ.
    if subdiv not in holidays.country_holidays("GB").subdivisions:
        raise _setting_error(path, "subdiv", f"unknown GB subdivision {subdiv!r}")
    return str(subdiv)


def _timezone(path: Path, name: Any) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _setting_error(path, "timezone", f"unknown timezone {name!r}") from None
    return str(name)


def _setting_error(path: Path, key: str, problem: str) -> ConfigError:
    return ConfigError(path, key, problem, kind="setting")


def _service_hours(path: Path, table: Mapping[str, Any]) -> ServiceHours:
    windows = {}
    for name, hours in table.items():
        if name not in WEEKDAYS:
            raise _setting_error(path, f"service_hours.{name}", "not a day of the week")
        windows[WEEKDAYS.index(name)] = _window(path, f"service_hours.{name}", hours)
    try:
        return ServiceHours(windows)
    except ValueError as error:
        raise _setting_error(path, "service_hours", str(error)) from None


def _window(path: Path, key: str, hours: Any) -> tuple[time, time]:
    if not isinstance(hours, dict) or set(hours) != {"opens", "closes"}:
        raise _setting_error(path, key, 'must be { opens = "HH:MM", closes = "HH:MM" }')
    try:
        opens, closes = (_clock_time(hours[end]) for end in ("opens", "closes"))
    except ValueError as error:
        raise _setting_error(path, key, str(error)) from None
    return opens, closes


def _clock_time(text: Any) -> time:
    if not isinstance(text, str) or not _HH_MM.fullmatch(text):
        raise ValueError(f'time must be a "HH:MM" string (got {text!r})')
    return time.fromisoformat(text)


def _read_closures(path: Path) -> tuple[dict[date, str], dict[date, str]]:
    """(closures, extra bank holidays) from closures.toml; a date may appear only once."""
    document = read_toml(path)
    unknown = sorted(set(document) - {"closure", "bank_holiday"})
    if unknown:
        raise ConfigError(path, None, f"unknown table(s) {', '.join(unknown)}")
    seen: dict[date, str] = {}
    closures = _dated_entries(path, document.get("closure", []), "closure", seen)
    extra = _dated_entries(path, document.get("bank_holiday", []), "bank_holiday", seen)
    return closures, extra


def _dated_entries(path: Path, entries: Any, kind: str, seen: dict[date, str]) -> dict[date, str]:
    if not isinstance(entries, list):
        raise ConfigError(path, None, f"use [[{kind}]] for each entry", kind=kind)
    found = {}
    for number, entry in enumerate(entries, start=1):
        day = _entry_date(path, kind, number, entry)
        if day in seen:
            problem = f"date already listed as a {seen[day]}"
            raise ConfigError(path, day.isoformat(), problem, kind=kind)
        seen[day] = kind
        found[day] = entry["name"]
    return found


def _entry_date(path: Path, kind: str, number: int, entry: Any) -> date:
    """The validated date of one [[closure]] or [[bank_holiday]] entry."""
    if not isinstance(entry, dict) or set(entry) != _ENTRY_KEYS:
        raise ConfigError(path, f"#{number}", "needs exactly: date, name, source", kind=kind)
    day = entry["date"]
    # tomllib gives a datetime (a date subclass) for 2026-12-24T00:00, so test it first.
    if isinstance(day, datetime) or not isinstance(day, date):
        problem = f"date must be a TOML date like 2026-12-24 (got {day!r})"
        raise ConfigError(path, f"#{number}", problem, kind=kind)
    for key in ("name", "source"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise ConfigError(path, day.isoformat(), f"{key} must be a non-empty string", kind=kind)
    return day
