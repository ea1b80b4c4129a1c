"""The engine: fire an action on a contact by its definition, and keep the contact's clocks.

Firing is: find the action (unknown → refused), load its typed payload (bad input →
refused per field), choose the row (wrong stage, role not granted, no row fits, a guard
unmet — each its own error, every guard evaluated once), let the shared machine move the
stage, record the event, apply the action's effect to the contact's records, then run the
clock events the row emits and close the clocks the new stage does not list. Nothing here
touches a database: the service layer loads the contact, calls ``fire`` and saves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from workflow.accounts import Directory
from workflow.clocks.clock import Clock, ClockResult
from workflow.clocks.timescales import CountsFrom, TimescaleRule, UnknownRule
from workflow.contact import Contact, require_aware
from workflow.engine.action import Action, Config, Ctx, Fired, Guard, Row, sentence
from workflow.engine.machine import StageMachine
from workflow.engine.payload import Payload, as_record, load
from workflow.engine.registry import actions
from workflow.errors import GuardFailed, InvalidTransition, NotPermitted
from workflow.roles import Actor, Role
from workflow.stages import STAGES, Stage

#: The clock event of a discussion reconvened during a s47 enquiry, counted "from the last".
REANCHOR = "icpc_reanchored"
#: Events that start the same clocks as another: a new assessment on an open case (a
#: section 47 enquiry on a child in need plan) runs the assessment clocks a referral runs,
#: without being a referral.
CLOCKS_OF = {"assessment_opened": "referral_accepted"}
_TIME_FIELDS = ("held_at", "visited_at")
_REASON_FIELDS = ("lateness_reason", "reason", "rationale")
#: The reason a row records for leaving a clock not met (a manager authorising an
#: assessment with the child not seen), kept on that clock as its note.
_UNMET_REASON_FIELDS = ("not_seen_reason",)


class Engine:
    """Fires actions on contacts and keeps their clocks, by the definitions and the rules."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.actions = actions()
        self.machine = StageMachine(self.actions)
        #: The action whose rows start a contact (they come from no stage).
        self.intake = next(a for a in self.actions.values()
                           if a.rows and all(not r.sources for r in a.rows))

    # -- what may happen -------------------------------------------------------------
    def action(self, name: str) -> Action[Any]:
        """The action called ``name``, or a refusal that says there is none."""
        try:
            return self.actions[name]
        except KeyError:
            raise InvalidTransition(f"There is no action called '{name}'.") from None

    def permitted(self, contact: Contact, role: Role, page: str | None = None
                  ) -> list[Action[Any]]:
        """The actions this role may fire from the contact's stage (the UI offers only
        these), optionally only those one part of the UI offers."""
        return [a for a in self.actions.values()
                if (page is None or page in a.offered_in)
                and any(contact.stage in r.sources and role in r.roles for r in a.rows)]

    def offered(self, contact: Contact, actor: Actor, now: datetime, page: str | None = None
                ) -> list[Action[Any]]:
        """What a page offers this person now: the permitted actions, less those a rule
        that does not depend on what is typed would refuse (deny by default)."""
        return [a for a in self.permitted(contact, actor.role, page)
                if any(self._open_to(a, r, contact, actor, now) for r in a.rows
                       if contact.stage in r.sources and actor.role in r.roles)]

    def _open_to(self, action: Action[Any], row: Row[Any], contact: Contact,
                    actor: Actor, now: datetime) -> bool:
        rules = [g for g in row.guards if g.before_input]
        if not rules:
            return True
        ctx = Ctx(contact, action.payload(), actor, now, self.config)
        return all(g.check(ctx) is None for g in rules)

    def choose_row(self, action: Action[Any], ctx: Ctx[Any]) -> tuple[int, Row[Any]]:
        """The row that fires, or the specific refusal (deny by default)."""
        stage = ctx.contact.stage
        rows = [(i, r) for i, r in enumerate(action.rows) if stage in r.sources]
        if not rows:
            raise InvalidTransition(action.wrong_stage or _wrong_stage(action, stage))
        rows = [(i, r) for i, r in rows if ctx.role in r.roles]
        if not rows:
            raise NotPermitted(f"A {ctx.role.label.lower()} may not "
                               f"'{action.label.lower()}'.")
        chosen = next(((i, r) for i, r in rows if all(w.test(ctx) for w in r.when)), None)
        if chosen is None:
            field, text = action.help
            raise GuardFailed("selector", sentence(text or "check what you entered"), field or None)
        check_all(chosen[1].guards, ctx)
        return chosen

    # -- making it happen ------------------------------------------------------------
    def fire(self, contact: Contact, name: str | Action[Any], actor: Actor,
             data: Mapping[str, Any] | Payload, now: datetime,
             directory: Directory | None = None) -> Fired[Any]:
        """Fire an action: refuse with a specific error, or record it and its clocks."""
        require_aware(now, "now")
        action = name if isinstance(name, Action) else self.action(name)
        ctx = Ctx(contact, load(action.payload, data), actor, now, self.config, directory)
        index, row = self.choose_row(action, ctx)
        before = contact.stage
        contact._enter(self.machine.move(before, action.name, index))
        event = contact.record_event(action.name, contact.stage, actor.username, actor.role,
                                     now, as_record(ctx.payload), before)
        fired = Fired(ctx, event, row)
        if action.effect is not None:
            action.effect(fired)
        for clock_event in row.emits:
            self._apply_clock_event(contact, clock_event, ctx)
        self._close_out_of_scope(contact, row, now, _note(ctx.payload, _UNMET_REASON_FIELDS))
        return fired

    def receive(self, contact: Contact, actor: Actor, data: Mapping[str, Any] | Payload,
                now: datetime) -> Fired[Any]:
        """Record a new contact's receipt: its first event and the clocks receipt starts.
        The intake row is chosen like any other (an open case goes to its worker)."""
        require_aware(now, "now")
        action = self.intake
        ctx = Ctx(contact, load(action.payload, data), actor, now, self.config)
        index, row = self._intake_row(action, ctx)
        contact._enter(self.machine.move(None, action.name, index))
        event = contact.record_event(action.name, contact.stage, actor.username, actor.role,
                                     now, as_record(ctx.payload), None)
        fired = Fired(ctx, event, row)
        if action.effect is not None:
            action.effect(fired)
        for clock_event in row.emits:
            at = contact.received_at if clock_event == "contact_received" else now
            self._start_and_stop(contact, clock_event, at, ctx)
        return fired

    def _intake_row(self, action: Action[Any], ctx: Ctx[Any]) -> tuple[int, Row[Any]]:
        if ctx.role not in action.roles:
            raise NotPermitted(f"A {ctx.role.label.lower()} may not record a contact.")
        for index, row in enumerate(action.rows):
            if all(w.test(ctx) for w in row.when):
                check_all(row.guards, ctx)
                return index, row
        raise GuardFailed("selector", sentence(action.help[1] or "the contact could not be "
                                               "recorded"))

    # -- clocks ----------------------------------------------------------------------
    def _apply_clock_event(self, contact: Contact, name: str, ctx: Ctx[Any]) -> None:
        if name == REANCHOR:
            self._reanchor_icpc(contact, ctx)
            return
        self._start_and_stop(contact, name, _effective_at(ctx), ctx)

    def _start_and_stop(self, contact: Contact, name: str, at: datetime, ctx: Ctx[Any]) -> None:
        name = CLOCKS_OF.get(name, name)
        on = self.config.calendar.local_date(ctx.now)
        stopping = {r.name for r in self.config.timescales.stopped_by(name, on)}
        note = _note(ctx.payload, _REASON_FIELDS)
        for clock in [c for c in contact.open_clocks if c.rule in stopping]:
            contact.stop_clock(clock, at, name, note=note if at > clock.due_at else "")
        self._start_clocks(contact, name, _anchor(contact, name, at))

    def _reanchor_icpc(self, contact: Contact, ctx: Ctx[Any]) -> None:
        """Counting from the last strategy discussion (settings [strategy] icpc_anchor =
        "last"): one reconvened during the enquiry replaces the running ICPC clock with
        one from its own date. The census still counts from the initiating one."""
        running = [c for c in contact.open_clocks if c.rule == "icpc"]
        for clock in running:
            contact.stop_clock(clock, ctx.now, REANCHOR, ClockResult.SUPERSEDED)
        discussion = contact.discussion
        if running and discussion is not None:
            self._start_clocks(contact, "s47_started", discussion.held_at)

    def _start_clocks(self, contact: Contact, event: str, started: datetime) -> None:
        on = self.config.calendar.local_date(started)
        for rule in self.config.timescales.started_by(event, on):
            counted = self._counted_from(contact, rule, started)
            if counted is None:
                continue
            rule, at = counted
            due = rule.due(at, self.config.calendar)
            contact.start_clock(Clock(rule.name, rule.version, at, due))

    def _counted_from(self, contact: Contact, rule: TimescaleRule, started: datetime
                      ) -> tuple[TimescaleRule, datetime] | None:
        """The version that applies and the instant it counts from. A rule counted from
        receipt takes the version in force on the day the contact was received (a contact
        takes the rule of its own day), and none if no version was in force then."""
        if rule.counts_from is not CountsFrom.RECEIPT:
            return rule, started
        received = contact.received_at
        try:
            return (self.config.timescales.rule(rule.name,
                                                self.config.calendar.local_date(received)),
                    received)
        except UnknownRule:
            return None

    def _close_out_of_scope(self, contact: Contact, row: Row[Any], now: datetime,
                            unmet_note: str = "") -> None:
        """Clocks the new stage does not list stop: not met when the row concludes what
        they time without it (keeping the reason the row recorded for that), otherwise
        not applicable (never a breach)."""
        for clock in contact.clocks_out_of_scope():
            unmet = clock.rule in row.leaves_unmet
            result = ClockResult.NOT_MET if unmet else ClockResult.NOT_APPLICABLE
            contact.stop_clock(clock, now, f"left_for_{contact.stage.value}", result,
                               note=unmet_note if unmet else "")


