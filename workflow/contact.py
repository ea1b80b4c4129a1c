"""The Contact aggregate: one worry about one child, its stage, clocks, history and records.

The aggregate records what happened — an event, clocks started and stopped, and its typed
records (the threshold decision, a strategy discussion, the section 47 enquiry, the
assessment, a step down, information requests …) — and nothing else: it never talks to a
database. Records are read lazily through the ``CaseRecords`` port the repository plugs in,
so an action pays only for what its rules read; a changed record is handed back with
``put`` and the repository writes it in the same transaction as the event. ``stage``
cannot be assigned from outside: only ``_enter`` (called by the engine after the shared
machine moved it) changes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from workflow.bookings.records import Booking
from workflow.casework.records import (
    Assessment,
    CaseActivity,
    ChildProtectionPlan,
    PlanMeeting,
    PreProceedings,
    Section47,
    StepDown,
    StrategyDiscussion,
    Visit,
)
from workflow.clocks.clock import Clock, ClockResult
from workflow.decision.records import ThresholdDecision
from workflow.errors import NaiveDatetime
from workflow.intake.records import IntakeFlags
from workflow.mash.records import AgendaItem, InfoRequest
from workflow.roles import Role
from workflow.stages import STAGES, Stage

T = TypeVar("T")


def require_aware(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes: an instant without a zone cannot be placed on the clock."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(name)
    return value


class Rag(StrEnum):
    """The MASH's RAG rating: how urgently the checks must be made (DOMAIN.md §3)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return self.value.title()


def reference_for(contact_id: int | None) -> str:
    """``FD0000123`` for contact 123 (the one home of the format); ``FD-new`` before the
    contact is stored. The reference is what people quote on the phone, never reused."""
    return "FD-new" if contact_id is None else f"FD{contact_id:07d}"


def parse_reference(text: str) -> int | None:
    """The contact id in a reference as people type it (``FD0000123``, ``fd123``, ``123``)."""
    cleaned = text.strip().upper().removeprefix("FD").lstrip("-")
    if not cleaned.isdigit() or len(cleaned) > 9:
        return None
    number = int(cleaned)
    return number if number > 0 else None


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


class CaseRecords(Protocol):
    """How the aggregate reads its records on demand (the repository implements it)."""

    def decision(self, contact_id: int) -> ThresholdDecision | None: ...
    def discussion(self, contact_id: int) -> StrategyDiscussion | None: ...
    def enquiry(self, contact_id: int) -> Section47 | None: ...
    def assessment(self, contact_id: int) -> Assessment | None: ...
    def visits(self, contact_id: int) -> tuple[Visit, ...]: ...
    def plan(self, contact_id: int) -> ChildProtectionPlan | None: ...
    def step_down(self, contact_id: int) -> StepDown | None: ...
    def pre_proceedings(self, contact_id: int) -> PreProceedings | None: ...
    def open_requests(self, contact_id: int) -> tuple[InfoRequest, ...]: ...
    def request(self, contact_id: int, request_id: int) -> InfoRequest | None: ...
    def agenda_item(self, contact_id: int, meeting_id: int) -> AgendaItem | None: ...
    def booking(self, contact_id: int, kind: str) -> Booking | None: ...


#: Records kept one per slot (the latest of their kind on the contact).
_SLOTS: dict[type, str] = {ThresholdDecision: "decision", StrategyDiscussion: "discussion",
                           Section47: "enquiry", Assessment: "assessment",
                           ChildProtectionPlan: "plan", StepDown: "handover",
                           PreProceedings: "pre_proceedings"}
#: Records only ever added (history), never changed; of these only visits are read back
#: (whether the child was seen during the assessment being authorised).
_APPEND_ONLY = (Visit, PlanMeeting, CaseActivity)


