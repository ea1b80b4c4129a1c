"""The daily MASH meeting: open it, record who attends, set the agenda, record decisions.

Why a meeting record: the improvement plan asks for daily MASH meetings where police,
health and education share what they know and reach a *joint* decision (DOMAIN.md §1).
The decision is the meeting's recommendation to the worker who then records the threshold
decision; it reaches the contact through the engine's in-stage row
``record_mash_discussion`` (an event on the contact's timeline), in the same transaction
as the agenda item it settles. A decision for a contact that is not on the meeting's
agenda is refused, and nothing is written.

Only a MASH chair runs the meeting: the web routes say so, and these functions check it
again so the CLI or a script cannot bypass it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from workflow.contact import reference_for, require_aware
from workflow.errors import GuardFailed, InvalidInput, NotPermitted
from workflow.mash.config import MashConfig
from workflow.mash.ports import MashUnitOfWork, Meeting
from workflow.mash.requests import retrying
from workflow.roles import Role
from workflow.rules import Rules
from workflow.services import Actor, summary
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")
CHAIRS = frozenset({Role.MASH_CHAIR})
#: Contacts a meeting may discuss: still gathering information or awaiting the decision.
DISCUSSABLE = (Stage.INFORMATION_GATHERING, Stage.THRESHOLD_DECISION)


@dataclass(frozen=True)
class JointDecision:
    """What the meeting agreed about one contact, and each agency's view."""

    outcome: str
    rationale: str
    views: Mapping[str, str] = field(default_factory=dict)
    level: int | None = None


def _chair_only(actor: Actor) -> None:
    if actor.role not in CHAIRS:
        raise NotPermitted(f"A {actor.role.label.lower()} may not run the MASH meeting.")


def open_meeting(uow: MashUnitOfWork, day: date, actor: Actor, now: datetime) -> int:
    """Open the meeting for ``day`` (one per date); returns its id."""
    _chair_only(actor)
    require_aware(now, "now")
    if day > now.astimezone(LONDON).date():
        raise InvalidInput({"held_on": "a meeting cannot be opened for a future date"})
    with uow:
        if uow.meetings.on_date(day) is not None:
            raise InvalidInput({"held_on": f"the meeting of {day:%d/%m/%Y} is already open"})
        meeting_id = uow.meetings.open(day, actor.username, now)
        uow.commit()
    return meeting_id


def add_attendee(uow: MashUnitOfWork, mash: MashConfig, meeting_id: int, agency: str,
                 name: str, position: str, actor: Actor) -> None:
    """Record one person attending for one agency."""
    _chair_only(actor)
    errors = _attendee_errors(mash, agency, name)
    if errors:
        raise InvalidInput(errors)
    with uow:
        meeting = uow.meetings.get(meeting_id)
        if (agency, name.strip()[:120]) in meeting.attendees:
            raise InvalidInput({"name": f"{name.strip()} is already recorded for this agency"})
        uow.meetings.add_attendee(meeting_id, agency, name.strip()[:120], position.strip()[:120])
        uow.commit()


def _attendee_errors(mash: MashConfig, agency: str, name: str) -> dict[str, str]:
    errors = {}
    if mash.agencies.get(agency) is None:
        errors["agency"] = f"choose an agency from the list ({', '.join(mash.agencies.ids())})"
    if not name.strip():
        errors["name"] = "write the attendee's name"
    return errors


def add_to_agenda(uow: MashUnitOfWork, meeting_id: int, contact_id: int, actor: Actor,
                  now: datetime) -> int:
    """Put a contact in information gathering or awaiting its decision on the agenda."""
    _chair_only(actor)
    with uow:
        uow.meetings.get(meeting_id)
        contact = uow.contacts.get(contact_id)
        if contact.stage not in DISCUSSABLE:
            raise InvalidInput({"contact_id": f"{contact.reference} is at "
                                f"'{contact.stage.value.replace('_', ' ')}': only contacts in "
                                "information gathering or awaiting the threshold decision "
                                "can be discussed"})
        if uow.meetings.agenda_item(meeting_id, contact_id) is not None:
            raise InvalidInput({"contact_id": f"{contact.reference} is already on the agenda"})
        item = uow.meetings.add_to_agenda(meeting_id, contact_id, actor.username, now)
        uow.commit()
    return item


def record_decision(uow: MashUnitOfWork, rules: Rules, meeting_id: int, contact_id: int,
                    decision: JointDecision, actor: Actor, now: datetime) -> dict[str, Any]:
    """Record every agency's view and the joint decision for a contact on the agenda."""
    _chair_only(actor)
    require_aware(now, "now")

    def work() -> dict[str, Any]:
        with uow:
            meeting = uow.meetings.get(meeting_id)
            item = uow.meetings.agenda_item(meeting_id, contact_id)
            if item is None:
                raise GuardFailed("on_meeting_agenda", _not_on_agenda(meeting, contact_id),
                                  "contact_id")
            contact = uow.contacts.get(contact_id)
            payload = _discussion_payload(meeting, item, decision)
            read_version = contact.version
            rules.engine.fire(contact, "record_mash_discussion", actor.username, actor.role,
                              payload, now)
            uow.meetings.record_decision(item, payload, actor.username, now)
            uow.contacts.save(contact, read_version)
            uow.commit()
            return summary(contact)

    return retrying(work)


def _not_on_agenda(meeting: Meeting, contact_id: int) -> str:
    return (f"{reference_for(contact_id)} is not on the agenda of the MASH meeting of "
            f"{meeting.held_on:%d/%m/%Y}: put it on the agenda first. Nothing was saved.")


def _discussion_payload(meeting: Meeting, item: int, decision: JointDecision
                        ) -> dict[str, Any]:
    views = {a: str(decision.views.get(a) or "").strip() for a in meeting.agencies}
    payload: dict[str, Any] = {
        "meeting_id": meeting.id, "meeting_date": meeting.held_on.isoformat(),
        "agenda_item_id": item, "attending_agencies": list(meeting.agencies),
        "views": views, "outcome": decision.outcome, "rationale": decision.rationale.strip()}
    if decision.level is not None:
        payload["level"] = decision.level
    return payload
