"""Running the daily MASH meeting: open it, record who attends, put contacts on the agenda.

Why a meeting record: the improvement plan asks for daily MASH meetings where police,
health and education share what they know and reach a joint decision (DOMAIN.md §1). The
decision itself is the contact action ``record_mash_discussion``; these commands keep the
meeting it is made at. Only a MASH chair runs the meeting: the pages say so, and these
handlers check it again, so the CLI or a script cannot bypass it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workflow.contact import reference_for
from workflow.engine.registry import handles
from workflow.errors import InvalidInput, NotPermitted
from workflow.ports import UnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import Rules
from workflow.stages import Stage, stage_title

CHAIRS = frozenset({Role.MASH_CHAIR})
#: Contacts a meeting may discuss: still gathering information or awaiting the decision.
DISCUSSABLE = (Stage.INFORMATION_GATHERING, Stage.THRESHOLD_DECISION)
#: How far ahead a meeting may be booked (tomorrow's, or after a weekend and bank holiday).
BOOK_AHEAD_DAYS = 7


@dataclass(frozen=True)
class OpenMeeting:
    day: date
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class AddAttendee:
    meeting_id: int
    agency: str
    name: str
    position: str
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class AddToAgenda:
    meeting_id: int
    contact_id: int
    actor: Actor
    now: datetime


def _chair_only(actor: Actor) -> None:
    if actor.role not in CHAIRS:
        raise NotPermitted(f"A {actor.role.label.lower()} may not run the MASH meeting.")


@handles(OpenMeeting)
def open_meeting(uow: UnitOfWork, rules: Rules, command: OpenMeeting) -> int:
    """Open (or book ahead) the meeting for a date, one per date; returns its id."""
    _chair_only(command.actor)
    today = rules.calendar.local_date(command.now)
    if (command.day - today).days > BOOK_AHEAD_DAYS:
        raise InvalidInput({"held_on": f"a meeting can be booked up to {BOOK_AHEAD_DAYS} "
                                       "days ahead"})
    with uow:
        if uow.meetings.on_date(command.day) is not None:
            raise InvalidInput({"held_on": f"the meeting of {command.day:%-d %B %Y} is "
                                           "already open"})
        meeting_id = uow.meetings.open(command.day, command.actor.username, command.now)
        uow.commit()
    return meeting_id


@handles(AddAttendee)
def add_attendee(uow: UnitOfWork, rules: Rules, command: AddAttendee) -> None:
    """Record one person attending for one agency."""
    _chair_only(command.actor)
    name = command.name.strip()[:120]
    errors = {}
    if rules.mash.agencies.get(command.agency) is None:
        known = ", ".join(rules.mash.agencies.ids())
        errors["agency"] = f"choose an agency from the list ({known})"
    if not name:
        errors["name"] = "write the attendee's name"
    if errors:
        raise InvalidInput(errors)
    with uow:
        meeting = uow.meetings.get(command.meeting_id)
        if (command.agency, name) in meeting.attendees:
            raise InvalidInput({"name": f"{name} is already recorded for this agency"})
        uow.meetings.add_attendee(command.meeting_id, command.agency, name,
                                  command.position.strip()[:120])
        uow.commit()


@handles(AddToAgenda)
def add_to_agenda(uow: UnitOfWork, rules: Rules, command: AddToAgenda) -> int:
    """Put a contact in information gathering or awaiting its decision on the agenda."""
    _chair_only(command.actor)
    with uow:
        uow.meetings.get(command.meeting_id)
        contact = uow.contacts.get(command.contact_id)
        if contact.stage not in DISCUSSABLE:
            raise InvalidInput({"contact_id": f"{contact.reference} is at "
                                f"'{stage_title(contact.stage).lower()}': only contacts in "
                                "information gathering or awaiting the threshold decision "
                                "can be discussed"})
        if uow.meetings.agenda_item(command.meeting_id, command.contact_id) is not None:
            raise InvalidInput({"contact_id": f"{reference_for(command.contact_id)} is "
                                "already on the agenda"})
        item = uow.meetings.add_to_agenda(command.meeting_id, command.contact_id,
                                          command.actor.username, command.now)
        uow.commit()
    return item
