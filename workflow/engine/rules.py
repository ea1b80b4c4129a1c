"""Guard and selector builders shared by the actions of every area.

Each builder names the payload field it reads, so ``workflow.engine.definition`` can check
that the field exists on the action's payload. Messages say what to record, in the words
the person at the form would use; the engine turns them into sentences.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from workflow.engine.action import Ctx, Failure, Guard, Selector
from workflow.engine.payload import Payload, ask


def value(ctx: Ctx[Any], name: str) -> Any:
    """A payload field by name (the builders below work for any payload with the field)."""
    return getattr(ctx.payload, name, None)


def text(ctx: Ctx[Any], name: str) -> str:
    """A text field, stripped; "" when not given."""
    given = value(ctx, name)
    return given.strip() if isinstance(given, str) else ""


def needs_text(name: str, message: str, *, guard: str = "") -> Guard[Any]:
    """The field must be written (a rationale, a reason …)."""

    def check(ctx: Ctx[Any]) -> Failure:
        return None if text(ctx, name) else (name, message)

    return Guard(guard or f"{name}_given", check, (name,))


def one_of(name: str, allowed: Collection[object], message: str, *,
           guard: str = "") -> Guard[Any]:
    """The field must hold one of the allowed values."""

    def check(ctx: Ctx[Any]) -> Failure:
        return None if value(ctx, name) in allowed else (name, message)

    return Guard(guard or f"{name}_given", check, (name,))


#: One address, no spaces, something each side of the @ and a dot in the domain: the test
#: GOV.UK's pattern asks of an email field (deliverability is the sender's to find out).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def email_address(name: str, message: str, *, guard: str = "") -> Guard[Any]:
    """The field, when given, must look like one email address."""

    def check(ctx: Ctx[Any]) -> Failure:
        given = text(ctx, name)
        return None if not given or _EMAIL.fullmatch(given) else (name, message)

    return Guard(guard or f"{name}_valid", check, (name,))


def payload_is(name: str, *values: object, selector: str = "") -> Selector[Any]:
    """Chooses the row whose value the person picked."""
    label = selector or f"{name}_is_{'_or_'.join(map(str, values))}".lower()
    return Selector(label, lambda ctx: value(ctx, name) in values, (name,))


def local_day(ctx: Ctx[Any], moment: datetime | date | None) -> date | None:
    """The Europe/London date of a moment (a bare date is its own day)."""
    if isinstance(moment, datetime):
        return ctx.config.calendar.local_date(moment)
    return moment


def referral_day(ctx: Ctx[Any]) -> date | None:
    """The referral date once there is one (DfE: nothing happens before it)."""
    return local_day(ctx, ctx.contact.referral_at)


def dated(name: str, what: str, *, guard: str = "", future: bool = False) -> Guard[Any]:
    """A date or date-time that is given, not before the contact was received or the
    referral (CIN census: nothing happens before the referral date) and — unless the thing
    may be booked ahead — not in the future."""

    def check(ctx: Ctx[Any]) -> Failure:
        day = local_day(ctx, value(ctx, name))
        if day is None:
            return name, f"give the date {what}"
        today = ctx.config.calendar.local_date(ctx.now)
        if day > today and not future:
            return name, f"the date {what} cannot be in the future"
        referred = referral_day(ctx)
        if referred and day < referred:
            return name, f"the date {what} cannot be before the referral ({referred:%-d %B %Y})"
        received = ctx.config.calendar.local_date(ctx.contact.received_at)
        if day < received:
            return name, (f"the date {what} cannot be before the contact was received "
                          f"({received:%-d %B %Y})")
        return None

    return Guard(guard or f"{name}_given", check, (name,))


@dataclass(frozen=True)
class Reason(Payload):
    """The payload of an action that asks only why."""

    reason: str = ask("Reason")


@dataclass(frozen=True)
class Rationale(Payload):
    """The payload of a decision that asks only for its rationale."""

    rationale: str = ask("Rationale", hint="Why: what you weighed and what decided it.")


@dataclass(frozen=True)
class Returned(Payload):
    """The payload of a manager sending work back to its author: what needs to change.
    Kept under ``reason`` (the key every return has recorded), it is the manager's comment
    the worker sees at the top of the contact until they act on it."""

    reason: str = ask("What needs to change", hint=(
        "The worker sees this at the top of the contact until they act on it, and it is "
        "kept on the timeline with your name."))


REASON_GIVEN: Guard[Any] = needs_text("reason", "give a reason", guard="reason_given")
#: A return without a comment would leave the worker guessing what to do again.
CHANGE_SAID: Guard[Any] = needs_text("reason", "say what needs to change", guard="reason_given")
RATIONALE_GIVEN: Guard[Any] = needs_text("rationale", "write the rationale for this decision",
                                         guard="rationale_given")
