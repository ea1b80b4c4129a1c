"""SQL adapter for people: the person record, its history, addresses, family and warnings.

Saving is a conditional UPDATE on the person's version (``WHERE version = :read``), so two
workers editing one record cannot overwrite each other; every changed field gets its row in
``person_change`` in the same transaction, and the search keys of the names are rewritten
with them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from workflow.errors import NotFound, StaleVersion
from workflow.people.records import Address, Change, Person, PersonDetails
from workflow.people.search_keys import person_keys
from workflow.persistence.tables_people import (
    PersonAddressRow,
    PersonChangeRow,
    PersonDisabilityRow,
    PersonNameKeyRow,
    PersonRow,
    PersonWarningRow,
    RelationshipRow,
)

#: Person columns written from the record (the rest: id, version, created_at).
_COLUMNS = ("kind", "first_name", "last_name", "preferred_name", "date_of_birth",
            "expected_date_of_birth", "sex", "gender_identity", "ethnicity", "first_language",
            "immigration_status", "nhs_number", "upn", "upn_unknown", "school",
            "identifier_status", "identifier_reason")
#: How a refusal names the record ("Someone else changed the record of person 7 ...").
_RECORD = "the record of person"


def _address(row: PersonAddressRow) -> Address:
    return Address(row.line_1, row.postcode, row.line_2, row.town, row.moved_in,
                   row.moved_out, row.id)


class SqlPeople:
    """People in the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def exists(self, person_id: int) -> bool:
        return self.session.scalar(select(PersonRow.id).where(PersonRow.id == person_id)) \
            is not None

    def add(self, details: PersonDetails, now: datetime, by: str) -> int:
        """A new person with their disabilities, address and search keys."""
        row = PersonRow(**{c: getattr(details, c) for c in _COLUMNS}, version=1,
                        created_at=now,
                        identifier_decided_by=by if details.identifier_reason else None,
                        identifier_decided_at=now if details.identifier_reason else None)
        self.session.add(row)
        self.session.flush()
        self._disabilities(row.id, details.disabilities)
        self._keys(row.id, details)
        if details.address is not None:
            self.move(row.id, details.address, by, now)
        return row.id

    def get(self, person_id: int) -> Person:
        """The person with their disabilities and current address, or ``NotFound``."""
        row = self.session.get(PersonRow, person_id)
        if row is None:
            raise NotFound(f"There is no person {person_id}.")
        codes = tuple(self.session.scalars(select(PersonDisabilityRow.code).where(
            PersonDisabilityRow.person_id == person_id).order_by(PersonDisabilityRow.id)))
        current = self.session.scalars(select(PersonAddressRow).where(
            PersonAddressRow.person_id == person_id, PersonAddressRow.moved_out.is_(None))
            .order_by(PersonAddressRow.id.desc()).limit(1)).first()
        return Person(**{c: getattr(row, c) for c in _COLUMNS}, disabilities=codes,
                      address=_address(current) if current else None, id=row.id,
                      version=row.version, identifier_decided_by=row.identifier_decided_by,
                      identifier_decided_at=row.identifier_decided_at)

    def save(self, person: Person, read_version: int, changes: list[Change], reason: str,
             by: str, now: datetime) -> None:
        """Write the changed record if nobody changed it since it was read, with history."""
        values = {c: getattr(person, c) for c in _COLUMNS} | {
            "version": read_version + 1, "identifier_decided_by": person.identifier_decided_by,
            "identifier_decided_at": person.identifier_decided_at}
        result = self.session.execute(update(PersonRow).where(
            PersonRow.id == person.id, PersonRow.version == read_version).values(**values)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            actual = self.session.scalar(select(PersonRow.version)
                                         .where(PersonRow.id == person.id))
            raise StaleVersion(person.id, read_version, actual, _RECORD)
        self.session.add_all(PersonChangeRow(person_id=person.id, field=c.field, old=c.old,
                                             new=c.new, reason=reason, by=by, at=now)
                             for c in changes)
        if any(c.field == "disabilities" for c in changes):
            self._disabilities(person.id, person.disabilities)
        if any(c.field in ("first_name", "last_name", "preferred_name") for c in changes):
            self._keys(person.id, person)
        self.session.flush()

    def move(self, person_id: int, address: Address, by: str, now: datetime) -> int:
        """The new current address; the one before it ends the day before this one starts."""
        starts = address.moved_in or now.date()
        self.session.execute(update(PersonAddressRow).where(
            PersonAddressRow.person_id == person_id, PersonAddressRow.moved_out.is_(None))
            .values(moved_out=starts - timedelta(days=1)))
        row = PersonAddressRow(person_id=person_id, line_1=address.line_1,
                               line_2=address.line_2, town=address.town,
                               postcode=address.postcode, outward=address.outward,
                               moved_in=address.moved_in, recorded_by=by, recorded_at=now)
        self.session.add(row)
        self.session.add(PersonChangeRow(person_id=person_id, field="address", old="",
                                         new=f"{address.line_1}, {address.postcode}",
                                         reason="", by=by, at=now))
        self.session.flush()
        return row.id

    def relate(self, person_id: int, relative_id: int, kind: str,
               parental_responsibility: bool, lives_with: bool, by: str,
               now: datetime) -> int:
        """Record (or restate) how a relative is related to a person."""
        found = self.session.scalar(select(RelationshipRow).where(
            RelationshipRow.person_id == person_id, RelationshipRow.relative_id == relative_id,
            RelationshipRow.kind == kind))
        if found is not None:
            found.parental_responsibility, found.lives_with = parental_responsibility, lives_with
            found.ended_at = None
            self.session.flush()
            return found.id
        row = RelationshipRow(person_id=person_id, relative_id=relative_id, kind=kind,
                              parental_responsibility=parental_responsibility,
                              lives_with=lives_with, recorded_by=by, recorded_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def warn(self, person_id: int, text: str, by: str, now: datetime) -> int:
        row = PersonWarningRow(person_id=person_id, text=text, recorded_by=by, recorded_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def _disabilities(self, person_id: int, codes: tuple[str, ...]) -> None:
        self.session.execute(delete(PersonDisabilityRow)
                             .where(PersonDisabilityRow.person_id == person_id))
        self.session.add_all(PersonDisabilityRow(person_id=person_id, code=c) for c in codes)

    def _keys(self, person_id: int, details: PersonDetails) -> None:
        self.session.execute(delete(PersonNameKeyRow)
                             .where(PersonNameKeyRow.person_id == person_id))
        self.session.add_all(PersonNameKeyRow(person_id=person_id, key=k) for k in sorted(
            person_keys(details.first_name, details.last_name, details.preferred_name)))
