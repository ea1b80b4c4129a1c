"""Synthetic people for the search benchmark, and the bulk loader that stores them.

Why its own module: ``bench.search`` times queries; this makes what they run over. The
people look like a county's records over the years (a few very common surnames and first
names, a long tail, one in twelve surnames double-barrelled, nicknames as preferred names,
children and some adults, the county's postcodes, one in seven people who moved), so the
name keys and postcodes have the spread of real data and a common name really is common.

The rows are exactly what the service layer writes: each person's details are checked and
normalised as intake does (``workflow.people.rules``), the person row takes the columns
``SqlPeople.add`` writes, the name keys come from ``workflow.people.search_keys``, and an
address move ends the previous address and writes its history row as ``SqlPeople.move``
does. ``bench.search`` proves it by writing the first people through ``SqlPeople`` too and
comparing the stored rows. Contacts carry what search reads (child, stage, worker) in the
shape the engine stores. Everything is synthetic (DOMAIN.md section 6): NHS numbers in
the 999 test range, invented streets.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Engine, Table, insert, text

from bench.search_names import (
    COMMON_SURNAMES,
    ENDS,
    FIRST_NAMES,
    INWARD_LETTERS,
    NICKNAMES,
    OUTWARDS,
    STARTS,
    STREETS,
)
from workflow.people.nhs_number import nhs_check_digit
from workflow.people.records import Address, PersonDetails
from workflow.people.rules import PeopleRules, details_problems, normalised
from workflow.people.search_keys import person_keys
from workflow.people.upn import with_check_letter
from workflow.persistence.people import _COLUMNS as PERSON_COLUMNS
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_people import (
    PersonAddressRow,
    PersonChangeRow,
    PersonDisabilityRow,
    PersonNameKeyRow,
    PersonRow,
)
from workflow.persistence.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
ON = date(2026, 11, 26)
BY = "bench.loader"
SEED = 20261126
CHUNK = 20_000


def table_of(row_class: type) -> Table:
    """The table a mapped class is stored in."""
    return cast(Table, row_class.__table__)  # type: ignore[attr-defined]


PERSON, DISABILITY, NAME_KEY, ADDRESS, CHANGE, CONTACT = (table_of(r) for r in (
    PersonRow, PersonDisabilityRow, PersonNameKeyRow, PersonAddressRow, PersonChangeRow,
    ContactRow))
#: Loading order: parents before the rows that point at them.
TABLES = (PERSON, DISABILITY, NAME_KEY, ADDRESS, CHANGE, CONTACT)



@dataclass
class Synthetic:
    """One person as the generator made them: details, later addresses, contacts."""

    id: int
    details: PersonDetails
    moves: list[Address] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)


#: The planted people: (first name, last name, date of birth), searched for by the bench.
TARGETS = {"oliver": ("Oliver", "Smith", date(2015, 4, 3)),
           "alfred": ("Alfred", "Pennington", date(2014, 1, 20)),
           "ella": ("Ella", "Fairweather-Jones", date(2013, 9, 9)),
           "ivo": ("Ivo", "Winterbottom", date(2016, 6, 16))}


class People:
    """A seeded stream of synthetic people: the first n of any size are the same people,
    so the small data set is the start of the large one."""

    def __init__(self, rules: PeopleRules) -> None:
        self.rules = rules
        self.rng = random.Random(SEED)
        self.surnames = list(COMMON_SURNAMES)
        self.weights = list(COMMON_SURNAMES.values())
        # The most popular names are about 2% of children, the 76th a third of that.
        self.first_weights = [1 / rank ** 0.3 for rank in range(1, len(FIRST_NAMES) + 1)]
        self.postcodes = self._postcodes()
        self.nhs_drawn = 0
        self.contact_id = 0
        self.targets: dict[str, Synthetic] = {}

    def _postcodes(self) -> list[str]:
        rng = random.Random(SEED + 1)
        return [f"{outward} {rng.randrange(10)}{rng.choice(INWARD_LETTERS)}"
                f"{rng.choice(INWARD_LETTERS)}" for outward in OUTWARDS for _ in range(500)]

    def surname(self) -> str:
        """A common surname for one in five, a place-like one or an invented one else."""
        rng, roll = self.rng, self.rng.random()
        if roll < 0.19:
            return rng.choices(self.surnames, self.weights)[0]
        if roll < 0.6:
            return rng.choice(STARTS) + rng.choice(ENDS)
        return "".join(rng.choice(part) for part in ("BDFGKLMNPRSTVW", "aeiou", "lmnrst",
                                                     "aeiouy", "dgklnrst")).capitalize()

    def first_name(self) -> str:
        """A first name from the list (its top names most often), or an invented one."""
        rng = self.rng
        if rng.random() < 0.7:
            return rng.choices(FIRST_NAMES, self.first_weights)[0]
        return "".join(rng.choice(p) for p in ("BCDJKLMNRST", "aeiou", "lnrsv", "aeioy"))

    def nhs_number(self) -> str:
        """The next unused checksum-valid number of the 999 test range (a permutation, so
        numbers do not run in order of the person's id)."""
        while True:
            self.nhs_drawn += 1
            nine = f"999{(self.nhs_drawn * 7_919) % 1_000_000:06d}"
            check = nhs_check_digit(nine)
            if check is not None:
                return f"{nine}{check}"

    def address(self) -> Address:
        rng = self.rng
        return Address(f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
                       rng.choice(self.postcodes), town="Synthetic Town")

    def details(self, pid: int) -> PersonDetails:
        """One person's details, as intake would store them (checked and normalised)."""
        rng = self.rng
        child = rng.random() < 0.85
        born = (date(2008, 1, 1) + timedelta(days=rng.randrange(6_880)) if child
                else date(1965, 1, 1) + timedelta(days=rng.randrange(13_000)))
        first, last = self.first_name(), self.surname()
        if rng.random() < 0.08:
            last = f"{last}-{self.surname()}"
        school_age = child and born < date(2022, 9, 1)
        raw = PersonDetails(
            first_name=first, last_name=last, kind="child" if child else "adult",
            preferred_name=NICKNAMES.get(first, "") if rng.random() < 0.3 else "",
            date_of_birth=born, sex=rng.choice("MMFFU"),
            disabilities=("NONE",) if rng.random() < 0.7 else (),
            nhs_number=self.nhs_number() if rng.random() < 0.8 else None,
            upn=with_check_letter(f"885{pid:08d}1") if school_age and rng.random() < 0.7
            else None,
            address=self.address() if rng.random() < 0.95 else None)
        return normalised(self.rules, raw, ON)

    def person(self, pid: int) -> Synthetic:
        made = Synthetic(pid, self.details(pid))
        if made.details.address is not None and self.rng.random() < 0.15:
            made.moves.append(replace(self.address(), moved_in=ON - timedelta(
                days=self.rng.randrange(30, 2_000))))
        for _ in range(self.rng.choice((0, 0, 0, 0, 1, 1, 2, 3))):
            made.contacts.append(self.contact(pid))
        return made

    def contact(self, pid: int) -> dict[str, Any]:
        """A contact about the person: most long closed, some still open with a worker."""
        rng, self.contact_id = self.rng, self.contact_id + 1
        open_ = rng.random() < 0.1
        stage = rng.choice(("screening", "information_gathering", "assessment", "cin_plan")) \
            if open_ else rng.choice(("closed", "closed", "passed_to_allocated_worker"))
        return {"id": self.contact_id, "child_id": pid, "stage": stage,
                "received_at": NOW - timedelta(days=rng.uniform(0, 3_000)), "source": "6",
                "version": 3, "event_seq": 3, "rag": rng.choice(("red", "amber", "green")),
                "team": f"team-{pid % 7}", "worker": f"worker{pid % 40}" if open_ else None}

    def stream(self, n: int) -> Iterator[Synthetic]:
        """People 1..n (the same people whatever n is), then the planted ``TARGETS``."""
        for pid in range(1, n + 1):
            yield self.person(pid)
        yield from self.planted(n)

    def planted(self, n: int) -> list[Synthetic]:
        """The people the timed queries look for, recorded last (the newest records, the
        ones a search that stopped early would miss); kept in ``self.targets``."""
        self.targets = {}
        for offset, (key, (first, last, born)) in enumerate(TARGETS.items(), start=1):
            pid = n + offset
            raw = PersonDetails(first_name=first, last_name=last, date_of_birth=born, sex="M",
                                disabilities=("NONE",), nhs_number=self.nhs_number(),
                                upn=with_check_letter(f"885{pid:08d}1"),
                                address=Address("7 Church Street", self.postcodes[offset]))
            made = Synthetic(pid, normalised(self.rules, raw, ON))
            made.contacts = [self.contact(pid), self.contact(pid)]
            self.targets[key] = made
        return list(self.targets.values())


def problems_of(rules: PeopleRules, person: Synthetic) -> dict[str, str]:
    """What intake would refuse about the person (the generator must make none)."""
    return details_problems(rules, person.details, ON)


# -- the rows SqlPeople writes ---------------------------------------------------------

def person_rows(person: Synthetic) -> dict[Table, list[dict[str, Any]]]:
    """Every row ``SqlPeople.add`` and ``SqlPeople.move`` write for this person."""
    d, pid = person.details, person.id
    decided = bool(d.identifier_reason)
    row = {c: getattr(d, c) for c in PERSON_COLUMNS} | {
        "id": pid, "version": 1, "created_at": NOW,
        "identifier_decided_by": BY if decided else None,
        "identifier_decided_at": NOW if decided else None}
    keys = sorted(person_keys(d.first_name, d.last_name, d.preferred_name))
    addresses = ([d.address] if d.address else []) + person.moves
    ends: list[Address | None] = [*addresses[1:], None] if addresses else []
    return {
        PERSON: [row],
        DISABILITY: [{"person_id": pid, "code": c} for c in d.disabilities],
        NAME_KEY: [{"person_id": pid, "key": k} for k in keys],
        ADDRESS: [_address_row(pid, a, after) for a, after in zip(addresses, ends, strict=True)],
        CHANGE: [{"person_id": pid, "field": "address", "old": "",
                  "new": f"{a.line_1}, {a.postcode}", "reason": "", "by": BY, "at": NOW}
                 for a in addresses],
    }


def _address_row(pid: int, address: Address, after: Address | None) -> dict[str, Any]:
    """An address row; the next move ends it on the day the next one starts."""
    moved_out = None if after is None else (after.moved_in or NOW.date())
    return {"person_id": pid, "line_1": address.line_1, "line_2": address.line_2,
            "town": address.town, "postcode": address.postcode, "outward": address.outward,
            "moved_in": address.moved_in, "moved_out": moved_out, "recorded_by": BY,
            "recorded_at": NOW}


def write_through_service(session_factory: Any, people: list[Synthetic]) -> None:
    """The same people through the adapter the service layer uses (for the check)."""
    with SqlUnitOfWork(session_factory) as uow:
        for person in people:
            uow.people.add(person.details, NOW, BY)
            for move in person.moves:
                uow.people.move(person.id, move, BY, NOW)
        uow.commit()


# -- bulk loading ----------------------------------------------------------------------

def bulk_load(engine: Engine, people: People, n: int) -> int:
    """Store people 1..n with indexes dropped, then build the indexes; returns rows."""
    indexes = [index for table in TABLES for index in table.indexes]
    with engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
    batches: dict[Table, list[dict[str, Any]]] = {t: [] for t in TABLES}
    written = 0
    for person in people.stream(n):
        for table, rows in person_rows(person).items():
            batches[table] += rows
        batches[CONTACT] += person.contacts
        if person.id % CHUNK == 0:
            written += _flush(engine, batches)
    written += _flush(engine, batches)
    with engine.begin() as conn:
        for index in indexes:
            index.create(conn)
    _after_load(engine)
    return written


def _flush(engine: Engine, batches: dict[Table, list[dict[str, Any]]]) -> int:
    written = 0
    with engine.begin() as conn:
        for table, rows in batches.items():
            if rows:
                _write(conn, table, _completed(table, rows))
                written += len(rows)
                rows.clear()
    return written


def _completed(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with the Python-side defaults the ORM would have filled in (COPY has none)."""
    missing = {}
    for column in table.columns:
        if column.name not in rows[0] and column.name != "id":
            default: Any = column.default
            missing[column.name] = default.arg if default is not None and default.is_scalar \
                else None
    return [row | missing for row in rows] if missing else rows


def _write(conn: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL (ten times an INSERT's speed), executemany on SQLite. None of the
    tables loaded has a JSON column, so every value goes to COPY as it is."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    values = itemgetter(*columns)
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(values(row))


def _after_load(engine: Engine) -> None:
    """Sequences past the ids given (PostgreSQL); fresh statistics, as autovacuum keeps
    them on a live server. SQLite is left as the application leaves its file: no ANALYZE."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM {table.name}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def fresh_schema(engine: Engine) -> None:
    """Every table, empty (the bench's own database or file)."""
    tables = metadata()
    tables.drop_all(engine)  # type: ignore[attr-defined]
    tables.create_all(engine)  # type: ignore[attr-defined]
