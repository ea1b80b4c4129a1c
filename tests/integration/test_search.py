"""Finding a child from one search box, on SQLite and on PostgreSQL.

What a worker on the phone has is a name as the caller said it (misspelt, a nickname, two
letters the wrong way round, half of a double-barrelled surname), perhaps a date of birth
or a range, an NHS number read out in groups, a UPN from a school letter, a postcode or
its first half, or a contact reference. Each must find the child; the best matches come
first; a result says enough to tell two children apart (name, date of birth, postcode,
the open case's stage and its worker) and nothing more; and input no search can use
gets a clear refusal naming the box, never an error page.

Synthetic children; "now" is Wednesday 4 March 2026, 10:00 (GMT).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from reporting.search import Found, read_query, search
from tests.builders import FRONT_DOOR_WORKER, TEAM_MANAGER, OnService, payload, walk_to
from workflow.contact import reference_for
from workflow.errors import InvalidInput
from workflow.intake.commands import NewContact, RecordContact
from workflow.people.commands import MoveAddress
from workflow.people.records import Address, PersonDetails
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.services import handle
from workflow.stages import Stage

UowFactory = Callable[[], SqlUnitOfWork]
CUMBRIA_UPN = "M909123400011"  # check letter worked in tests/unit/test_people_rules.py


@dataclasses.dataclass
class Known:
    """The children on file: person id and latest contact id by first name."""

    people: dict[str, int]
    contacts: dict[str, int]


CHILDREN = {
    "Robin": PersonDetails("Robin", "Smith", date_of_birth=date(2015, 4, 3),
                           nhs_number="999 765 4323", upn=CUMBRIA_UPN,
                           address=Address("1 Synthetic Street", "WR1 2AB")),
    "Robyn": PersonDetails("Robyn", "Smyth", date_of_birth=date(2015, 4, 3),
                           address=Address("9 Example Close", "WR1 4XY")),
    "Alfred": PersonDetails("Alfred", "Jones", date_of_birth=date(2016, 1, 2),
                            address=Address("3 Sample Lane", "WR5 3CD")),
    "Kit": PersonDetails("Kit", "Smith-Jones", date_of_birth=date(2014, 7, 8)),
    "Ash": PersonDetails("Ash", "Sample", date_of_birth=date(2012, 2, 2)),
}


def _record(uow_factory: UowFactory, rules: Rules, now: datetime,
            child: PersonDetails | int) -> OnService:
    [made] = handle(uow_factory(), rules, RecordContact(NewContact(
        now - timedelta(hours=1), "6", [child], referrer="PC Synthetic",
        concerns="Synthetic concern for tests"), FRONT_DOOR_WORKER, now))
    return OnService(uow_factory, rules, made["id"], made["version"], now)


@pytest.fixture
def known(uow_factory: UowFactory, rules: Rules, now: datetime) -> Known:
    """Five children, one contact each: Robin's referred for an assessment and allocated,
    Ash's closed with no further action, the others just received."""
    people, contacts = {}, {}
    for name, details in CHILDREN.items():
        driver = _record(uow_factory, rules, now, details)
        contacts[name] = driver.contact_id
        with uow_factory() as uow:
            people[name] = int(uow.contacts.get(driver.contact_id).child_id or 0)
        if name == "Robin":
            walk_to(driver, Stage.ASSESSMENT)
            driver.fire("allocate", TEAM_MANAGER, payload("allocate", now))
        if name == "Ash":
            walk_to(driver, Stage.CLOSED)
    return Known(people, contacts)


@pytest.fixture
def find(engine: Engine) -> Callable[..., list[Found]]:
    """``find("text", born_from=..., born_to=...)``: the search box as a worker uses it."""

    def run(text: str, born_from: date | None = None,
            born_to: date | None = None) -> list[Found]:
        with Session(engine) as session:
            return search(session, read_query(text, born_from, born_to))

    return run


def names(found: list[Found]) -> list[str]:
    return [f.name for f in found]


