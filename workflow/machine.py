"""The engine: one shared ``transitions`` machine that every contact passes through.

Habits from transitions issues #146, #379 and #434: the machine is built once with
``model=None`` and ``auto_transitions=False``. A trigger is fired on a small throwaway
handle that carries only the contact's stored stage, through the machine's own event
(``machine.events[trigger].trigger(handle)`` — the very call ``handle.trigger(name)`` makes
after ``add_model``). The handle never joins ``machine.models``, so the stage cannot be
reset by a forgotten ``initial=`` and nothing leaks; and the per-fire ``add_model`` /
``remove_model`` (which bind and unbind a method per state and trigger: two thirds of the
engine's own, non-SQL time per transition, see bench/README.md) is not paid.

Before the machine is asked, the engine explains any refusal itself — unknown trigger,
wrong stage, role not granted, no row fits, a guard unmet — with the specific error from
``workflow.errors``. The machine then fires with the same guards as its conditions, and
the aggregate records the event, the clocks and the facts.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from transitions import Machine

from workflow.casework.config import CaseworkConfig
from workflow.clocks.calendar import WorkingCalendar
from workflow.clocks.clock import Clock, ClockResult
from workflow.clocks.timescales import TimescaleBook
from workflow.contact import Contact, Event, require_aware
from workflow.effects import EFFECTS
from workflow.errors import GuardFailed, InvalidTransition, NotPermitted
from workflow.guards import GUARDS, SELECTOR_HELP, SELECTORS, GuardContext
from workflow.roles import Role
from workflow.spec import TABLE, Transition, rows_for, triggers
from workflow.stages import STAGES, Stage

_TIME_FIELDS = ("held_at", "visited_at")
#: The clock event of a discussion reconvened during a s47 enquiry, counted "from the last".
REANCHOR = "icpc_reanchored"
#: Events that start the same clocks as another: a new assessment on an open case (a
#: section 47 enquiry on a child in need plan) runs the assessment clocks a referral runs,
#: without being a referral.
CLOCKS_OF = {"assessment_opened": "referral_accepted"}


class _Handle:
    """What joins the shared machine: only a stage, so the real contact is never touched."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage.value


def _condition(name: str, table: Mapping[str, Any], is_guard: bool) -> Any:
    func = table[name]
    if is_guard:
        return lambda event: func(event.kwargs["ctx"]) is None
    return lambda event: bool(func(event.kwargs["ctx"]))


def build_machine() -> Machine:
    """Build the one shared machine from the table (selectors, then guards, as conditions)."""
    machine = Machine(model=None, states=[s.value for s in Stage], initial=None,
                      auto_transitions=False, model_attribute="stage", send_event=True)
    for row in TABLE:
        conditions = [_condition(n, SELECTORS, False) for n in row.when]
        conditions += [_condition(n, GUARDS, True) for n in row.guards]
        machine.add_transition(row.trigger, [s.value for s in row.sources],
                               row.dest.value if row.dest else None, conditions=conditions)
    return machine


