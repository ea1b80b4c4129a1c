"""The Contact aggregate: one worry about one child, its stage, clocks and history.

The aggregate records what happened (an event, clocks started and stopped, the facts the
guards need) and nothing else: it never talks to a database. The service layer loads it,
asks the engine to fire a trigger, and hands the recorded changes to the repository in
one transaction. ``stage`` cannot be assigned from outside: only ``_enter`` (called by the
engine after the shared machine accepted the trigger) moves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workflow.clocks.clock import Clock, ClockResult
from workflow.errors import NaiveDatetime
from workflow.roles import Role
from workflow.stages import STAGES, Stage


def require_aware(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes: an instant without a zone cannot be placed on the clock."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(name)
    return value


@dataclass(frozen=True)
class Event:
    """One line of the append-only history: who did what, when, from where to where, why."""

    seq: int
    trigger: str
    from_stage: str | None
    to_stage: str
    actor: str
    role: str
    at: datetime
    reason: str
    payload: Mapping[str, Any]


@dataclass(eq=False)
class Contact:
    """The aggregate root. ``version`` guards concurrent changes (optimistic locking)."""

    received_at: datetime
    source: str
    child_id: int | None = None
    id: int | None = None
    version: int = 0
    event_seq: int = 0
    rag: str | None = None
    team: str | None = None
    worker: str | None = None
    pending_decision: dict[str, Any] | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    open_clocks: list[Clock] = field(default_factory=list)
    _stage: Stage = Stage.RECEIVED
    new_events: list[Event] = field(default_factory=list)
    started_clocks: list[Clock] = field(default_factory=list)
    stopped_clocks: list[Clock] = field(default_factory=list)

    def __post_init__(self) -> None:
        require_aware(self.received_at, "received_at")

    @property
    def reference(self) -> str:
        """The reference people quote on the phone: derived from the id, never reused."""
        return reference_for(self.id)

    @property
    def stage(self) -> Stage:
        """The current stage; read-only (only the engine moves it)."""
        return self._stage

    def _enter(self, stage: Stage) -> None:
        self._stage = stage

    def record_event(self, trigger: str, to: Stage, actor: str, role: Role, at: datetime,
                     payload: Mapping[str, Any], from_stage: Stage | None) -> Event:
        """Append the next event (sequence numbers are gap-free per contact)."""
        self.event_seq += 1
        reason = str(payload.get("rationale") or payload.get("reason") or "")
        event = Event(self.event_seq, trigger, from_stage, to, actor, role, at, reason,
                      _jsonable(payload))
        self.new_events.append(event)
        return event

    def start_clock(self, clock: Clock) -> None:
        """Start a clock; at most one open clock per rule (a restart supersedes nothing)."""
        if any(c.rule == clock.rule for c in self.open_clocks):
            return
        self.open_clocks.append(clock)
        self.started_clocks.append(clock)

    def stop_clock(self, clock: Clock, at: datetime, event: str,
                   result: ClockResult | None = None, note: str = "") -> None:
        """Stop an open clock and remember it for the repository."""
        clock.stop(at, event, result, note)
        self.open_clocks.remove(clock)
        if clock not in self.started_clocks:
            self.stopped_clocks.append(clock)

    def clear_changes(self) -> None:
        """Forget recorded changes once the repository has written them."""
        self.new_events.clear()
        self.started_clocks.clear()
        self.stopped_clocks.clear()

    def clocks_out_of_scope(self) -> list[Clock]:
        """Open clocks the current stage does not list (they must stop, unmet)."""
        allowed = STAGES[self._stage].timed_by
        return [c for c in self.open_clocks if c.rule not in allowed]


def reference_for(contact_id: int | None) -> str:
    """``FD0000123`` for contact 123; ``FD-new`` before the contact is stored."""
    return "FD-new" if contact_id is None else f"FD{contact_id:07d}"


def _jsonable(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Payload as JSON-safe data for the event row (dates as ISO text)."""
    return {k: _plain(v) for k, v in payload.items() if not k.startswith("_")}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


