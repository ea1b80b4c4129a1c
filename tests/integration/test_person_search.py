"""Finding a child from the search box, on SQLite and PostgreSQL: each kind of thing a
worker types (a misspelt or double-barrelled name, a nickname, a date of birth or a range,
an NHS number, a UPN, a postcode or its first part, a contact reference) finds the people
it should, best match first, and only those.

The people are recorded through the service layer (intake, address moves), so the search
reads the rows and name keys the application really writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from reporting.search import Found, read_query, search
from tests.builders import FRONT_DOOR_WORKER, OnService, intake, record_contact, walk_to
from workflow.people.records import Address, PersonDetails
from workflow.people.upn import with_check_letter
from workflow.persistence.tables import ContactRow
from workflow.rules import Rules
from workflow.stages import Stage

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
NHS = "9990000026"  # checksum-valid, in the 999 test range
UPN = with_check_letter("885000026001")


@dataclass(frozen=True)
class Recorded:
    """Who was recorded, by name, and the reference of each child's first contact."""

    ids: dict[str, int]
    references: dict[str, str]


def _child(first: str, last: str, born: date, postcode: str, **more: Any) -> PersonDetails:
    return PersonDetails(first_name=first, last_name=last, date_of_birth=born,
                         sex="M", address=Address("1 Synthetic Street", postcode), **more)


CHILDREN = (
    _child("Oliver", "Smith", date(2015, 4, 3), "WR1 2AB", nhs_number=NHS, upn=UPN),
    _child("Olivia", "Smyth", date(2016, 7, 10), "WR1 3CD"),
    _child("Alfred", "Jones", date(2014, 1, 20), "WR5 1AA"),
    _child("Ella", "Smith-Jones", date(2013, 9, 9), "WR2 4EF"),
    _child("Harry", "Brown", date(2015, 4, 3), "B60 1AA"),
    _child("Thomas", "Taylor", date(2010, 2, 2), "WR9 9ZZ"),
)


def _record(uow_factory: Callable[[], Any], rules: Rules, engine: Engine) -> Recorded:
    ids, references = {}, {}
    for details in CHILDREN:
        [made] = record_contact(uow_factory(), rules, intake(RECEIVED, details),
                                FRONT_DOOR_WORKER, NOW)
        with Session(engine) as session:
            ids[details.first_name] = session.get_one(ContactRow, made["id"]).child_id
        references[details.first_name] = made["reference"]
    return Recorded(ids, references)


@pytest.fixture
def recorded(uow_factory: Callable[[], Any], rules: Rules, engine: Engine) -> Recorded:
    """Six children, one contact each; Ella has since moved to B61 2BB."""
    done = _record(uow_factory, rules, engine)
    with uow_factory() as uow:
        uow.people.move(done.ids["Ella"], Address("2 Synthetic Road", "B61 2BB",
                                                  moved_in=date(2026, 3, 1)), "fd.worker", NOW)
        uow.commit()
    return done


def _find(engine: Engine, text: str, born_from: date | None = None,
          born_to: date | None = None) -> list[Found]:
    with Session(engine) as session:
        return search(session, read_query(text, born_from, born_to))


def _names(found: list[Found]) -> list[str]:
    return [f.name for f in found]


def test_a_surname_with_two_letters_transposed_finds_the_child_as_a_close_spelling(
        engine: Engine, recorded: Recorded) -> None:
    found = _find(engine, "Oliver Smtih")
    assert _names(found) == ["Oliver Smith", "Olivia Smyth"]
    assert found[0].why == "name (close spelling or nickname)"


def test_a_nickname_finds_the_child_by_their_legal_first_name(
        engine: Engine, recorded: Recorded) -> None:
    assert _names(_find(engine, "Alfie Jones")) == ["Alfred Jones"]


def test_one_part_of_a_double_barrelled_surname_finds_the_child(
        engine: Engine, recorded: Recorded) -> None:
    assert _names(_find(engine, "Ella Jones")) == ["Ella Smith-Jones"]
    assert _names(_find(engine, "jones")) == ["Alfred Jones", "Ella Smith-Jones"]
    assert [f.why for f in _find(engine, "jones")] == ["name", "name"]


def test_a_single_name_may_be_a_first_name(engine: Engine, recorded: Recorded) -> None:
    [found] = _find(engine, "Thomas")
    assert (found.name, found.why) == ("Thomas Taylor", "first name")


def test_a_name_nobody_has_finds_nobody(engine: Engine, recorded: Recorded) -> None:
    assert _find(engine, "Quentin Zebedee") == []


def test_a_date_of_birth_finds_everyone_born_that_day_ordered_by_surname(
        engine: Engine, recorded: Recorded) -> None:
    found = _find(engine, "03/04/2015")
    assert _names(found) == ["Harry Brown", "Oliver Smith"]
    assert _names(_find(engine, "2015-04-03")) == _names(found)
    assert _find(engine, "04/03/2015") == []  # the swapped date is another day


def test_a_name_with_a_date_of_birth_finds_only_the_child_born_that_day(
        engine: Engine, recorded: Recorded) -> None:
    assert _names(_find(engine, "Smith 03/04/2015")) == ["Oliver Smith"]


def test_a_range_of_dates_of_birth_includes_both_ends(
        engine: Engine, recorded: Recorded) -> None:
    found = _find(engine, "", date(2015, 4, 3), date(2016, 7, 10))
    assert _names(found) == ["Harry Brown", "Oliver Smith", "Olivia Smyth"]
    assert _names(_find(engine, "", born_from=date(2016, 1, 1))) == ["Olivia Smyth"]
    assert _names(_find(engine, "", born_to=date(2010, 12, 31))) == ["Thomas Taylor"]


