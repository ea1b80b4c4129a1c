"""The service layer: the only way to change a contact. One function per use case.

Each function opens one unit of work, loads with the version the caller read, asks the
engine to fire, hands the recorded changes to the repository and commits. Any refusal
raises before the commit, so the database is unchanged. Each returns plain data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from workflow.casework.recorders import Fired, record
from workflow.contact import Contact, require_aware
from workflow.errors import InvalidInput, NotFound, StaleVersion
from workflow.ports import ChildDetails, UnitOfWork
from workflow.roles import Role
from workflow.rules import Rules

REFERRAL_SOURCES = {
    "1A": "Family member/relative/carer", "1B": "Acquaintance", "1C": "Self",
    "1D": "Other individual", "2A": "Schools", "2B": "Education services", "3A": "GP",
    "3B": "Health visitor", "3C": "School nurse", "3D": "Other primary health services",
    "3E": "A&E", "3F": "Other health services", "4": "Housing", "5A": "LA services – social care",
    "5B": "LA services – other internal", "5C": "LA services – another LA",
    "5D": "LA services – early help", "6": "Police", "7": "Other legal agency", "8": "Other",
    "9": "Anonymous", "10": "Unknown",
}
CHANNELS = ("phone", "email", "online_form", "in_person", "letter", "police_notification")


@dataclass(frozen=True)
class Actor:
    """Who is acting: their username and role (the web layer resolves these from sign-in)."""

    username: str
    role: Role


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


def _check_new(intake: NewContact, now: datetime) -> None:
    errors: dict[str, str] = {}
    if intake.source not in REFERRAL_SOURCES:
        errors["source"] = "choose a referral source from the CIN census code list"
    if intake.channel not in CHANNELS:
        errors["channel"] = f"choose one of: {', '.join(CHANNELS)}"
    if not intake.children:
        errors["children"] = "add at least one child"
    if intake.received_at > now:
        errors["received_at"] = "the contact cannot be received in the future"
    if errors:
        raise InvalidInput(errors)


# -- MASH (issue 5): known-child checks at intake ---------------------------------------
class IntakeCheck(Protocol):
    """Asked about each child's new contact inside record_contact's transaction
    (``workflow.intake.known_child.KnownChildCheck``): flag it before it is stored,
    route it after."""

    def before_storing(self, uow: UnitOfWork, contact: Contact) -> None: ...
    def after_storing(self, uow: UnitOfWork, contact: Contact, actor: Actor,
                      now: datetime) -> None: ...
# -- end of MASH block ------------------------------------------------------------------


def record_contact(uow: UnitOfWork, rules: Rules, intake: NewContact, actor: Actor,
                   now: datetime, check: IntakeCheck | None = None) -> list[dict[str, Any]]:
    """Record a contact: one per child, siblings sharing an intake, clocks started."""
    require_aware(intake.received_at, "received_at")
    require_aware(now, "now")
    _check_new(intake, now)
    with uow:
        created = [_add_one(uow, rules, intake, child, actor, now, check)
                   for child in intake.children]
        _link_siblings(uow, created)
        uow.commit()
    return [summary(c) for c in created]


def _add_one(uow: UnitOfWork, rules: Rules, intake: NewContact, child: ChildDetails | int,
             actor: Actor, now: datetime, check: IntakeCheck | None = None) -> Contact:
    if isinstance(child, int):
        if not uow.children.exists(child):
            raise NotFound(f"There is no child {child}.")
        child_id = child
    else:
        child_id = uow.children.add(child, now)
    contact = Contact(received_at=intake.received_at, source=intake.source, child_id=child_id)
    rules.engine.receive(contact, actor.username, actor.role, now)
    if check:
        check.before_storing(uow, contact)
    uow.contacts.add(contact, channel=intake.channel, referrer=intake.referrer,
                     concerns=intake.concerns, consent=intake.consent)
    if check:
        check.after_storing(uow, contact, actor, now)
    return contact


def _link_siblings(uow: UnitOfWork, created: list[Contact]) -> None:
    """Siblings recorded together share the first contact's reference as their intake."""
    if len(created) > 1:
        intake = created[0].reference
        for contact in created:
            uow.contacts.set_intake(contact, intake)


def fire(uow: UnitOfWork, rules: Rules, contact_id: int, trigger: str, actor: Actor,
         payload: Mapping[str, Any], read_version: int, now: datetime) -> dict[str, Any]:
    """Fire one trigger on one contact in one transaction; refusals change nothing."""
    with uow:
        contact = uow.contacts.get(contact_id)
        if contact.version != read_version:
            raise StaleVersion(contact_id, read_version, contact.version)
        event = rules.engine.fire(contact, trigger, actor.username, actor.role, payload, now)
        # Casework rows (issue 6): discussions, assessments, the stepped-up contact.
        record(Fired(uow, rules, contact, event, payload, actor.username, actor.role, now))
        uow.contacts.save(contact, read_version)
        uow.commit()
    return summary(contact)


def summary(contact: Contact) -> dict[str, Any]:
    """Plain data about a contact after a change (what callers show or return as JSON)."""
    return {
        "id": contact.id, "reference": contact.reference, "stage": contact.stage.value,
        "version": contact.version, "rag": contact.rag, "team": contact.team,
        "worker": contact.worker,
        "open_clocks": [{"rule": c.rule, "due_at": c.due_at.isoformat()}
                        for c in contact.open_clocks],
    }
