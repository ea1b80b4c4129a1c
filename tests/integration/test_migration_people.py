"""Migration 0008 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: the children that contacts were about, as the ``child``
table held them, become person records under the same ids, with the census's codes, name
search keys and the family the intakes recorded; the schema is the one the code declares;
downgrade to 0007 and upgrade again gives the same rows.

The rows below are what the earlier code wrote (its ``child`` table: GenderCurrent codes
1/2/0/9 and a yes/no disability; contacts sharing an intake reference were siblings
recorded together), written with ``sa.table`` and no application code. Synthetic
children; every time is January 2026 (GMT).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from reporting.people import family
from reporting.search import read_query, search
from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.types import UTCDateTime

BEFORE = "0007"


def t(day: int, hour: int = 9) -> datetime:
    """An instant in January 2026 (GMT, so London and UTC agree)."""
    return datetime(2026, 1, day, hour, tzinfo=UTC)


def _child(id_: int, first: str, last: str, born: date | None, gender: str,
           disability: bool | None, **more: Any) -> dict[str, Any]:
    return {"id": id_, "first_name": first, "last_name": last, "date_of_birth": born,
            "gender": gender, "ethnicity": more.pop("ethnicity", "NOBT"),
            "nhs_number": more.pop("nhs_number", None), "upn": more.pop("upn", None),
            "disability": disability, "created_at": t(5, 8), **more}


#: The ``child`` table as 0007 left it: ids kept from the intakes that recorded them.
CHILDREN = [
    _child(1, "Bo", "Example", date(2016, 5, 14), "1", False, ethnicity="WBRI",
           nhs_number="9997654323", upn="M909123400011"),
    _child(2, "Cy", "Example", date(2019, 2, 1), "2", None),
    _child(3, "Di", "Example", date(2021, 8, 30), "0", True),
    _child(4, "Ed", "Sample", None, "9", None),
    _child(7, "Fay", "O'Neil-Smyth", date(2013, 11, 3), "2", False, ethnicity="MWBA"),
]
#: Sex as the census writes it since 2024-25, from GenderCurrent: 1 male, 2 female, else U.
SEX = {1: "M", 2: "F", 3: "U", 4: "U", 7: "F"}


def _contact(id_: int, child_id: int, intake: str | None, received: datetime,
             stage: str = "received") -> dict[str, Any]:
    return {"id": id_, "child_id": child_id, "intake": intake, "received_at": received,
            "source": "6", "channel": "phone", "referrer": "PC Synthetic",
            "concerns": "Synthetic", "consent": "not_recorded", "stage": stage,
            "version": 1, "event_seq": 1, "referral_nfa": False}


#: Bo, Cy and Di recorded together (intake FD0000001); Ed alone, then with Fay
#: (intake FD0000006); Bo again, alone, a week later.
CONTACTS = [
    _contact(1, 1, "FD0000001", t(5)), _contact(2, 2, "FD0000001", t(5)),
    _contact(3, 3, "FD0000001", t(5)), _contact(4, 4, None, t(6), "closed"),
    _contact(6, 7, "FD0000006", t(8)), _contact(7, 4, "FD0000006", t(8)),
    _contact(9, 1, None, t(12)),
]
SIBLINGS = {1: {2, 3}, 2: {1, 3}, 3: {1, 2}, 4: {7}, 7: {4}}


def _type(value: Any) -> Any:
    if isinstance(value, datetime):
        return UTCDateTime()
    if isinstance(value, date):
        return sa.Date()
    if isinstance(value, bool):
        return sa.Boolean()
    return None


def _insert(conn: sa.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows into a table of the old schema, each value typed as the old columns were."""
    for row in rows:
        columns = [sa.column(name, _type(value)) for name, value in row.items()]
        conn.execute(sa.table(table, *columns).insert().values(**row))


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


@pytest.fixture
def legacy(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database at 0007 holding the earlier code's children and their contacts."""
    command.upgrade(_alembic(empty_database_url), BEFORE)
    engine = make_engine(empty_database_url)
    with engine.begin() as conn:
        _insert(conn, "child", CHILDREN)
        _insert(conn, "contact", CONTACTS)
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def _table(engine: Engine, name: str, order: tuple[str, ...]) -> list[dict[str, Any]]:
    """A table's rows as dicts, typed as the code declares them (the old ``child`` table
    as it stands), ids left out where a round trip may renumber them."""
    declared = metadata().tables  # type: ignore[attr-defined]
    table = declared[name] if name in declared else sa.Table(name, sa.MetaData(),
                                                              autoload_with=engine)
    keep_id = name in ("person", "contact", "child")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(*[table.c[c] for c in order])).all()
    return [{k: v for k, v in r._mapping.items() if keep_id or k != "id"} for r in rows]


