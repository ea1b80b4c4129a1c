"""Clocks: stored rows, one per running or finished timescale on a contact.

A deadline is data a query can read (never a timer thread, never transitions' Timeout
states): the dashboard and the breach sweep select on ``due_at`` and ``stopped_at``.
Each clock keeps the version of the rule that started it, so a later change to
``config/timescales.toml`` never rewrites an old clock's due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ClockResult(StrEnum):
    """How a stopped clock ended."""

    MET = "met"  # stopped by one of its stop events on or before the due instant
    LATE = "late"  # stopped by one of its stop events after the due instant
    #: The contact moved on without the thing the clock times, and that thing was needed
    #: by the step that moved it (an assessment authorised with the child never seen).
    NOT_MET = "not_met"
    #: The contact moved on to where the clock does not apply, without needing what it
    #: times (decided straight from screening: no MASH checks were needed). Never a breach.
    NOT_APPLICABLE = "not_applicable"
    SUPERSEDED = "superseded"  # replaced by a new clock for the same purpose (a re-rating)


@dataclass(eq=False)
class Clock:
    """One timescale running (or run) on one contact."""

    rule: str
    rule_version: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None = None
    stop_event: str | None = None
    result: ClockResult | None = None
    id: int | None = None
    note: str = ""  # why it was late, when the stopping action recorded a reason

    @property
    def is_open(self) -> bool:
        """Still running: no stop event yet."""
        return self.stopped_at is None

    def is_breached(self, now: datetime) -> bool:
        """Past due and not met: running beyond its due instant, or stopped late or unmet."""
        if self.is_open:
            return now > self.due_at
        return self.result in (ClockResult.LATE, ClockResult.NOT_MET)

    def stop(self, at: datetime, event: str, result: ClockResult | None = None,
             note: str = "") -> None:
        """Stop the clock. Without an explicit result it is met or late by the due instant."""
        self.stopped_at = at
        self.stop_event = event
        self.note = note
        if result is None:
            result = ClockResult.MET if at <= self.due_at else ClockResult.LATE
        self.result = result
