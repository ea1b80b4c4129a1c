"""The service layer: ``handle(uow, rules, command)`` is the only way anything changes.

Every entrypoint — pages, the JSON API, the CLI, the demo, information requests, meetings,
intake — builds a command and hands it here. An ``Act`` fires one action on one contact:
one unit of work loads the contact (checking the version the caller read), the engine
fires the action with every rule of the process inside it, the action's after-work runs,
the repository writes the event, the clocks and the changed records, and the transaction
commits. Any refusal raises before the commit, so the database is unchanged. Commands that
change something other than one contact (recording a new contact, running a meeting) are
handled by their area's ``commands`` module, registered with ``handles``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from workflow.contact import Contact, require_aware
from workflow.engine.payload import Payload, load
from workflow.engine.registry import command_handlers, handles
from workflow.errors import InvalidInput, NotFound, StaleVersion
from workflow.ports import UnitOfWork
from workflow.roles import Actor
from workflow.rules import Rules

T = TypeVar("T")
#: How often a change nobody typed against a page (a partner's answer, a meeting's
#: decision) is tried again when someone else changed the contact in between.
RETRIES = 3


@dataclass(frozen=True)
class Act:
    """Fire one action on one contact.

    ``read_version`` is the version the person's page showed; None for a change nobody
    read first (it is tried against the current version, again if that moves on).
    ``contact_id`` is None when the action finds its contact from a record it names (a
    partner answers a request by its id).
    """

    action: str
    contact_id: int | None
    actor: Actor
    now: datetime
    data: Mapping[str, Any] | Payload = field(default_factory=dict)
    read_version: int | None = None


def handle(uow: UnitOfWork, rules: Rules, command: Any) -> Any:
    """Carry out one command; refusals raise a ``FrontDoorError`` and change nothing."""
    require_aware(command.now, "now")
    try:
        handler = command_handlers()[type(command)]
    except KeyError:
        raise TypeError(f"no handler for {type(command).__name__}") from None
    return handler(uow, rules, command)


@handles(Act)
def _act(uow: UnitOfWork, rules: Rules, command: Act) -> dict[str, Any]:
    action = rules.engine.action(command.action)
    payload = load(action.payload, command.data)

    def attempt() -> dict[str, Any]:
        with uow:
            contact = uow.contacts.get(_contact_id(uow, command, action.locate, payload))
            if command.read_version is not None and contact.version != command.read_version:
                raise StaleVersion(contact.id or 0, command.read_version, contact.version)
            read = contact.version
            fired = rules.engine.fire(contact, action, command.actor, payload, command.now,
                                      uow.directory)
            if action.after is not None:
                action.after(fired, uow, rules)
            uow.contacts.save(contact, read)
            uow.commit()
            return summary(contact)

    return attempt() if command.read_version is not None else retrying(attempt)


def _contact_id(uow: UnitOfWork, command: Act, locate: str, payload: Payload) -> int:
    if command.contact_id is not None:
        return command.contact_id
    record_id = getattr(payload, locate, None) if locate else None
    if not isinstance(record_id, int):
        raise InvalidInput({locate or "contact_id": "say which record this is about"})
    found = uow.contacts.owner_of(locate, record_id)
    if found is None:
        raise NotFound(f"There is no {locate.removesuffix('_id').replace('_', ' ')} "
                       f"{record_id}.")
    return found


def retrying(work: Callable[[], T]) -> T:
    """Run a change that reads the contact's current version itself again if someone
    changed the contact in between: nobody typed against an old page, so there is nothing
    for a person to reconcile."""
    for _attempt in range(RETRIES - 1):
        try:
            return work()
        except StaleVersion:
            continue
    return work()


def summary(contact: Contact) -> dict[str, Any]:
    """Plain data about a contact after a change (what callers show or return as JSON)."""
    return {
        "id": contact.id, "reference": contact.reference, "stage": contact.stage.value,
        "version": contact.version, "rag": contact.rag.value if contact.rag else None,
        "team": contact.team, "worker": contact.worker,
        "open_clocks": [{"rule": c.rule, "due_at": c.due_at.isoformat()}
                        for c in contact.open_clocks],
    }
