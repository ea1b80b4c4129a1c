"""Admitting one new contact: the known-child check, its receipt, and storing it.

Shared by recording a contact at the front door and by a step up from early help, so a
stepped-up contact is checked against the child's history exactly as a new one is.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflow.contact import Contact
from workflow.intake.known_child import check_known_child
from workflow.ports import UnitOfWork
from workflow.roles import Actor

if TYPE_CHECKING:
    from workflow.rules import Rules


def admit(uow: UnitOfWork, rules: Rules, contact: Contact, actor: Actor, now: datetime,
          channel: str = "phone", **details: Any) -> int:
    """Check, receive and store one contact inside the caller's transaction; its id."""
    check_known_child(uow.history, rules.mash.settings, contact)
    rules.engine.receive(contact, actor, {"source": contact.source, "channel": channel}, now)
    return uow.contacts.add(contact, channel=channel, **details)
