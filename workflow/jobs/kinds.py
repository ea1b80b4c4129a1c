"""The kinds of background job, registered in one place, and when periodic ones fall due.

A kind says what runs (``run``), how often it may be tried (``max_attempts``, with
exponential backoff between tries) and, for periodic work, its schedule. Every periodic
run is one job whose unique key is the kind and its slot (``breach_sweep@2026-12-01T17:05``),
so however many workers schedule the slot, the database keeps one job for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Schedule(Protocol):
    def slot(self, now: datetime) -> datetime: ...
    def next_slot(self, now: datetime) -> datetime: ...
    def describe(self) -> str: ...


@dataclass(frozen=True)
class Every:
    """Every N minutes, on slots counted from midnight UTC (so every worker agrees)."""

    minutes: int

    def slot(self, now: datetime) -> datetime:
        """The start of the slot ``now`` falls in."""
        day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = (now - day) // timedelta(minutes=self.minutes)
        return day + elapsed * timedelta(minutes=self.minutes)

    def next_slot(self, now: datetime) -> datetime:
        return self.slot(now) + timedelta(minutes=self.minutes)

    def describe(self) -> str:
        return f"every {self.minutes} minutes"


@dataclass(frozen=True)
class Daily:
    """Once a day at a London wall-clock time (02:00 stays 02:00 across summer time)."""

    at: time

    def slot(self, now: datetime) -> datetime:
        """Today's run if its time has passed, else yesterday's."""
        local = now.astimezone(LONDON)
        today = datetime.combine(local.date(), self.at, LONDON)
        if today > now:
            today = datetime.combine(local.date() - timedelta(days=1), self.at, LONDON)
        return today.astimezone(UTC)

    def next_slot(self, now: datetime) -> datetime:
        local = self.slot(now).astimezone(LONDON)
        return datetime.combine(local.date() + timedelta(days=1), self.at, LONDON
                                ).astimezone(UTC)

    def describe(self) -> str:
        return f"daily at {self.at:%H:%M} (Europe/London)"


class JobFailed(Exception):
    """A job that cannot succeed by being tried again (bad payload): dead at once."""


@dataclass(frozen=True)
class JobKind:
    """One kind of work. ``run(context, payload)`` raises to fail; returning is success."""

    name: str
    label: str
    run: Callable[[Any, dict[str, Any]], None]
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=30)
    lease: timedelta = timedelta(minutes=10)
    schedule: Schedule | None = None

    def delay_before(self, attempt: int) -> timedelta:
        """Wait after failed try ``attempt`` (1-based): 30 s, 1 min, 2 min … capped at 1 h."""
        return min(self.backoff * (2 ** (attempt - 1)), timedelta(hours=1))


@dataclass
class Registry:
    """Every kind by name; the one place the rest of the code adds kinds to."""

    _kinds: dict[str, JobKind] = field(default_factory=dict)

    def add(self, kind: JobKind) -> JobKind:
        if kind.name in self._kinds:
            raise ValueError(f"job kind {kind.name!r} is registered twice")
        self._kinds[kind.name] = kind
        return kind

    def get(self, name: str) -> JobKind | None:
        return self._kinds.get(name)

    def __iter__(self) -> Iterator[JobKind]:
        return iter(self._kinds.values())

    def periodic(self) -> list[JobKind]:
        return [k for k in self if k.schedule is not None]

    def labels(self) -> dict[str, str]:
        return {k.name: k.label for k in self}


def slot_key(kind: JobKind, slot: datetime) -> str:
    """The unique key of one periodic run: the kind and its slot's UTC minute."""
    return f"{kind.name}@{slot.astimezone(UTC):%Y-%m-%dT%H:%M}"
