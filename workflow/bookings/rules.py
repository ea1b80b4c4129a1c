"""The rules every booking action shares: what may be booked, when it is due, and how a
booking stands against its timescale.

Why here, once: booking an initial conference, a review conference, a core group or a
MASH discussion asks the same questions (a time still to come, a place or a way of
meeting, the agencies invited, and why when it is after its due date), and the hold
actions offer the booked time as the default. The due date is the contact's running
clock for that meeting (``config/timescales.toml``): a booking reads it and never
starts or stops it, so the statutory clock keeps running until the meeting is held.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from workflow.bookings.records import KIND_CHOICES, KINDS, Booking, BookingStatus
from workflow.casework import conference_dates
from workflow.engine.action import Ctx, Failure, Fired, Guard, Row, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import needs_text, one_of, text, value
from workflow.roles import CASEWORK, FRONT_DOOR
from workflow.stages import Stage

if TYPE_CHECKING:
    from workflow.contact import Contact

LONDON = ZoneInfo("Europe/London")
#: Which meeting an action is about: fixed for a booking action, chosen for a rebook.
KindOf = Callable[[Ctx[Any]], str | None]

#: The furthest ahead a meeting is booked (reviews are 6-monthly): a later date is a typo.
BOOK_AHEAD = timedelta(days=366)
_WHEN_HINT = "The date and time the meeting is booked for, in UK time."
_VENUE_HINT = "A room and building, or how people join (video call, phone)."
_LATE_HINT = "Only if the meeting is after its due date: what stops it being sooner."


@dataclass(frozen=True)
class Book(Payload):
    starts_at: datetime | None = ask("Date and time of the meeting", Kind.DATETIME,
                                     hint=_WHEN_HINT)
    venue: str = ask("Where, or how it is held", Kind.TEXT, hint=_VENUE_HINT, max_length=200)
    invitees: tuple[str, ...] = ask("Agencies invited", Kind.CHECKBOXES,
                                    choices_from="agencies")
    late_reason: str = ask("Why it is after the due date", hint=_LATE_HINT)


@dataclass(frozen=True)
class Rebook(Payload):
    meeting: str | None = ask("Which meeting", Kind.SELECT, KIND_CHOICES)
    starts_at: datetime | None = ask("New date and time", Kind.DATETIME, hint=_WHEN_HINT)
    venue: str = ask("Where, or how it is held", Kind.TEXT,
                     hint="Leave empty to keep the place already booked.", max_length=200)
    reason: str = ask("Why it is moved")
    late_reason: str = ask("Why it is after the due date", hint=_LATE_HINT)


@dataclass(frozen=True)
class Cancel(Payload):
    meeting: str | None = ask("Which meeting", Kind.SELECT, KIND_CHOICES)
    reason: str = ask("Why it is cancelled")


# -- reading a contact's bookings ----------------------------------------------------------
def current(contact: Contact, kind: str) -> Booking | None:
    """The booking of this kind still to be held, while the contact is where that meeting
    belongs (a conference booked on an enquiry that ended without one is not current)."""
    if contact.stage not in KINDS[kind].stages:  # asked first: no query where none belongs
        return None
    booking = contact.booking(kind)
    return booking if booking is not None and booking.is_booked else None


def due_at(contact: Contact, kind: str) -> datetime | None:
    """When the meeting is due: the soonest running clock that times it."""
    timed_by = KINDS[kind].clocks
    return min((c.due_at for c in contact.open_clocks if c.rule in timed_by), default=None)


@dataclass(frozen=True)
class Standing:
    """A current booking and its due date; ``within`` None when no clock times it."""

    booking: Booking
    due_at: datetime | None

    @property
    def within(self) -> bool | None:
        return None if self.due_at is None else self.booking.starts_at <= self.due_at


def standing(contact: Contact, kind: str) -> Standing | None:
    """How the current booking of a kind stands against its timescale, if one is booked."""
    booking = current(contact, kind)
    return None if booking is None else Standing(booking, due_at(contact, kind))


def standings(contact: Contact) -> list[Standing]:
    """Every current booking on the contact, soonest first."""
    found = [s for k in KINDS if (s := standing(contact, k)) is not None]
    return sorted(found, key=lambda s: s.booking.starts_at)


# -- guards ------------------------------------------------------------------------------
def _spoken(moment: datetime) -> str:
    """``Tuesday 8 December 2026 at 10am`` (GOV.UK style, London time)."""
    local = moment.astimezone(LONDON)
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{local:%A %-d %B %Y} at {local:%-I}{minutes}{local:%p}".replace(
        "AM", "am").replace("PM", "pm")


def fixed(kind: str) -> KindOf:
    """The meeting a booking action is about, whatever was typed."""
    return lambda _ctx: kind


def chosen(ctx: Ctx[Any]) -> str | None:
    """The meeting a rebook or cancellation names (None until one is chosen)."""
    meeting = value(ctx, "meeting")
    return meeting if meeting in KINDS else None


def _ahead(ctx: Ctx[Any]) -> Failure:
    starts = value(ctx, "starts_at")
    if starts is None:
        return "starts_at", "give the date and time the meeting is booked for"
    if starts <= ctx.now:
        return "starts_at", ("book the meeting for a time still to come: a meeting already "
                             "held is recorded, not booked")
    if starts > ctx.now + BOOK_AHEAD:
        return "starts_at", "a meeting is booked at most a year ahead: check the year"
    return None


AHEAD: Guard[Any] = Guard("booked_ahead", _ahead, ("starts_at",))
VENUE_GIVEN: Guard[Any] = needs_text("venue", "say where the meeting is, or how people join "
                                     "(a room, a video call or by phone)", guard="venue_given")
REASON_GIVEN: Guard[Any] = needs_text("reason", "give the reason", guard="reason_given")
MEETING_CHOSEN: Guard[Any] = one_of("meeting", KINDS, "choose the meeting",
                                    guard="meeting_chosen")


def _invitees_known(ctx: Ctx[Any]) -> Failure:
    unknown = [a for a in value(ctx, "invitees") or () if ctx.config.mash.agencies.get(a) is None]
    return ("invitees", f"'{unknown[0]}' is not an agency: choose from the list") if unknown \
        else None


INVITEES_KNOWN: Guard[Any] = Guard("invitees_known", _invitees_known, ("invitees",))


def on_a_weekday(kind_of: KindOf) -> Guard[Any]:
    """A conference is never at a weekend (DfE census rule 8875), so it is not booked at one."""

    def check(ctx: Ctx[Any]) -> Failure:
        kind, starts = kind_of(ctx), value(ctx, "starts_at")
        if kind is None or starts is None or not KINDS[kind].weekday_only:
            return None
        day = ctx.config.calendar.local_date(starts)
        if conference_dates.at_a_weekend(day):
            return "starts_at", (f"a conference cannot be at a weekend ({day:%A %-d %B}): "
                                 "book a weekday")
        return None

    return Guard("booked_on_a_weekday", check, ("starts_at",))


def not_booked_yet(kind: str) -> Guard[Any]:
    """One booking of a kind at a time: a second is a rebook."""

    def check(ctx: Ctx[Any]) -> Failure:
        booking = current(ctx.contact, kind)
        if booking is None:
            return None
        return "starts_at", (f"the {KINDS[kind].title.lower()} is already booked for "
                             f"{_spoken(booking.starts_at)}: rebook it instead")

    return Guard("not_booked_yet", check, ("starts_at",))


def in_time_or_why(kind_of: KindOf) -> Guard[Any]:
    """A meeting booked after its due date says why (the manager is told before the day)."""

    def check(ctx: Ctx[Any]) -> Failure:
        kind, starts = kind_of(ctx), value(ctx, "starts_at")
        due = due_at(ctx.contact, kind) if kind else None
        if due is None or starts is None or starts <= due or text(ctx, "late_reason"):
            return None
        day = ctx.config.calendar.local_date(due)
        return "late_reason", (f"booked after the due date ({day:%A %-d %B %Y}): record why "
                               "it cannot be sooner")

    return Guard("late_booking_explained", check, ("starts_at", "late_reason"))


def is_booked(kind_of: KindOf) -> Guard[Any]:
    """A rebook or cancellation needs a booking of that meeting to change."""

    def check(ctx: Ctx[Any]) -> Failure:
        kind = kind_of(ctx)
        if kind is None or current(ctx.contact, kind) is not None:
            return None
        return "meeting", f"there is no {KINDS[kind].title.lower()} booked to change"

    return Guard("meeting_is_booked", check, ("meeting",))


def _anything_booked(ctx: Ctx[Any]) -> Failure:
    if any(current(ctx.contact, k) for k in KINDS):
        return None
    return "action", "nothing is booked on this contact"


ANYTHING_BOOKED: Guard[Any] = Guard("anything_booked", _anything_booked, before_input=True)


def booking_guards(kind: str) -> tuple[Guard[Any], ...]:
    """What a new booking of a kind must pass."""
    kind_of = fixed(kind)
    return (AHEAD, on_a_weekday(kind_of), not_booked_yet(kind), VENUE_GIVEN, INVITEES_KNOWN,
            in_time_or_why(kind_of))


def change_rows(guards: tuple[Guard[Any], ...]) -> tuple[Row[Any], ...]:
    """Where a booking is changed, and by whom: casework's meetings by those who hold the
    case, a MASH discussion by the front door (who book each)."""
    return (row((Stage.SECTION_47, Stage.CP_PLAN), None, CASEWORK, guards=guards),
            row((Stage.INFORMATION_GATHERING, Stage.THRESHOLD_DECISION), None, FRONT_DOOR,
                guards=guards))


# -- effects -----------------------------------------------------------------------------
def book(fired: Fired[Book], kind: str) -> None:
    """The new booking, as its action's effect puts it."""
    p, ctx = fired.payload, fired.ctx
    assert p.starts_at is not None  # AHEAD passed
    fired.contact.put(Booking(kind, p.starts_at, p.venue, ctx.actor.username, ctx.now,
                              fired.event.seq, tuple(p.invitees), late_reason=p.late_reason))


def mark_held(contact: Contact, kind: str) -> None:
    """The booking of a meeting just recorded as held is done (whatever stage follows)."""
    booking = contact.booking(kind)
    if booking is not None and booking.is_booked:
        contact.put(booking.ended(BookingStatus.HELD))
