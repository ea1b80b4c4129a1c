"""The DfE's daily children's social care feed: which children a full or a delta send holds.

Which children (the DfE's cohort, as Data to Insight's reference client reads it): every
child with a referral episode open at some time since 1 April of the financial year that
began 24 months ago. Each child's record is built by ``reporting.dfe_feed_record`` from the
records the CIN census reads, and checked against the DfE's schema
(``reporting.dfe_feed_schema``); a record that fails is not sent and is named, with the
schema path, among the feed's refusals.

* **Full**: every child in the cohort, plus a purge of every child the DfE holds who is no
  longer in it (``{"la_child_id": ..., "purge": true}``): merged into another person, every
  referral recorded against them moved or withdrawn, or out of the window.
* **Delta**: what changed since the last successful send: the children of contacts with an
  event since then (every step on a contact appends one), people whose record changed
  (``person_change``), children the ledger says hold an episode our records now give to
  someone else or to nobody (a merge, a contact moved to the right child), and records the
  schema refused last time. Each is rebuilt and sent only if it differs from what the DfE
  holds (the ledger's digest), with purges for what our records no longer hold. The first
  send, and a day the window moves on (1 April), compare the whole cohort.

"Since" overlaps the last send's reading by a margin: a step recorded in the instant of
that reading is looked at again, and the digest keeps it from being sent twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.cin_census import CollectionYear, census_contacts
from reporting.cin_episodes import CHILD_ID_PREFIX, local_day
from reporting.dfe_feed_record import Sent, records_for
from reporting.dfe_feed_schema import record_refusals
from workflow.contact import parse_reference
from workflow.feed.records import ChildRecord, Feed, FeedKind, Refusal
from workflow.people.rules import PeopleRules
from workflow.persistence.tables import ContactRow, EventRow
from workflow.persistence.tables_feed import FeedChildRow, FeedRefusalRow, FeedRunRow
from workflow.persistence.tables_people import PersonChangeRow

#: The DfE's window: from 1 April of the financial year that began this many months ago.
WINDOW_MONTHS = 24
MARGIN = timedelta(minutes=10)
#: Runs after which the DfE holds everything they read (a delta counts from the last one).
SUCCESSFUL = ("sent", "nothing_to_send")
_CHUNK = 500


def window_start(day: date) -> date:
    """1 April of the financial year that began ``WINDOW_MONTHS`` before ``day``."""
    months = day.year * 12 + day.month - 1 - WINDOW_MONTHS
    year, month = divmod(months, 12)
    return date(year if month + 1 >= 4 else year - 1, 4, 1)


def person_id_of(la_child_id: str) -> int | None:
    """The person behind an LA child id (``FDC0000123`` -> 123)."""
    digits = la_child_id.removeprefix(CHILD_ID_PREFIX)
    return int(digits) if digits.isdigit() and la_child_id.startswith(CHILD_ID_PREFIX) else None


@dataclass(frozen=True)
class LastSend:
    """The last run after which the DfE held everything it read."""

    run_id: str
    as_at: datetime
    window_start: date
    started_at: datetime


def last_send(session: Session) -> LastSend | None:
    row = session.scalars(select(FeedRunRow).where(FeedRunRow.status.in_(SUCCESSFUL))
                          .order_by(FeedRunRow.started_at.desc()).limit(1)).first()
    return LastSend(row.id, row.as_at, row.window_start, row.started_at) if row else None


def ledger(session: Session) -> dict[str, Sent]:
    """What the DfE holds, per LA child id."""
    return {r.la_child_id: Sent(r.digest, frozenset(r.items or ()), r.purged)
            for r in session.scalars(select(FeedChildRow))}


def _held(sent: Mapping[str, Sent]) -> set[int]:
    return {p for lac, s in sent.items() if not s.purged and (p := person_id_of(lac))}


def cohort(session: Session, as_at: datetime, start: date) -> set[int]:
    """Children who may have an episode open since ``start`` (a superset: whether each
    episode was open in the window is decided when the record is built)."""
    contacts = census_contacts(session, CollectionYear(start, local_day(as_at)))
    children: set[int] = set()
    for i in range(0, len(contacts), _CHUNK):
        children |= {c for c in session.scalars(select(ContactRow.child_id).where(
            ContactRow.id.in_(contacts[i:i + _CHUNK]))) if c is not None}
    return children


def _moved(session: Session, sent: Mapping[str, Sent]) -> set[int]:
    """Children on either side of an episode the DfE holds under a child our records no
    longer give it to (or give to nobody, or no longer call a referral)."""
    expected: dict[int, int] = {}
    for lac, s in sent.items():
        person = person_id_of(lac)
        if person is None or s.purged:
            continue
        for item in s.items:
            if "/" not in item and (contact_id := parse_reference(item)):
                expected[contact_id] = person
    found: set[int] = set()
    ordered = sorted(expected)
    for i in range(0, len(ordered), _CHUNK):
        rows = session.execute(select(ContactRow.id, ContactRow.child_id, ContactRow.referral_at)
                               .where(ContactRow.id.in_(ordered[i:i + _CHUNK])))
        now = {cid: (child, referred) for cid, child, referred in rows}
        for contact_id in ordered[i:i + _CHUNK]:
            child, referred = now.get(contact_id, (None, None))
            if child != expected[contact_id] or referred is None:
                found |= {expected[contact_id]} | ({child} if child else set())
    return found


def changed_since(session: Session, last: LastSend, as_at: datetime,
                  sent: Mapping[str, Sent]) -> set[int]:
    """Every child whose record may differ from what the last successful send left."""
    since = last.as_at - MARGIN
    stepped = session.scalars(select(ContactRow.child_id).distinct().join(
        EventRow, EventRow.contact_id == ContactRow.id).where(
        EventRow.at >= since, EventRow.at < as_at))
    changed = session.scalars(select(PersonChangeRow.person_id).distinct().where(
        PersonChangeRow.at >= since, PersonChangeRow.at < as_at))
    refused = session.scalars(select(FeedRefusalRow.la_child_id).join(
        FeedRunRow, FeedRunRow.id == FeedRefusalRow.run_id).where(
        FeedRunRow.started_at >= last.started_at))
    again = {p for lac in refused if (p := person_id_of(lac))}
    return {c for c in stepped if c is not None} | set(changed) | again | _moved(session, sent)


def _differs(record: ChildRecord, sent: Mapping[str, Sent]) -> bool:
    held = sent.get(record.la_child_id)
    return record.purge or held is None or held.purged or held.digest != record.digest


def checked(records: Iterable[ChildRecord]) -> tuple[list[ChildRecord], list[Refusal]]:
    """The records the schema accepts, and every problem of those it refuses."""
    good, refused = [], []
    for record in records:
        problems = record_refusals(record.la_child_id, record.body)
        refused += problems
        if not problems:
            good.append(record)
    return good, refused


def build_feed(session: Session, kind: FeedKind, as_at: datetime,
               people: PeopleRules) -> Feed:
    """What a ``kind`` send at ``as_at`` holds: checked records, purges and refusals
    (``people``: the identifier rules the census writes the child's details by)."""
    start, sent, last = window_start(local_day(as_at)), ledger(session), last_send(session)
    note = ""
    if kind is FeedKind.DELTA and last is None:
        kind, note = FeedKind.FULL, "no earlier successful send: a full send"
    if kind is FeedKind.FULL or last is None:
        children = cohort(session, as_at, start) | _held(sent)
        records = records_for(session, children, as_at, start, sent, people)
    else:
        children = changed_since(session, last, as_at, sent)
        if last.window_start != start:
            children |= cohort(session, as_at, start) | _held(sent)
            note = f"the window moved on to {start:%d/%m/%Y}: the whole cohort compared"
        records = [r for r in records_for(session, children, as_at, start, sent, people)
                   if _differs(r, sent)]
    good, refused = checked(records)
    return Feed(kind, as_at, start, tuple(good), tuple(refused), note)