# -- names, as callers say them ------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("Smith", ["Robin Smith", "Kit Smith-Jones", "Robyn Smyth"]),   # exact first, then close
    ("Smyth", ["Robyn Smyth", "Robin Smith", "Kit Smith-Jones"]),   # a misspelling finds all
    ("robin smith", ["Robin Smith", "Robyn Smyth"]),
    ("Robyn Smith", ["Robin Smith", "Robyn Smyth"]),               # misspelt first name
    ("Smtih", ["Robin Smith", "Kit Smith-Jones", "Robyn Smyth"]),   # two letters swapped
    ("Alfred Jnoes", ["Alfred Jones"]),
    ("Alfie Jones", ["Alfred Jones"]),                             # a nickname
    ("Alf Jones", ["Alfred Jones"]),
    ("Jones", ["Alfred Jones", "Kit Smith-Jones"]),                 # either half of a
    ("Kit Jones", ["Kit Smith-Jones"]),                            # double-barrelled name
    ("Kit Smith", ["Kit Smith-Jones"]),
    ("Kit Smith-Jones", ["Kit Smith-Jones"]),
])
def test_a_name_finds_the_child_as_callers_say_it(
        known: Known, find: Callable[..., list[Found]], typed: str,
        expected: list[str]) -> None:
    assert names(find(typed)) == expected


def test_exact_matches_come_before_close_ones(known: Known,
                                              find: Callable[..., list[Found]]) -> None:
    found = find("Robin Smith")
    assert [(f.name, f.why) for f in found] == [
        ("Robin Smith", "name"), ("Robyn Smyth", "name (close spelling or nickname)")]


def test_a_date_of_birth_with_the_name_puts_that_child_first(
        known: Known, find: Callable[..., list[Found]]) -> None:
    assert names(find("Smith 08/07/2014")) == ["Kit Smith-Jones"]
    assert names(find("Jones 02/01/2016")) == ["Alfred Jones"]


# -- dates of birth -------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["03/04/2015", "3/4/2015", "2015-04-03"])
def test_a_date_of_birth_alone_finds_every_child_born_that_day(
        known: Known, find: Callable[..., list[Found]], typed: str) -> None:
    assert sorted(names(find(typed))) == ["Robin Smith", "Robyn Smyth"]


def test_a_range_of_dates_of_birth_includes_both_ends(
        known: Known, find: Callable[..., list[Found]]) -> None:
    assert names(find("", date(2014, 7, 8), date(2015, 4, 2))) == ["Kit Smith-Jones"]
    assert sorted(names(find("", date(2014, 7, 8), date(2015, 4, 3)))) == [
        "Kit Smith-Jones", "Robin Smith", "Robyn Smyth"]
    assert names(find("Smith", date(2015, 1, 1), date(2015, 12, 31))) == [
        "Robin Smith", "Robyn Smyth"]
    assert names(find("", born_from=date(2016, 1, 2))) == ["Alfred Jones"]
    assert names(find("", born_to=date(2012, 12, 31))) == ["Ash Sample"]


# -- identifiers, postcodes, references -----------------------------------------------------------

@pytest.mark.parametrize("typed", ["999 765 4323", "9997654323", " 999765 4323 "])
def test_an_nhs_number_finds_its_child_however_it_is_spaced(
        known: Known, find: Callable[..., list[Found]], typed: str) -> None:
    assert names(find(typed)) == ["Robin Smith"]


@pytest.mark.parametrize("typed", ["m909123400011", CUMBRIA_UPN])
def test_a_upn_finds_its_child_in_either_case(
        known: Known, find: Callable[..., list[Found]], typed: str) -> None:
    assert names(find(typed)) == ["Robin Smith"]


@pytest.mark.parametrize(("typed", "expected"), [
    ("WR1 2AB", ["Robin Smith"]), ("wr12ab", ["Robin Smith"]), ("wr1  2ab", ["Robin Smith"]),
    ("WR1", ["Robin Smith", "Robyn Smyth"]), ("wr5", ["Alfred Jones"]),
    ("Smith WR1", ["Robin Smith", "Robyn Smyth"]),
])
def test_a_postcode_or_its_first_half_finds_the_children_living_there(
        known: Known, find: Callable[..., list[Found]], typed: str,
        expected: list[str]) -> None:
    assert sorted(names(find(typed))) == expected


def test_a_contact_reference_finds_the_child_it_is_about(
        known: Known, find: Callable[..., list[Found]]) -> None:
    reference = reference_for(known.contacts["Alfred"])
    assert names(find(reference)) == ["Alfred Jones"]
    assert names(find(reference.lower())) == ["Alfred Jones"]


