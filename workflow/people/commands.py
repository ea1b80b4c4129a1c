"""Changing a person's record: details, address, family, warnings, each with its history.

Every change is a command handled here (``workflow.services.handle``), in one transaction:
the details are checked as a whole (every problem at once), the changed fields are written
with a history row each (who, when, old → new, why), and the person's version moves on so
two people editing at once cannot overwrite each other. A value that is already recorded
is changed only with a reason: nothing is overwritten silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from workflow.engine.registry import handles
from workflow.errors import InvalidInput, NotPermitted, StaleVersion
from workflow.people.records import EDITABLE, RELATIONSHIPS, Address, Change, Person, shown
from workflow.people.rules import (
    address_problems,
    details_problems,
    normalised,
    normalised_address,
)
from workflow.ports import UnitOfWork
from workflow.roles import CASEWORK, FRONT_DOOR, Actor
from workflow.rules import Rules

#: Who may change a person's record: the front door and casework (never a partner).
EDITORS = FRONT_DOOR | CASEWORK


@dataclass(frozen=True)
class UpdatePerson:
    """Change some fields of a person's record (``read_version``: the version shown)."""

    person_id: int
    changes: Mapping[str, Any]
    reason: str
    actor: Actor
    now: datetime
    read_version: int


@dataclass(frozen=True)
class MoveAddress:
    """A person now lives at a new address (the current one ends the day before)."""

    person_id: int
    address: Address
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class RecordRelationship:
    """A relative of a person: a stored person, or a new adult recorded with it."""

    person_id: int
    kind: str
    actor: Actor
    now: datetime
    relative_id: int | None = None
    relative: Any = None  # PersonDetails of a person not yet recorded
    parental_responsibility: bool = False
    lives_with: bool = False


@dataclass(frozen=True)
class AddWarning:
    """A warning for staff safety on a person's record."""

    person_id: int
    text: str
    actor: Actor
    now: datetime


def _editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise NotPermitted(f"A {actor.role.label.lower()} may not change a person's record.")


def _diff(before: Person, after: Person) -> list[Change]:
    return [Change(name, shown(getattr(before, name)), shown(getattr(after, name)))
            for name in EDITABLE if getattr(before, name) != getattr(after, name)]


def _typed(person: Person, changes: Mapping[str, Any]) -> Person:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput({unknown[0]: "this is not a field of the person record"})
    values = dict(changes)
    if "disabilities" in values:
        values["disabilities"] = tuple(values["disabilities"] or ())
    return replace(person, **values)


def _check_reason(before: Person, changed: list[Change], reason: str) -> None:
    overwritten = [c.field for c in changed if c.old]
    if overwritten and not reason.strip():
        raise InvalidInput({"reason": f"say why {overwritten[0].replace('_', ' ')} is "
                                      "changed: the recorded value is kept in the history"})


@handles(UpdatePerson)
def update_person(uow: UnitOfWork, rules: Rules, command: UpdatePerson) -> dict[str, Any]:
    """Check and write the changed fields, each with a history row."""
    _editor(command.actor)
    on = rules.calendar.local_date(command.now)
    with uow:
        before = uow.people.get(command.person_id)
        if before.version != command.read_version:
            raise StaleVersion(command.person_id, command.read_version, before.version,
                               "the record of person")
        after = _typed(before, command.changes)
        errors = details_problems(rules.people, after, on)
        if errors:
            raise InvalidInput(errors)
        after = _decided(normalised(rules.people, after, on), before, command)
        changed = _diff(before, after)
        _check_reason(before, changed, command.reason)
        if changed:
            uow.people.save(after, command.read_version, changed, command.reason,
                            command.actor.username, command.now)
        uow.commit()
    return {"id": before.id, "version": before.version + (1 if changed else 0),
            "changed": [c.field for c in changed]}


def _decided(after: Person, before: Person, command: UpdatePerson) -> Person:
    """Who decided the identifier's status, when it (or its reason) changes."""
    if (after.identifier_status, after.identifier_reason) == (
            before.identifier_status, before.identifier_reason):
        return after
    return replace(after, identifier_decided_by=command.actor.username,
                   identifier_decided_at=command.now)


@handles(MoveAddress)
def move_address(uow: UnitOfWork, rules: Rules, command: MoveAddress) -> int:
    """Record the new address; the previous one is kept as history."""
    _editor(command.actor)
    errors = address_problems(command.address)
    if errors:
        raise InvalidInput(errors)
    address = normalised_address(command.address)
    if address.moved_in is None:  # moving in today, as far as anyone knows
        address = replace(address, moved_in=rules.calendar.local_date(command.now))
    with uow:
        uow.people.get(command.person_id)
        address_id = uow.people.move(command.person_id, address, command.actor.username,
                                     command.now)
        uow.commit()
    return address_id


@handles(RecordRelationship)
def record_relationship(uow: UnitOfWork, rules: Rules, command: RecordRelationship) -> int:
    """Record how a relative is related to a person (recording the relative if new)."""
    _editor(command.actor)
    if command.kind not in RELATIONSHIPS:
        raise InvalidInput({"kind": "choose the relationship from the list"})
    with uow:
        uow.people.get(command.person_id)
        relative_id = command.relative_id or _new_relative(uow, rules, command)
        if relative_id == command.person_id:
            raise InvalidInput({"relative_id": "a person cannot be their own relative"})
        made = uow.people.relate(command.person_id, relative_id, command.kind,
                                 command.parental_responsibility, command.lives_with,
                                 command.actor.username, command.now)
        uow.commit()
    return made


def _new_relative(uow: UnitOfWork, rules: Rules, command: RecordRelationship) -> int:
    details = command.relative
    if details is None:
        raise InvalidInput({"relative_id": "choose a person, or record the relative's name"})
    on = rules.calendar.local_date(command.now)
    errors = details_problems(rules.people, details, on)
    if errors:
        raise InvalidInput({f"relative.{k}": v for k, v in errors.items()})
    return uow.people.add(normalised(rules.people, details, on), command.now,
                          command.actor.username)


@handles(AddWarning)
def add_warning(uow: UnitOfWork, rules: Rules, command: AddWarning) -> int:
    """A warning for staff safety, shown wherever the person is."""
    _editor(command.actor)
    text = command.text.strip()
    if not text:
        raise InvalidInput({"text": "write the warning"})
    with uow:
        uow.people.get(command.person_id)
        made = uow.people.warn(command.person_id, text[:2000], command.actor.username,
                               command.now)
        uow.commit()
    return made


def editable_values(person: Person) -> dict[str, Any]:
    """The editable fields of a person, for a form that edits them."""
    names = {f.name for f in fields(person)}
    return {name: getattr(person, name) for name in EDITABLE if name in names}