@dataclass(eq=False)
class Contact:
    """The aggregate root. ``version`` guards concurrent changes (optimistic locking)."""

    received_at: datetime
    source: str
    child_id: int | None = None
    id: int | None = None
    version: int = 0
    event_seq: int = 0
    rag: Rag | None = None
    team: str | None = None
    worker: str | None = None
    referral_at: datetime | None = None
    closure_reason: str | None = None
    referral_nfa: bool = False
    open_case_reference: str | None = None
    flags: IntakeFlags = IntakeFlags()
    open_clocks: list[Clock] = field(default_factory=list)
    records: CaseRecords | None = None
    _stage: Stage = Stage.RECEIVED
    new_events: list[Event] = field(default_factory=list)
    started_clocks: list[Clock] = field(default_factory=list)
    stopped_clocks: list[Clock] = field(default_factory=list)
    changed_records: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

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

    # -- records ---------------------------------------------------------------------
    def _read(self, slot: str, load: Callable[[CaseRecords, int], T], empty: T) -> T:
        if slot not in self._cache:
            stored = self.records is not None and self.id is not None
            self._cache[slot] = load(self.records, self.id) if stored else empty  # type: ignore[arg-type]
        value: T = self._cache[slot]
        return value

    @property
    def decision(self) -> ThresholdDecision | None:
        """The latest threshold decision (in force, awaiting sign-off, or returned)."""
        return self._read("decision", lambda r, i: r.decision(i), None)

    @property
    def discussion(self) -> StrategyDiscussion | None:
        """The latest strategy discussion."""
        return self._read("discussion", lambda r, i: r.discussion(i), None)

    @property
    def enquiry(self) -> Section47 | None:
        """The latest section 47 enquiry."""
        return self._read("enquiry", lambda r, i: r.enquiry(i), None)

    @property
    def assessment(self) -> Assessment | None:
        """The latest assessment."""
        return self._read("assessment", lambda r, i: r.assessment(i), None)

    @property
    def visits(self) -> tuple[Visit, ...]:
        """Every visit to the child on this contact: those stored, then those recorded
        since it was loaded (not yet written)."""
        none: tuple[Visit, ...] = ()
        stored = self._read("visits", lambda r, i: r.visits(i), none)
        return stored + tuple(r for r in self.changed_records.values() if isinstance(r, Visit))

    @property
    def plan(self) -> ChildProtectionPlan | None:
        """The latest child protection plan."""
        return self._read("plan", lambda r, i: r.plan(i), None)

    @property
    def step_down(self) -> StepDown | None:
        """The latest step down to early help."""
        return self._read("handover", lambda r, i: r.step_down(i), None)

    @property
    def pre_proceedings(self) -> PreProceedings | None:
        """The latest pre-proceedings (open, or concluded with its outcome)."""
        return self._read("pre_proceedings", lambda r, i: r.pre_proceedings(i), None)

    @property
    def open_requests(self) -> tuple[InfoRequest, ...]:
        """The information requests still waiting for an answer."""
        return self._read("open_requests", lambda r, i: r.open_requests(i), ())

    def request(self, request_id: int) -> InfoRequest | None:
        """One of this contact's information requests, whatever its status."""
        return self._read(f"request:{request_id}", lambda r, i: r.request(i, request_id),
                          next((q for q in self.open_requests if q.id == request_id), None))

    def agenda_item(self, meeting_id: int) -> AgendaItem | None:
        """This contact's place on a meeting's agenda, if it has one."""
        return self._read(f"agenda:{meeting_id}",
                          lambda r, i: r.agenda_item(i, meeting_id), None)

    def booking(self, kind: str) -> Booking | None:
        """The latest booking of a kind of meeting (booked, held or cancelled)."""
        return self._read(f"booking:{kind}", lambda r, i: r.booking(i, kind), None)

    def put(self, record: Any) -> None:
        """Hand back a new or changed record: it becomes current and is written on save."""
        key = self._key(record)
        if not isinstance(record, (*_APPEND_ONLY, InfoRequest)) or record.id is not None:
            self._cache[key] = record
        if isinstance(record, InfoRequest):
            kept = tuple(q for q in self.open_requests if q.id is None or q.id != record.id)
            self._cache["open_requests"] = kept + ((record,) if record.is_open else ())
        self.changed_records[key] = record

    def _key(self, record: Any) -> str:
        """Where a record is kept: its slot, or a new entry for one without an id yet."""
        fresh = f":new{len(self.changed_records)}"
        if isinstance(record, _APPEND_ONLY):
            return "history" + fresh
        if isinstance(record, InfoRequest):
            return f"request:{record.id}" if record.id is not None else "request" + fresh
        if isinstance(record, AgendaItem):
            return f"agenda:{record.meeting_id}"
        if isinstance(record, Booking):
            return f"booking:{record.kind}"
        try:
            return _SLOTS[type(record)]
        except KeyError:
            raise TypeError(f"{type(record).__name__} is not a record of a contact") from None

    def stored(self, key: str, record: Any) -> None:
        """The repository wrote the record put under ``key``: keep its stored copy (now with
        its id) as the current one."""
        written = self.changed_records.get(key)
        if isinstance(record, InfoRequest):
            self._cache["open_requests"] = tuple(record if q is written else q
                                                 for q in self.open_requests)
            self._cache[f"request:{record.id}"] = record
        elif not isinstance(record, _APPEND_ONLY) and self._cache.get(key) is written:
            self._cache[key] = record

    # -- history and clocks ----------------------------------------------------------
    def record_event(self, trigger: str, to: Stage, actor: str, role: Role, at: datetime,
                     payload: Mapping[str, Any], from_stage: Stage | None) -> Event:
        """Append the next event (sequence numbers are gap-free per contact)."""
        self.event_seq += 1
        reason = str(payload.get("rationale") or payload.get("reason") or "")
        event = Event(self.event_seq, trigger, from_stage, to, actor, role, at, reason,
                      dict(payload))
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
        self.changed_records.clear()
        self._cache.pop("visits", None)  # the visits just written are stored ones now

    def clocks_out_of_scope(self) -> list[Clock]:
        """Open clocks the current stage does not list (they stop: the contact moved on)."""
        allowed = STAGES[self._stage].timed_by
        return [c for c in self.open_clocks if c.rule not in allowed]
