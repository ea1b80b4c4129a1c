"""Contact repository: maps the aggregate to rows and back, and enforces the version.

Saving is one conditional UPDATE (``WHERE version = :read_version``): if another session
won the race the row count is 0 and ``StaleVersion`` is raised before anything else is
written, so the unit of work rolls back to an unchanged database. The contact's records
are read lazily (``SqlCaseRecords``) and its changed records written with the event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from workflow.clocks.clock import Clock, ClockResult
from workflow.contact import Contact, Event, Rag
from workflow.errors import NotFound, StaleVersion
from workflow.intake.records import IntakeFlags
from workflow.persistence.records import SqlCaseRecords, write
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.stages import Stage

_MUTABLE = ("team", "worker", "event_seq", "referral_at", "closure_reason", "referral_nfa",
            "open_case_reference")
_FLAGS = ("open_case_contact_id", "re_referral_of", "repeat_contacts", "repeat_window_days")
#: The contact columns the aggregate is built from.
_LOADED = tuple(getattr(ContactRow, name) for name in dict.fromkeys((
    "id", "received_at", "source", "child_id", "version", "rag", "stage", *_MUTABLE,
    *_FLAGS)))
#: Records a caller may name to find their contact (a partner knows only the request).
_OWNERS = {"request_id": InfoRequestRow}


class ContactRepository:
    """Load and store Contact aggregates within one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.records = SqlCaseRecords(session)

    def get(self, contact_id: int) -> Contact:
        """The contact with its open clocks (records come on demand), or ``NotFound``.

        Plain rows, not mapped objects: every command loads a contact, and nothing here
        needs the identity map (the save is a conditional UPDATE of its own)."""
        row = self.session.execute(select(*_LOADED).where(ContactRow.id == contact_id)).first()
        if row is None:
            raise NotFound(f"There is no contact {contact_id}.")
        clocks = self.session.execute(
            select(*ClockRow.__table__.c).where(ClockRow.contact_id == contact_id,
                                                ClockRow.stopped_at.is_(None))).all()
        return _to_contact(row, [_to_clock(c) for c in clocks], self.records)

    def owner_of(self, record: str, record_id: int) -> int | None:
        """The contact a named record belongs to (None when there is no such record)."""
        table = _OWNERS.get(record)
        if table is None:
            return None
        found = self.session.scalar(select(table.contact_id).where(table.id == record_id))
        return None if found is None else int(found)

    def add(self, contact: Contact, **details: object) -> int:
        """Insert a new contact (details: channel, referrer, concerns …) with its changes."""
        row = ContactRow(received_at=contact.received_at, source=contact.source,
                         child_id=contact.child_id, stage=contact.stage, version=1,
                         **_fields(contact), **_flags(contact), **details)
        self.session.add(row)
        self.session.flush()
        contact.id, contact.version = row.id, 1
        contact.records = self.records
        self._write_changes(contact)
        return row.id

    def save(self, contact: Contact, read_version: int) -> None:
        """Write the contact's recorded changes if nobody else changed it since it was read."""
        assert contact.id is not None
        values = _fields(contact) | {"stage": contact.stage.value, "version": read_version + 1}
        result = self.session.execute(
            update(ContactRow)
            .where(ContactRow.id == contact.id, ContactRow.version == read_version)
            .values(**values)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            actual = self.session.scalar(select(ContactRow.version)
                                         .where(ContactRow.id == contact.id))
            raise StaleVersion(contact.id, read_version, actual)
        contact.version = read_version + 1
        self._write_changes(contact)

    def set_intake(self, contact: Contact, intake: str) -> None:
        """Group siblings recorded together (not a stage change, so no version bump)."""
        self.session.execute(update(ContactRow).where(ContactRow.id == contact.id)
                             .values(intake=intake))

    def _write_changes(self, contact: Contact) -> None:
        assert contact.id is not None
        # New events and clocks as bulk INSERTs (no unit-of-work flush); clocks learn
        # their ids from RETURNING, in the order they were started.
        events = [_event_values(contact.id, e) for e in contact.new_events]
        if events:
            self.session.execute(insert(EventRow), events)
        started = list(contact.started_clocks)
        if started:
            ids = self.session.scalars(
                insert(ClockRow).returning(ClockRow.id, sort_by_parameter_order=True),
                [_clock_values(contact.id, clock) for clock in started]).all()
            for clock, clock_id in zip(started, ids, strict=True):
                clock.id = clock_id
        for clock in contact.stopped_clocks:
            self.session.execute(update(ClockRow).where(ClockRow.id == clock.id).values(
                stopped_at=clock.stopped_at, stop_event=clock.stop_event,
                result=clock.result.value if clock.result else None, note=clock.note)
                .execution_options(synchronize_session=False))  # no loaded row reads it again
        for key, record in list(contact.changed_records.items()):
            contact.stored(key, write(self.session, contact.id, record,
                                      child_id=contact.child_id))
        contact.clear_changes()


def _fields(contact: Contact) -> dict[str, object]:
    return {name: getattr(contact, name) for name in _MUTABLE} | {
        "rag": contact.rag.value if contact.rag else None}


def _flags(contact: Contact) -> dict[str, object]:
    return {name: getattr(contact.flags, name) for name in _FLAGS}


def _to_contact(row: Any, clocks: list[Clock], records: SqlCaseRecords) -> Contact:
    flags = IntakeFlags(**{name: getattr(row, name) for name in _FLAGS})
    return Contact(received_at=row.received_at, source=row.source,
                   child_id=row.child_id, id=row.id, version=row.version,
                   event_seq=row.event_seq, rag=Rag(row.rag) if row.rag else None,
                   team=row.team, worker=row.worker, referral_at=row.referral_at,
                   closure_reason=row.closure_reason, referral_nfa=bool(row.referral_nfa),
                   open_case_reference=row.open_case_reference, flags=flags,
                   open_clocks=clocks, records=records, _stage=Stage(row.stage))


def _to_clock(row: Any) -> Clock:
    return Clock(row.rule, row.rule_version, row.started_at, row.due_at, row.stopped_at,
                 row.stop_event, ClockResult(row.result) if row.result else None, row.id,
                 row.note or "")


def _clock_values(contact_id: int, clock: Clock) -> dict[str, object]:
    return {"contact_id": contact_id, "rule": clock.rule, "rule_version": clock.rule_version,
            "started_at": clock.started_at, "due_at": clock.due_at,
            "stopped_at": clock.stopped_at, "stop_event": clock.stop_event,
            "result": clock.result.value if clock.result else None, "note": clock.note}


def _event_values(contact_id: int, event: Event) -> dict[str, object]:
    return {"contact_id": contact_id, "seq": event.seq, "trigger": event.trigger,
            "from_stage": event.from_stage, "to_stage": event.to_stage, "actor": event.actor,
            "role": str(event.role), "at": event.at, "reason": event.reason,
            "payload": dict(event.payload)}
