"""Recording a contact: one contact per child, siblings recorded together, in one
transaction, each with one receipt event at version 1.

The intake's own fields (when it arrived, the source, the worry, the children) are checked
here before anything is stored; each child is then admitted — the known-child check, the
receipt (an open case goes straight to its worker), the contact stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflow.contact import Contact, require_aware
from workflow.engine.registry import handles
from workflow.errors import InvalidInput, NotFound
from workflow.intake.admission import admit
from workflow.intake.codes import CHANNELS, CONSENT, REFERRAL_SOURCES
from workflow.intake.records import ChildDetails
from workflow.ports import UnitOfWork
from workflow.roles import Actor
from workflow.rules import Rules
from workflow.services import summary

MAX_CONCERNS = 10_000


@dataclass(frozen=True)
class NewContact:
    """One intake: the worry, its source, and one or more children (siblings together)."""

    received_at: datetime
    source: str
    children: Sequence[ChildDetails | int]
    channel: str = "phone"
    referrer: str = ""
    concerns: str = ""
    consent: str = "not_recorded"


@dataclass(frozen=True)
class RecordContact:
    """Record a new contact (the command a page, the API, the demo or a script sends)."""

    intake: NewContact
    actor: Actor
    now: datetime


def _problems(intake: NewContact, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if intake.source not in REFERRAL_SOURCES:
        errors["source"] = "choose a referral source from the CIN census code list"
    if intake.channel not in CHANNELS:
        errors["channel"] = f"choose one of: {', '.join(CHANNELS)}"
    if intake.consent not in CONSENT:
        errors["consent"] = f"choose one of: {', '.join(CONSENT)}"
    if not intake.children:
        errors["children"] = "add at least one child"
    if len(intake.concerns) > MAX_CONCERNS:
        errors["concerns"] = f"write no more than {MAX_CONCERNS:,} characters about the concerns"
    if intake.received_at > now:
        errors["received_at"] = "the contact cannot be received in the future"
    return errors


@handles(RecordContact)
def record_contact(uow: UnitOfWork, rules: Rules, command: RecordContact
                   ) -> list[dict[str, Any]]:
    """Record a contact: one per child, siblings sharing an intake, clocks started."""
    intake, now = command.intake, command.now
    require_aware(intake.received_at, "received_at")
    errors = _problems(intake, now)
    if errors:
        raise InvalidInput(errors)
    with uow:
        made = [_admit_child(uow, rules, intake, child, command.actor, now)
                for child in intake.children]
        if len(made) > 1:  # siblings share the first contact's reference as their intake
            for contact in made:
                uow.contacts.set_intake(contact, made[0].reference)
        uow.commit()
    return [summary(c) for c in made]


def _admit_child(uow: UnitOfWork, rules: Rules, intake: NewContact,
                 child: ChildDetails | int, actor: Actor, now: datetime) -> Contact:
    if isinstance(child, int):
        if not uow.children.exists(child):
            raise NotFound(f"There is no child {child}.")
        child_id = child
    else:
        child_id = uow.children.add(child, now)
    contact = Contact(received_at=intake.received_at, source=intake.source, child_id=child_id)
    admit(uow, rules, contact, actor, now, channel=intake.channel, referrer=intake.referrer,
          concerns=intake.concerns, consent=intake.consent)
    return contact
