"""A person as their page and the API show them: the record, what changed and why, where
they live and lived, their family, warnings for staff, and the contacts about them.

Family is read both ways: a relationship is recorded from one person to another ("Sam is
Alex's mother"), and the other's page shows it turned round ("Alex is Sam's child"), so
nobody has to record it twice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflow.contact import reference_for
from workflow.people.records import RELATIONSHIPS, Address, Person
from workflow.persistence.people import SqlPeople
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_people import (
    PersonAddressRow,
    PersonChangeRow,
    PersonRow,
    PersonWarningRow,
    RelationshipRow,
)

#: How a relationship reads from the relative's side.
TURNED = {"mother": "child", "father": "child", "step_parent": "step-child",
          "parent_partner": "partner's child", "sibling": "sibling",
          "half_sibling": "half-sibling", "grandparent": "grandchild", "carer": "cared-for child",
          "other_adult": "household member", "other_relative": "relative"}


@dataclass(frozen=True)
class ChangeLine:
    field: str
    old: str
    new: str
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Relative:
    """A member of a person's family, as that person's page shows them."""

    relationship_id: int
    person_id: int
    name: str
    date_of_birth: date | None
    kind: str
    label: str
    parental_responsibility: bool
    lives_with: bool


@dataclass(frozen=True)
class Warning:
    id: int
    text: str
    by: str
    at: datetime


@dataclass(frozen=True)
class ContactLine:
    id: int
    received_at: datetime
    stage: str
    worker: str | None

    @property
    def reference(self) -> str:
        return reference_for(self.id)


@dataclass
class PersonPage:
    person: Person
    addresses: list[Address] = field(default_factory=list)
    changes: list[ChangeLine] = field(default_factory=list)
    family: list[Relative] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    contacts: list[ContactLine] = field(default_factory=list)


def family(session: Session, person_id: int) -> list[Relative]:
    """A person's family, from relationships recorded either way round."""
    rows = session.execute(select(RelationshipRow, PersonRow).join(
        PersonRow, or_(PersonRow.id == RelationshipRow.relative_id,
                       PersonRow.id == RelationshipRow.person_id))
        .where(or_(RelationshipRow.person_id == person_id,
                   RelationshipRow.relative_id == person_id),
               PersonRow.id != person_id, RelationshipRow.ended_at.is_(None))
        .order_by(RelationshipRow.id)).all()
    seen: dict[int, Relative] = {}
    for rel, other in rows:
        forward = rel.person_id == person_id
        label = RELATIONSHIPS.get(rel.kind, rel.kind) if forward else TURNED.get(rel.kind,
                                                                              rel.kind)
        seen.setdefault(other.id, Relative(rel.id, other.id,
                                           f"{other.first_name} {other.last_name}",
                                           other.date_of_birth, rel.kind, label.capitalize(),
                                           rel.parental_responsibility, rel.lives_with))
    return list(seen.values())


def person_page(session: Session, person_id: int) -> PersonPage | None:
    """Everything a person's page shows, or None when there is no such person."""
    if session.get(PersonRow, person_id) is None:
        return None
    page = PersonPage(SqlPeople(session).get(person_id))
    page.addresses = [Address(r.line_1, r.postcode, r.line_2, r.town, r.moved_in, r.moved_out,
                              r.id) for r in session.scalars(select(PersonAddressRow).where(
                                  PersonAddressRow.person_id == person_id)
                                  .order_by(PersonAddressRow.id.desc()))]
    page.changes = [ChangeLine(r.field, r.old, r.new, r.reason, r.by, r.at)
                    for r in session.scalars(select(PersonChangeRow).where(
                        PersonChangeRow.person_id == person_id)
                        .order_by(PersonChangeRow.id.desc()))]
    page.family = family(session, person_id)
    page.warnings = [Warning(r.id, r.text, r.recorded_by, r.recorded_at)
                     for r in session.scalars(select(PersonWarningRow).where(
                         PersonWarningRow.person_id == person_id,
                         PersonWarningRow.ended_at.is_(None)).order_by(PersonWarningRow.id))]
    page.contacts = [ContactLine(r.id, r.received_at, r.stage, r.worker)
                     for r in session.execute(select(ContactRow.id, ContactRow.received_at,
                                                     ContactRow.stage, ContactRow.worker)
                                              .where(ContactRow.child_id == person_id)
                                              .order_by(ContactRow.received_at.desc()))]
    return page


def as_json(page: PersonPage) -> dict[str, Any]:
    """The person page as the API returns it (dates as ISO text)."""
    return _plain({"person": dataclasses.asdict(page.person) | {"id": page.person.id},
                   "addresses": [dataclasses.asdict(a) for a in page.addresses],
                   "family": [dataclasses.asdict(r) for r in page.family],
                   "warnings": [dataclasses.asdict(w) for w in page.warnings],
                   "contacts": [dataclasses.asdict(c) | {"reference": c.reference}
                                for c in page.contacts],
                   "history": [dataclasses.asdict(c) for c in page.changes]})


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