def test_a_name_with_a_range_finds_only_the_people_of_that_name_born_in_it(
        engine: Engine, recorded: Recorded) -> None:
    found = _find(engine, "Smith", date(2015, 1, 1), date(2015, 12, 31))
    assert _names(found) == ["Oliver Smith"]


def test_an_nhs_number_or_a_upn_finds_its_child_whatever_the_spacing_or_case(
        engine: Engine, recorded: Recorded) -> None:
    [by_nhs] = _find(engine, "999 000 0026")
    [by_upn] = _find(engine, UPN.lower())
    assert by_nhs.person_id == by_upn.person_id == recorded.ids["Oliver"]
    assert by_nhs.why == "identifier, date or postcode"
    assert _find(engine, "9990000034") == []


def test_a_postcode_finds_who_lives_there_now_not_who_moved_away(
        engine: Engine, recorded: Recorded) -> None:
    [found] = _find(engine, "wr12ab")
    assert (found.name, found.postcode) == ("Oliver Smith", "WR1 2AB")
    assert _find(engine, "WR2 4EF") == []
    [moved] = _find(engine, "B61 2BB")
    assert (moved.name, moved.postcode) == ("Ella Smith-Jones", "B61 2BB")


def test_the_first_part_of_a_postcode_finds_everyone_living_in_that_district(
        engine: Engine, recorded: Recorded) -> None:
    assert _names(_find(engine, "WR1")) == ["Oliver Smith", "Olivia Smyth"]
    assert _find(engine, "WR2") == []  # Ella moved out of WR2
    both = _find(engine, "smith wr1")
    assert [(f.name, f.why) for f in both] == [
        ("Oliver Smith", "name"), ("Olivia Smyth", "name (close spelling or nickname)")]
    assert _names(_find(engine, "brown wr1")) == []


def test_a_contact_reference_finds_the_child_it_is_about(
        engine: Engine, recorded: Recorded) -> None:
    [found] = _find(engine, recorded.references["Alfred"])
    assert found.person_id == recorded.ids["Alfred"]
    assert found.latest_reference == recorded.references["Alfred"]
    assert found.stage == "received"
    assert _find(engine, "FD9999999") == []


def test_a_result_shows_the_newest_open_case_with_its_stage(
        engine: Engine, uow_factory: Callable[[], Any], rules: Rules,
        recorded: Recorded) -> None:
    [again] = record_contact(uow_factory(), rules, intake(NOW, recorded.ids["Thomas"]),
                             FRONT_DOOR_WORKER, NOW)
    [found] = _find(engine, "Taylor")
    assert (found.latest_reference, found.stage) == (again["reference"], "received")

    walk_to(OnService(uow_factory, rules, again["id"], again["version"], NOW),
            Stage.PASSED_TO_ALLOCATED_WORKER)
    [found] = _find(engine, "Taylor")  # the new one was passed on: the first is still open
    assert (found.latest_reference, found.stage) == (recorded.references["Thomas"], "received")


def test_an_empty_box_finds_nobody(engine: Engine, recorded: Recorded) -> None:
    assert _find(engine, "   ") == []


SMITHS = (("Zoe", date(2015, 1, 1), "WR3 1AA"), ("Yan", date(2015, 1, 2), "WR3 1AA"),
          ("Xena", date(2015, 1, 1), "WR3 2BB"), ("Will", date(2015, 1, 1), "WR3 1AA"),
          ("Amy", date(2015, 1, 1), "WR3 1AA"))


@pytest.mark.parametrize(("typed", "shown"), [
    ("Smith", ["Amy", "Will", "Xena"]),
    ("WR3 1AA", ["Amy", "Will", "Yan"]),
    ("WR3", ["Amy", "Will", "Xena"]),
    ("01/01/2015", ["Amy", "Will", "Xena"]),
    ("Smith 01/01/2015", ["Amy", "Will", "Xena"]),
    ("Smith WR3", ["Amy", "Will", "Xena"]),
])
def test_when_more_people_match_than_are_ranked_the_newest_records_are_ranked(
        engine: Engine, uow_factory: Callable[[], Any], rules: Rules,
        monkeypatch: pytest.MonkeyPatch, typed: str, shown: list[str]) -> None:
    """Five Smiths, three ranked: the three recorded last that match every part typed,
    whichever index finds them (Zoe, recorded first, is not ranked however her name sorts:
    at a million people the oldest records must not crowd out this week's)."""
    for first, born, postcode in SMITHS:
        record_contact(uow_factory(), rules, intake(RECEIVED, _child(first, "Smith", born,
                                                                     postcode)),
                       FRONT_DOOR_WORKER, NOW)
    monkeypatch.setattr("reporting.search.CANDIDATES", 3)
    assert _names(_find(engine, typed)) == [f"{first} Smith" for first in shown]


def test_a_first_name_and_surname_rank_the_newest_records_holding_both_when_too_many_match(
        engine: Engine, uow_factory: Callable[[], Any], rules: Rules,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The pairs of name keys find the same people as both names' keys together would."""
    for first, last in (("Oliver", "Smith"), ("Olivia", "Smith"), ("Oliver", "Smyth"),
                        ("Ollie", "Smith"), ("Oliver", "Smith"), ("Oliver", "Jones")):
        record_contact(uow_factory(), rules, intake(RECEIVED, _child(
            first, last, date(2015, 1, 1), "WR3 1AA")), FRONT_DOOR_WORKER, NOW)
    monkeypatch.setattr("reporting.search.CANDIDATES", 3)
    found = _find(engine, "Oliver Smith")
    assert [(f.name, f.why) for f in found] == [
        ("Oliver Smith", "name"), ("Ollie Smith", "name (close spelling or nickname)"),
        ("Oliver Smyth", "name (close spelling or nickname)")]  # the newest three
