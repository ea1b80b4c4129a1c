"""Contact repository: maps the aggregate to rows and back, and enforces the version.

Saving is one conditional UPDATE (``WHERE version = :read_version``): if another session
won the race the row count is 0 and ``StaleVersion`` is raised before anything else is
written, so the unit of work rolls back to an unchanged database. The contact's records
are read lazily (``SqlCaseRecords``) and its changed records written with the event.

Every command loads one contact and saves it, so the statements here are built once, at
import, on the tables (not the mapped classes): SQLAlchemy then neither rebuilds them nor
recomputes their cache keys per command, and they skip the ORM's statement machinery,
which nothing here needs (the rows are plain, the writes explicit).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Row, Table, and_, bindparam, insert, select, update
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
_CONTACT, _CLOCK, _EVENT = (cast(Table, row.__table__) for row in (ContactRow, ClockRow, EventRow))
#: The contact columns the aggregate is built from.
_LOADED = tuple(_CONTACT.c[name] for name in dict.fromkeys((
    "id", "received_at", "source", "child_id", "version", "rag", "stage", *_MUTABLE,
    *_FLAGS)))
_CLOCK_PREFIX = "clock_"
#: The contact and its open clocks in one round trip: one row per open clock (the
#: contact's columns repeated), or one row with no clock when none is running. PostgreSQL
#: joins through the partial index of running clocks by contact; SQLite, which does not
#: use a partial index for the right side of a LEFT JOIN, reads the contact's own clocks
#: by ``contact_id`` and drops the stopped ones (that contact's history, not the table's).
_GET = (select(*_LOADED, *(c.label(_CLOCK_PREFIX + c.name) for c in _CLOCK.c))
        .select_from(_CONTACT.outerjoin(_CLOCK, and_(_CLOCK.c.contact_id == _CONTACT.c.id,
                                                     _CLOCK.c.stopped_at.is_(None))))
        .where(_CONTACT.c.id == bindparam("contact_id"))
        .order_by(_CLOCK.c.id))
#: The conditional UPDATE; its SET clause is the columns given (SQLAlchemy compiles and
#: caches one statement per set of columns).
_SAVE = update(_CONTACT).where(_CONTACT.c.id == bindparam("read_id"),
                               _CONTACT.c.version == bindparam("read_version"))
_VERSION = select(_CONTACT.c.version).where(_CONTACT.c.id == bindparam("contact_id"))
_INSERT_EVENTS = insert(_EVENT)
_INSERT_CLOCKS = insert(_CLOCK).returning(_CLOCK.c.id, sort_by_parameter_order=True)
_STOP_CLOCK = update(_CLOCK).where(_CLOCK.c.id == bindparam("clock_id"))
#: Records a caller may name to find their contact (a partner knows only the request).
_OWNERS = {"request_id": InfoRequestRow}


class ContactRepository:
    """Load and store Contact aggregates within one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.records = SqlCaseRecords(session)
        #: The written columns of each contact as loaded or last saved, in this unit of
        #: work (keyed by the aggregate itself: two loads of one contact are two entries).
        self._read: dict[Contact, dict[str, object]] = {}

    def get(self, contact_id: int) -> Contact:
        """The contact with its open clocks (records come on demand), or ``NotFound``.

        Plain rows, not mapped objects: every command loads a contact, and nothing here
        needs the identity map (the save is a conditional UPDATE of its own). What was
        read is kept, so the save writes only the columns that changed."""
        rows = self.session.execute(_GET, {"contact_id": contact_id}).all()
        if not rows:
            raise NotFound(f"There is no contact {contact_id}.")
        clocks = [_to_clock(row) for row in rows if row.clock_id is not None]
        contact = _to_contact(rows[0], clocks, self.records)
        self._read[contact] = _written(contact)
        return contact

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
        self._read[contact] = _written(contact)
        self._write_changes(contact)
        return row.id

    def save(self, contact: Contact, read_version: int) -> None:
        """Write the contact's recorded changes if nobody else changed it since it was read.

        Only the columns that differ from what was read are SET, besides the version: the
        version check proves the row still holds what was read, so the rest would be
        rewritten with the values it already has."""
        assert contact.id is not None
        now = _written(contact)
        before = self._read.get(contact, {})
        changed = {k: v for k, v in now.items() if k not in before or before[k] != v}
        result = self.session.execute(_SAVE, {**changed, "version": read_version + 1,
                                              "read_id": contact.id,
                                              "read_version": read_version})
        if result.rowcount != 1:  # type: ignore[attr-defined]
            actual = self.session.scalar(_VERSION, {"contact_id": contact.id})
            raise StaleVersion(contact.id, read_version, actual)
        contact.version = read_version + 1
        self._read[contact] = now
        self._write_changes(contact)

    def set_intake(self, contact: Contact, intake: str) -> None:
        """Group siblings recorded together (not a stage change, so no version bump)."""
        self.session.execute(update(ContactRow).where(ContactRow.id == contact.id)
                             .values(intake=intake))

    def _write_changes(self, contact: Contact) -> None:
        assert contact.id is not None
        # New events and clocks as INSERTs of their own (no unit-of-work flush); clocks
        # learn their ids from RETURNING, in the order they were started.
        events = [_event_values(contact.id, e) for e in contact.new_events]
        if events:
            self.session.execute(_INSERT_EVENTS, events)
        started = list(contact.started_clocks)
        if started:
            ids = self.session.scalars(
                _INSERT_CLOCKS, [_clock_values(contact.id, clock) for clock in started]).all()
            for clock, clock_id in zip(started, ids, strict=True):
                clock.id = clock_id
        stopped = [_stop_values(clock) for clock in contact.stopped_clocks]
        if stopped:
            self.session.execute(_STOP_CLOCK, stopped)
        for key, record in list(contact.changed_records.items()):
            contact.stored(key, write(self.session, contact.id, record,
                                      child_id=contact.child_id))
        contact.clear_changes()


def _written(contact: Contact) -> dict[str, object]:
    """The contact's columns a save writes when they changed (besides the version)."""
    return _fields(contact) | {"stage": contact.stage.value}


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


def _to_clock(row: Row[Any]) -> Clock:
    """A clock from its columns in ``_GET`` (prefixed, beside the contact's)."""
    c = row._mapping
    p = _CLOCK_PREFIX
    result = c[p + "result"]
    return Clock(c[p + "rule"], c[p + "rule_version"], c[p + "started_at"], c[p + "due_at"],
                 c[p + "stopped_at"], c[p + "stop_event"],
                 ClockResult(result) if result else None, c[p + "id"], c[p + "note"] or "")


def _clock_values(contact_id: int, clock: Clock) -> dict[str, object]:
    return {"contact_id": contact_id, "rule": clock.rule, "rule_version": clock.rule_version,
            "started_at": clock.started_at, "due_at": clock.due_at,
            "stopped_at": clock.stopped_at, "stop_event": clock.stop_event,
            "result": clock.result.value if clock.result else None, "note": clock.note}


def _stop_values(clock: Clock) -> dict[str, object]:
    return {"clock_id": clock.id, "stopped_at": clock.stopped_at,
            "stop_event": clock.stop_event,
            "result": clock.result.value if clock.result else None, "note": clock.note}


def _event_values(contact_id: int, event: Event) -> dict[str, object]:
    return {"contact_id": contact_id, "seq": event.seq, "trigger": event.trigger,
            "from_stage": event.from_stage, "to_stage": event.to_stage, "actor": event.actor,
            "role": str(event.role), "at": event.at, "reason": event.reason,
            "payload": dict(event.payload)}