def _people_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    return {"person": _table(engine, "person", ("id",)),
            "person_disability": _table(engine, "person_disability", ("person_id", "code")),
            "person_name_key": _table(engine, "person_name_key", ("person_id", "key")),
            "relationship": _table(engine, "relationship", ("person_id", "relative_id")),
            "contact": [{"id": c["id"], "child_id": c["child_id"]}
                        for c in _table(engine, "contact", ("id",))]}


# -- every child becomes a person -------------------------------------------------------------

def test_each_child_is_a_person_with_the_same_id_and_the_censuss_codes(
        legacy: tuple[str, Engine]) -> None:
    url, engine = legacy

    command.upgrade(_alembic(url), "heads")

    people = {p["id"]: p for p in _table(engine, "person", ("id",))}
    assert sorted(people) == [1, 2, 3, 4, 7]
    for old in CHILDREN:
        new = people[old["id"]]
        kept = ("first_name", "last_name", "date_of_birth", "ethnicity", "nhs_number", "upn",
                "created_at")
        assert {k: new[k] for k in kept} == {k: old[k] for k in kept}
        assert (new["sex"], new["kind"], new["version"], new["identifier_status"]) == (
            SEX[old["id"]], "child", 1, "included")
    codes = {(r["person_id"], r["code"]) for r in _table(
        engine, "person_disability", ("person_id", "code"))}
    assert codes == {(1, "NONE"), (7, "NONE")}  # "no" is NONE; "yes" had no code to carry


def test_contacts_still_point_at_their_children(legacy: tuple[str, Engine]) -> None:
    url, engine = legacy

    command.upgrade(_alembic(url), "heads")

    assert {c["id"]: c["child_id"] for c in _table(engine, "contact", ("id",))} == {
        c["id"]: c["child_id"] for c in CONTACTS}


@pytest.mark.parametrize(("typed", "found"), [
    ("Bo Example", [1]), ("Example", [1, 2, 3]), ("Cy Exampel", [2]),
    ("Smyth", [7]), ("O'Neil", [7]), ("Fay Oneil-Smith", [7]), ("Ed Sample", [4]),
    ("999 765 4323", [1]), ("m909123400011", [1]), ("FD0000007", [4]),
])
def test_search_finds_the_migrated_children(legacy: tuple[str, Engine], typed: str,
                                            found: list[int]) -> None:
    url, engine = legacy

    command.upgrade(_alembic(url), "heads")

    with Session(engine) as session:
        assert sorted(f.person_id for f in search(session, read_query(typed))) == found


def test_children_recorded_together_become_each_others_siblings(
        legacy: tuple[str, Engine]) -> None:
    url, engine = legacy

    command.upgrade(_alembic(url), "heads")

    with Session(engine) as session:
        families = {person: family(session, person) for person in SIBLINGS}
    assert {p: {r.person_id for r in rows} for p, rows in families.items()} == SIBLINGS
    assert {r.label for rows in families.values() for r in rows} == {"Sibling"}
    relationships = _table(engine, "relationship", ("person_id", "relative_id"))
    assert len(relationships) == sum(len(others) for others in SIBLINGS.values())
    assert {(r["kind"], r["lives_with"], r["parental_responsibility"])
            for r in relationships} == {("sibling", True, False)}


# -- the schema and the round trip --------------------------------------------------------------

def test_the_migrated_schema_is_the_one_the_code_declares(legacy: tuple[str, Engine]) -> None:
    url, engine = legacy

    command.upgrade(_alembic(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_downgrade_to_0007_gives_back_the_child_table_and_upgrading_again_the_same_rows(
        legacy: tuple[str, Engine]) -> None:
    url, engine = legacy
    command.upgrade(_alembic(url), "heads")
    first = _people_rows(engine)

    command.downgrade(_alembic(url), BEFORE)
    tables = set(sa.inspect(engine).get_table_names())
    children = {c["id"]: (c["gender"], c["disability"])
                for c in _table(engine, "child", ("id",))}
    command.upgrade(_alembic(url), "heads")

    assert "child" in tables and "person" not in tables and "relationship" not in tables
    # GenderCurrent back from Sex (U reads as 0, "not recorded"); NONE reads as "no".
    assert children == {1: ("1", False), 2: ("2", None), 3: ("0", None), 4: ("0", None),
                        7: ("2", False)}
    assert _people_rows(engine) == first