class Engine:
    """Fires triggers on contacts and keeps their clocks, by the table and the rules."""

    def __init__(self, book: TimescaleBook, calendar: WorkingCalendar,
                 casework: CaseworkConfig | None = None) -> None:
        self.book = book
        self.calendar = calendar
        self.casework = casework or CaseworkConfig()
        self.machine = build_machine()
        self._lock = threading.Lock()

    # -- what may happen -------------------------------------------------------------
    def permitted_triggers(self, contact: Contact, role: Role) -> list[str]:
        """The triggers this role may fire from the contact's stage (the UI offers only these)."""
        rows = [r for r in TABLE if contact.stage in r.sources and role in r.roles]
        return list(dict.fromkeys(r.trigger for r in rows))

    def choose_row(self, ctx: GuardContext, trigger: str) -> Transition:
        """The row that would fire, or the specific refusal (deny by default)."""
        stage = ctx.contact.stage
        if trigger not in triggers():
            raise InvalidTransition(f"There is no action called '{trigger}'.")
        rows = rows_for(trigger, stage)
        if not rows:
            raise InvalidTransition(_wrong_stage(trigger, stage))
        rows = [r for r in rows if ctx.role in r.roles]
        if not rows:
            raise NotPermitted(f"A {ctx.role.label.lower()} may not '{trigger}'.")
        row = next((r for r in rows if all(SELECTORS[w](ctx) for w in r.when)), None)
        if row is None:
            field, text = SELECTOR_HELP.get(trigger, ("payload", "check what you entered"))
            raise GuardFailed("selector", f"{field}: {text}", field)
        _check_guards(row, ctx)
        return row

    # -- making it happen ------------------------------------------------------------
    def fire(self, contact: Contact, trigger: str, actor: str, role: Role,
             payload: Mapping[str, Any], now: datetime) -> Event:
        """Fire a trigger: refuse with a specific error, or record event, clocks and facts."""
        require_aware(now, "now")
        _require_aware_payload(payload)
        ctx = GuardContext(contact, payload, actor, role, now, self.casework)
        row = self.choose_row(ctx, trigger)
        self._run_machine(contact.stage, trigger, ctx)
        return self._record(contact, row, ctx)

    def receive(self, contact: Contact, actor: str, role: Role, now: datetime) -> Event:
        """Record the first event of a new contact and start the clocks receipt starts."""
        require_aware(now, "now")
        event = contact.record_event("receive", Stage.RECEIVED, actor, role, now,
                                     {"source": contact.source}, None)
        self._start_clocks(contact, "contact_received", contact.received_at)
        return event

    def _run_machine(self, stage: Stage, trigger: str, ctx: GuardContext) -> None:
        handle = _Handle(stage)
        with self._lock:  # transitions does not promise that a shared machine is thread-safe
            accepted = self.machine.events[trigger].trigger(handle, ctx=ctx)
        if not accepted:  # pragma: no cover - choose_row already explained every refusal
            raise GuardFailed("machine", f"'{trigger}' was refused by the process rules.")

    def _record(self, contact: Contact, row: Transition, ctx: GuardContext) -> Event:
        before = contact.stage
        if row.dest is not None:
            contact._enter(row.dest)
        effect = EFFECTS.get(row.trigger)
        if effect:
            effect(contact, ctx.payload, ctx.actor, ctx.now)
        to = row.dest or before
        event = contact.record_event(row.trigger, to, ctx.actor, ctx.role, ctx.now, ctx.payload,
                                     before)
        for name in row.emits:
            self._apply_clock_event(contact, name, ctx)
        self._stop_out_of_scope(contact, ctx.now)
        return event

    # -- clocks ----------------------------------------------------------------------
    def _apply_clock_event(self, contact: Contact, name: str, ctx: GuardContext) -> None:
        if name == REANCHOR:
            self._reanchor_icpc(contact, ctx)
            return
        name = CLOCKS_OF.get(name, name)
        at = _effective_at(ctx)
        on = self.calendar.local_date(ctx.now)
        stopping = {r.name for r in self.book.stopped_by(name, on)}
        note = _lateness_note(ctx.payload)
        for clock in [c for c in contact.open_clocks if c.rule in stopping]:
            contact.stop_clock(clock, at, name, note=note if at > clock.due_at else "")
        self._start_clocks(contact, name, _anchor(contact, name, ctx, at, self.calendar))

    def _reanchor_icpc(self, contact: Contact, ctx: GuardContext) -> None:
        """Counting from the last strategy discussion (settings [strategy] icpc_anchor =
        "last"): one reconvened during the enquiry replaces the running ICPC clock with
        one from its own date. The census still counts from the initiating one."""
        running = [c for c in contact.open_clocks if c.rule == "icpc"]
        for clock in running:
            contact.stop_clock(clock, ctx.now, REANCHOR, ClockResult.SUPERSEDED)
        if running:
            held = _held_at(contact.facts.get("last_strategy_discussion_at"), self.calendar)
            self._start_clocks(contact, "s47_started", held or _effective_at(ctx))

    def _start_clocks(self, contact: Contact, event: str, started: datetime) -> None:
        on = self.calendar.local_date(started)
        for rule in self.book.started_by(event, on):
            due = rule.due(started, self.calendar)
            contact.start_clock(Clock(rule.name, rule.version, started, due))

    def _stop_out_of_scope(self, contact: Contact, now: datetime) -> None:
        for clock in contact.clocks_out_of_scope():
            contact.stop_clock(clock, now, f"left_for_{contact.stage.value}", ClockResult.NOT_MET)


def _require_aware_payload(payload: Mapping[str, Any]) -> None:
    """Refuse a naive date-time anywhere in the payload before anything is recorded."""
    for name, value in payload.items():
        if isinstance(value, datetime):
            require_aware(value, name)


def _check_guards(row: Transition, ctx: GuardContext) -> None:
    for name in row.guards:
        failure = GUARDS[name](ctx)
        if failure is not None:
            field, text = failure
            raise GuardFailed(name, text[0].upper() + text[1:] + ".", field)


def _wrong_stage(trigger: str, stage: Stage) -> str:
    allowed = sorted({s.value for r in TABLE if r.trigger == trigger for s in r.sources})
    title = STAGES[stage].title.lower()
    return (f"'{trigger}' cannot be done while the contact is at '{title}'; "
            f"it can be done from: {', '.join(allowed)}.")


def _lateness_note(payload: Mapping[str, Any]) -> str:
    """The reason recorded with a late action (Working Together: say why when exceeded)."""
    for name in ("lateness_reason", "reason", "rationale"):
        value = payload.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:500]
    return ""


def _effective_at(ctx: GuardContext) -> datetime:
    """When the recorded thing happened: a meeting or visit date given, or now."""
    for name in _TIME_FIELDS:
        value = ctx.payload.get(name)
        if isinstance(value, datetime):
            return require_aware(value, name)
    return ctx.now


def _anchor(contact: Contact, event: str, ctx: GuardContext, at: datetime,
            calendar: WorkingCalendar) -> datetime:
    """Where a clock starts. MASH clocks run from receipt, even after a re-rating; the ICPC
    clock from the strategy discussion that initiated the section 47 enquiry (the one
    whose outcome the start carried out, its date kept as ``s47_started_at``)."""
    if event.startswith("rated_"):
        return contact.received_at
    if event == "s47_started":
        given = ctx.payload.get("initiating_discussion_at")
        if isinstance(given, datetime):
            return require_aware(given, "initiating_discussion_at")
        held = _held_at(contact.facts.get("s47_started_at")
                        or contact.facts.get("last_strategy_discussion_at"), calendar)
        if held:
            return held
    return at


def _held_at(stored: Any, calendar: WorkingCalendar) -> datetime | None:
    """A stored discussion date; one recorded by date alone starts at the start of that day."""
    if not stored:
        return None
    moment = datetime.fromisoformat(str(stored))
    return moment if moment.tzinfo else calendar.start_of_day(moment.date())

