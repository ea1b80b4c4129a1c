"""Contact repository: maps the aggregate to rows and back, and enforces the version.

Saving is one conditional UPDATE (``WHERE version = :read_version``): if another session
won the race the row count is 0 and ``StaleVersion`` is raised before anything else is
written, so the unit of work rolls back to an unchanged database.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflow.clocks.clock import Clock, ClockResult
from workflow.contact import Contact, Event
from workflow.errors import NotFound, StaleVersion
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.stages import Stage

_MUTABLE = ("rag", "team", "worker", "pending_decision", "facts", "event_seq")


class ContactRepository:
    """Load and store Contact aggregates within one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, contact_id: int) -> Contact:
        """The contact with its open clocks, or ``NotFound``."""
        row = self.session.get(ContactRow, contact_id)
        if row is None:
            raise NotFound(f"There is no contact {contact_id}.")
        clocks = self.session.scalars(
            select(ClockRow).where(ClockRow.contact_id == contact_id,
                                   ClockRow.stopped_at.is_(None))).all()
        return _to_contact(row, [_to_clock(c) for c in clocks])

    def add(self, contact: Contact, **details: object) -> int:
        """Insert a new contact (details: child_id, intake, concerns …) with its first changes."""
        row = ContactRow(received_at=contact.received_at,
                         source=contact.source, child_id=contact.child_id, stage=contact.stage,
                         version=1, **_fields(contact), **details)
        self.session.add(row)
        self.session.flush()
        contact.id, contact.version = row.id, 1
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
        # One flush for all new event and clock rows (not one per clock, then an autoflush
        # for the events): the same INSERTs in one unit-of-work pass; clocks learn their ids.
        self.session.add_all(_event_row(contact.id, e) for e in contact.new_events)
        started = [(clock, _clock_row(contact.id, clock)) for clock in contact.started_clocks]
        self.session.add_all(row for _, row in started)
        self.session.flush()  # flush(objects) is deprecated in SQLAlchemy 2.1
        for clock, row in started:
            clock.id = row.id
        for clock in contact.stopped_clocks:
            self.session.execute(update(ClockRow).where(ClockRow.id == clock.id).values(
                stopped_at=clock.stopped_at, stop_event=clock.stop_event,
                result=clock.result.value if clock.result else None, note=clock.note)
                .execution_options(synchronize_session=False))  # no loaded row reads it again
        self._stamp_referral(contact)
        contact.clear_changes()

    def _stamp_referral(self, contact: Contact) -> None:
        """Referral date = when the first assessment clock started (census CINreferralDate);
        a later assessment on the same episode (an enquiry on a plan) keeps it."""
        started = next((c.started_at for c in contact.started_clocks if c.rule == "assessment"),
                       None)
        if started is not None:
            self.session.execute(update(ContactRow).where(
                ContactRow.id == contact.id, ContactRow.referral_at.is_(None))
                .values(referral_at=started))


def _fields(contact: Contact) -> dict[str, object]:
    return {name: getattr(contact, name) for name in _MUTABLE}


def _to_contact(row: ContactRow, clocks: list[Clock]) -> Contact:
    return Contact(received_at=row.received_at, source=row.source,
                   child_id=row.child_id, id=row.id, version=row.version,
                   event_seq=row.event_seq, rag=row.rag, team=row.team, worker=row.worker,
                   pending_decision=row.pending_decision, facts=dict(row.facts or {}),
                   open_clocks=clocks, _stage=Stage(row.stage))


def _to_clock(row: ClockRow) -> Clock:
    return Clock(row.rule, row.rule_version, row.started_at, row.due_at, row.stopped_at,
                 row.stop_event, ClockResult(row.result) if row.result else None, row.id,
                 row.note or "")


def _clock_row(contact_id: int, clock: Clock) -> ClockRow:
    return ClockRow(contact_id=contact_id, rule=clock.rule, rule_version=clock.rule_version,
                    started_at=clock.started_at, due_at=clock.due_at,
                    stopped_at=clock.stopped_at, stop_event=clock.stop_event,
                    result=clock.result.value if clock.result else None, note=clock.note)


def _event_row(contact_id: int, event: Event) -> EventRow:
    return EventRow(contact_id=contact_id, seq=event.seq, trigger=event.trigger,
                    from_stage=event.from_stage, to_stage=event.to_stage, actor=event.actor,
                    role=str(event.role), at=event.at, reason=event.reason,
                    payload=dict(event.payload))