def _wrong_stage(action: Action[Any], stage: Stage) -> str:
    allowed = sorted(STAGES[s].title.lower() for s in action.sources)
    title = STAGES[stage].title.lower()
    return (f"'{action.label}' cannot be done while the contact is at '{title}'; "
            f"it can be done at: {', '.join(allowed)}.")


def _note(payload: Payload, fields: tuple[str, ...]) -> str:
    """The reason recorded with a late action (Working Together: say why when exceeded),
    or with one that leaves a clock not met; the first of ``fields`` given."""
    for name in fields:
        given = getattr(payload, name, None)
        if isinstance(given, str) and given.strip():
            return given.strip()[:500]
    return ""


def _effective_at(ctx: Ctx[Any]) -> datetime:
    """When the recorded thing happened: a meeting or visit date given, or now."""
    for name in _TIME_FIELDS:
        given = getattr(ctx.payload, name, None)
        if isinstance(given, datetime):
            return require_aware(given, name)
    return ctx.now


def _anchor(contact: Contact, event: str, at: datetime) -> datetime:
    """Where a clock starts. MASH clocks run from receipt, even after a re-rating; the ICPC
    clock from the strategy discussion that initiated the section 47 enquiry (the
    enquiry's start, recorded by the action that started it)."""
    if event.startswith("rated_"):
        return contact.received_at
    if event == "s47_started":  # only then read the enquiry: it costs a query
        enquiry = contact.enquiry
        if enquiry is not None and enquiry.is_open:
            return enquiry.started_at
    return at


def check_all(guards: Sequence[Guard[Any]], ctx: Ctx[Any]) -> None:
    """Check every guard and refuse with all that failed, so a form can show every error
    at once (GOV.UK error summary) rather than one per attempt.

    A refusal that is not about the input (not permitted, the record moved on) wins at
    once. Guards after the first failure are still asked, but one that presumes an
    earlier rule held may raise on what it finds; its silence is then right, because the
    earlier failure is already the thing to fix.
    """
    failures: list[tuple[Guard[Any], tuple[str, str]]] = []
    for guard in guards:
        try:
            failure = guard.check(ctx)
        except Exception:  # noqa: BLE001 - see the docstring; only after a failure
            if not failures:
                raise
            continue
        if failure is None:
            continue
        if guard.refusal is not GuardFailed:
            raise guard.refuse(failure)
        failures.append((guard, failure))
    if failures:
        errors: dict[str, str] = {}
        for guard, (field, text) in failures:
            errors.setdefault(field, guard.refuse((field, text)).message)
        (guard, (field, _text)), message = failures[0], next(iter(errors.values()))
        raise GuardFailed(guard.name, message, field, errors)