def test_a_query_that_matches_nobody_finds_nobody(
        known: Known, find: Callable[..., list[Found]]) -> None:
    for typed in ("Quenbie", "Zephyrine Quenbie", "01/01/2001", "999 000 0050", "B1 1AA",
                  "P207000016049", "FD9999999"):
        assert find(typed) == [], typed


def test_a_blank_query_finds_nobody(known: Known, find: Callable[..., list[Found]]) -> None:
    assert find("   ") == []


# -- what a result says -------------------------------------------------------------------------

def test_a_result_says_enough_to_tell_children_apart_and_nothing_more(
        known: Known, find: Callable[..., list[Found]]) -> None:
    [robin] = find("999 765 4323")

    assert {f.name for f in dataclasses.fields(robin)} == {
        "person_id", "name", "date_of_birth", "postcode", "stage", "worker",
        "latest_contact", "why"}
    assert (robin.person_id, robin.name, robin.date_of_birth, robin.postcode, robin.stage,
            robin.worker, robin.latest_contact) == (
        known.people["Robin"], "Robin Smith", date(2015, 4, 3), "WR1 2AB", "assessment",
        "social.worker", known.contacts["Robin"])
    shown = " ".join(str(v) for v in dataclasses.asdict(robin).values())
    for kept_back in ("9997654323", CUMBRIA_UPN, "Synthetic Street"):
        assert kept_back not in shown


def test_a_closed_case_shows_no_open_stage(known: Known,
                                           find: Callable[..., list[Found]]) -> None:
    [ash] = find("Ash Sample")
    assert (ash.stage, ash.latest_contact) == (None, known.contacts["Ash"])


def test_a_new_contact_passed_to_the_allocated_worker_still_shows_the_open_case(
        uow_factory: UowFactory, rules: Rules, now: datetime, known: Known,
        find: Callable[..., list[Found]]) -> None:
    """Robin's assessment is open; a second contact about Robin goes straight to its worker.
    The search must still say Robin has an open case, and whose it is."""
    later = now + timedelta(hours=3)
    passed = _record(uow_factory, rules, later, known.people["Robin"])
    with uow_factory() as uow:
        assert uow.contacts.get(passed.contact_id).stage is Stage.PASSED_TO_ALLOCATED_WORKER

    [robin] = find("999 765 4323")

    assert (robin.stage, robin.worker, robin.latest_contact) == (
        "assessment", "social.worker", known.contacts["Robin"])


def test_a_moved_childs_old_postcode_no_longer_finds_them_by_postcode(
        uow_factory: UowFactory, rules: Rules, now: datetime, known: Known,
        find: Callable[..., list[Found]]) -> None:
    handle(uow_factory(), rules, MoveAddress(known.people["Alfred"],
                                             Address("4 New Road", "B1 1AA"),
                                             FRONT_DOOR_WORKER, now))

    assert find("WR5 3CD") == []
    assert [(f.name, f.postcode) for f in find("B1 1AA")] == [("Alfred Jones", "B1 1AA")]


# -- input no search can use ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "born_from", "born_to", "field"), [
    ("Smith", date(2016, 1, 1), date(2015, 1, 1), "born_to"),     # the range the wrong way
    ("Smith " * 40, None, None, "q"),                              # 240 characters
    ("S" * 201, None, None, "q"),
    ("Sm\x00ith", None, None, "q"),                                # a NUL byte
    ("\x00", None, None, "q"),
])
def test_input_no_search_can_use_is_refused_at_its_box(
        known: Known, engine: Engine, text: str, born_from: date | None,
        born_to: date | None, field: str) -> None:
    with pytest.raises(InvalidInput) as refused, Session(engine) as session:
        search(session, read_query(text, born_from, born_to))

    assert set(refused.value.errors) == {field}
    assert refused.value.errors[field]


def test_two_hundred_characters_are_still_a_query(
        known: Known, find: Callable[..., list[Found]]) -> None:
    assert names(find("Alfred Jones".ljust(200))) == ["Alfred Jones"]


def test_a_range_of_one_day_is_the_right_way_round(
        known: Known, find: Callable[..., list[Found]]) -> None:
    assert names(find("", date(2016, 1, 2), date(2016, 1, 2))) == ["Alfred Jones"]
