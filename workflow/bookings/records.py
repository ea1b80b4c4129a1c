"""A meeting booked ahead, and the kinds of meeting that may be booked.

Why a record of its own: social workers book conferences and core groups weeks ahead, and
a manager wants to see before the day that the meeting sits inside its statutory
timescale. A booking is not the meeting: it starts and stops no clock (holding the
meeting does), so it can be moved or cancelled without rewriting anything the returns
count. One booking per kind of meeting is current on a contact; its history (each rebook
and cancellation, with the reason) is the contact's events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from workflow.stages import Stage


class BookingStatus(StrEnum):
    """booked → held (the meeting was recorded) or cancelled (with a reason)."""

    BOOKED = "booked"
    HELD = "held"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class MeetingKind:
    """A kind of meeting that is booked ahead: the stages it belongs to, the clocks whose
    due date it must meet (config/timescales.toml), and whether DfE census rule 8875
    (never at a weekend) applies."""

    id: str
    title: str
    stages: tuple[Stage, ...]
    clocks: tuple[str, ...]
    weekday_only: bool = False


#: Working Together: the initial conference within 15 working days of the strategy
#: discussion; the first review within 3 months, later ones 6-monthly; the first core
#: group within 10 working days of the initial conference (local procedures); the MASH
#: discussion inside the contact's RAG timescale (local).
KINDS: dict[str, MeetingKind] = {k.id: k for k in (
    MeetingKind("icpc", "Initial child protection conference", (Stage.SECTION_47,),
                ("icpc",), weekday_only=True),
    MeetingKind("review_conference", "Review child protection conference", (Stage.CP_PLAN,),
                ("first_review_conference", "review_conference"), weekday_only=True),
    MeetingKind("core_group", "Core group meeting", (Stage.CP_PLAN,), ("core_group",)),
    MeetingKind("mash_meeting", "MASH meeting discussion",
                (Stage.INFORMATION_GATHERING, Stage.THRESHOLD_DECISION),
                ("mash_red", "mash_amber", "mash_green")),
)}
KIND_CHOICES = tuple((k.id, k.title) for k in KINDS.values())
#: What an action that changes whichever meeting is booked (a rebook) names as its
#: ``booked``: its form starts from the soonest booking.
ANY_BOOKED = "any"


@dataclass(frozen=True)
class Booking:
    """One meeting booked on a contact: when, where or how, and which agencies are
    invited; why it is after its due date when it is; the reason for the latest rebook
    or the cancellation."""

    kind: str
    starts_at: datetime
    venue: str
    booked_by: str
    booked_at: datetime
    event_seq: int
    invitees: tuple[str, ...] = ()
    status: BookingStatus = BookingStatus.BOOKED
    late_reason: str = ""
    change_reason: str = ""
    times_rebooked: int = 0
    id: int | None = None

    @property
    def is_booked(self) -> bool:
        return self.status is BookingStatus.BOOKED

    @property
    def meeting(self) -> MeetingKind:
        return KINDS[self.kind]

    def rebooked(self, starts_at: datetime, venue: str, reason: str,
                 late_reason: str) -> Booking:
        """The booking moved to another time (or place), with the reason."""
        return replace(self, starts_at=starts_at, venue=venue or self.venue,
                       change_reason=reason, late_reason=late_reason,
                       times_rebooked=self.times_rebooked + 1)

    def ended(self, status: BookingStatus, reason: str = "") -> Booking:
        """The booking closed: the meeting held, or cancelled with a reason."""
        return replace(self, status=status, change_reason=reason or self.change_reason)
