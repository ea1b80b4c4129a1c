"""The person record through the people commands, on SQLite and on PostgreSQL.

What the record promises the people who keep it (DOMAIN.md §6: an audit of who changed
what): every changed field is a history row saying who, when, what it was, what it became
and why; nothing recorded is overwritten without a reason or by someone who read an older
version; a partner agency changes nothing. An address that changes is kept as history
(ending the day before the new one starts); family is recorded once and read from either
side; a warning for staff follows the child onto every contact; children recorded together
are each other's family; and a contact about a known child reuses their record.

Synthetic people throughout; "now" is Wednesday 4 March 2026, 10:00 (GMT).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from reporting.contact_page import contact_page
from reporting.people import PersonPage, person_page
from tests.builders import ADMINISTRATOR, FRONT_DOOR_WORKER, PARTNER, SOCIAL_WORKER, TEAM_MANAGER
from workflow.errors import InvalidInput, NotPermitted, StaleVersion
from workflow.intake.commands import NewContact, RecordContact
from workflow.people.commands import AddWarning, MoveAddress, RecordRelationship, UpdatePerson
from workflow.people.records import Address, PersonDetails
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_people import PersonChangeRow, PersonRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.roles import Actor
from workflow.rules import Rules
from workflow.services import handle

UowFactory = Callable[[], SqlUnitOfWork]
REASON = "Synthetic reason: the school sent the correct details"
HOME = Address("1 Synthetic Street", "WR1 2AB", town="Worcester")


def record(uow_factory: UowFactory, rules: Rules, now: datetime,
           *children: PersonDetails | int) -> list[dict[str, Any]]:
    """One intake about these children, received an hour before ``now``."""
    intake = NewContact(now - timedelta(hours=1), "6", list(children), referrer="PC Synthetic",
                        concerns="Synthetic concern for tests")
    made: list[dict[str, Any]] = handle(uow_factory(), rules,
                                        RecordContact(intake, FRONT_DOOR_WORKER, now))
    return made


def child_of(engine: Engine, contact_id: int) -> int:
    """The person a contact is about."""
    with Session(engine) as session:
        found = session.scalar(select(ContactRow.child_id).where(ContactRow.id == contact_id))
    assert found is not None
    return int(found)


def one_child(uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine,
              details: PersonDetails | None = None) -> int:
    """A child recorded at the front door; their person id."""
    [made] = record(uow_factory, rules, now, details or PersonDetails(
        "Robin", "Example", date_of_birth=date(2015, 4, 3), address=HOME))
    return child_of(engine, made["id"])


def page(engine: Engine, person_id: int) -> PersonPage:
    with Session(engine) as session:
        found = person_page(session, person_id)
    assert found is not None
    return found


def everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what a refusal must leave exactly as it was."""
    with Session(engine) as session:
        return {t.name: [tuple(r) for r in session.execute(select(t)).all()]
                for t in metadata().sorted_tables}  # type: ignore[attr-defined]


def update(uow_factory: UowFactory, rules: Rules, person_id: int, changes: dict[str, Any],
           who: Actor, now: datetime, read_version: int, reason: str = "") -> dict[str, Any]:
    result: dict[str, Any] = handle(uow_factory(), rules, UpdatePerson(
        person_id, changes, reason, who, now, read_version))
    return result


# -- changing the record: one history row per field ------------------------------------------

def test_each_changed_field_is_one_history_row_saying_who_when_old_new_and_why(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine)
    later = now + timedelta(hours=2)

    result = update(uow_factory, rules, person, {
        "preferred_name": "Robbie", "school": "Synthetic Primary", "nhs_number": "999 765 4323",
        "last_name": "Example"}, SOCIAL_WORKER, later, read_version=1, reason=REASON)

    assert result == {"id": person, "version": 2,
                      "changed": ["preferred_name", "nhs_number", "school"]}
    shown = page(engine, person)
    assert (shown.person.preferred_name, shown.person.school, shown.person.nhs_number,
            shown.person.version) == ("Robbie", "Synthetic Primary", "9997654323", 2)
    edits = {(c.field, c.old, c.new, c.reason, c.by, c.at) for c in shown.changes
             if c.field != "address"}
    assert edits == {
        ("preferred_name", "", "Robbie", REASON, "social.worker", later),
        ("school", "", "Synthetic Primary", REASON, "social.worker", later),
        ("nhs_number", "", "9997654323", REASON, "social.worker", later)}


def test_a_recorded_value_is_changed_only_with_a_reason_and_the_old_value_is_kept(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine)
    before = everything(engine)

    with pytest.raises(InvalidInput) as refused:
        update(uow_factory, rules, person, {"date_of_birth": date(2015, 3, 4)},
               FRONT_DOOR_WORKER, now, read_version=1, reason="  ")

    assert set(refused.value.errors) == {"reason"}
    assert "date of birth" in refused.value.errors["reason"]
    assert everything(engine) == before
    update(uow_factory, rules, person, {"date_of_birth": date(2015, 3, 4)},
           FRONT_DOOR_WORKER, now, read_version=1, reason="Day and month were swapped")
    [change] = [c for c in page(engine, person).changes if c.field == "date_of_birth"]
    assert (change.old, change.new, change.reason) == (
        "2015-04-03", "2015-03-04", "Day and month were swapped")


def test_a_stale_read_version_is_refused_and_writes_nothing(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    """Two workers open version 1; the second to save would overwrite the first unseen."""
    person = one_child(uow_factory, rules, now, engine)
    update(uow_factory, rules, person, {"school": "Synthetic Primary"}, FRONT_DOOR_WORKER, now,
           read_version=1)
    before = everything(engine)

    with pytest.raises(StaleVersion):
        update(uow_factory, rules, person, {"school": "Synthetic Academy"}, SOCIAL_WORKER,
               now, read_version=1, reason=REASON)

    assert everything(engine) == before
    assert page(engine, person).person.school == "Synthetic Primary"


def test_a_bad_value_is_refused_at_its_field_and_writes_nothing(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine)
    before = everything(engine)

    with pytest.raises(InvalidInput) as refused:
        update(uow_factory, rules, person, {"upn": "N909123400011", "school": "Synthetic"},
               FRONT_DOOR_WORKER, now, read_version=1)

    assert refused.value.errors == {"upn": "The check letter should be M"}
    assert everything(engine) == before


@pytest.mark.parametrize("who", [PARTNER, ADMINISTRATOR], ids=["partner", "administrator"])
def test_only_the_front_door_and_casework_change_a_persons_record(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine,
        who: Actor) -> None:
    person = one_child(uow_factory, rules, now, engine)
    before = everything(engine)
    commands = [
        UpdatePerson(person, {"school": "Synthetic"}, "", who, now, 1),
        MoveAddress(person, Address("2 Other Road", "WR5 3CD"), who, now),
        RecordRelationship(person, "mother", who, now,
                           relative=PersonDetails("Jo", "Example", kind="adult")),
        AddWarning(person, "Synthetic warning", who, now)]

    for command in commands:
        with pytest.raises(NotPermitted):
            handle(uow_factory(), rules, command)

    assert everything(engine) == before


def test_who_decided_to_withhold_the_identifier_is_recorded_with_the_reason(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine)
    decided = now + timedelta(hours=1)
    update(uow_factory, rules, person, {"identifier_status": "more_detrimental",
                                        "identifier_reason": "Synthetic: shared with the "
                                                             "other parent's GP"},
           TEAM_MANAGER, decided, read_version=1, reason="Decided at the strategy discussion")
    update(uow_factory, rules, person, {"school": "Synthetic Primary"}, FRONT_DOOR_WORKER,
           decided + timedelta(hours=1), read_version=2)

    shown = page(engine, person).person
    assert (shown.identifier_status, shown.identifier_decided_by,
            shown.identifier_decided_at) == ("more_detrimental", "team.manager", decided)


def test_an_identifier_withheld_at_intake_records_who_recorded_the_child(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine, PersonDetails(
        "Sky", "Example", date_of_birth=date(2016, 1, 2),
        identifier_status="not_known_unreasonable_delay",
        identifier_reason="Synthetic: GP closed, strategy discussion this morning"))

    shown = page(engine, person).person
    assert (shown.identifier_decided_by, shown.identifier_decided_at) == ("fd.worker", now)


# -- addresses ----------------------------------------------------------------------------------

def test_moving_house_keeps_the_old_address_ending_the_day_before(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine)

    handle(uow_factory(), rules, MoveAddress(
        person, Address("2 Other Road", "wr53cd", moved_in=date(2026, 3, 2)),
        FRONT_DOOR_WORKER, now))

    shown = page(engine, person)
    assert [(a.line_1, a.postcode, a.moved_in, a.moved_out) for a in shown.addresses] == [
        ("2 Other Road", "WR5 3CD", date(2026, 3, 2), None),
        ("1 Synthetic Street", "WR1 2AB", None, date(2026, 3, 1))]
    assert shown.person.address is not None and shown.person.address.postcode == "WR5 3CD"


def test_a_move_without_a_date_starts_today_and_the_old_address_ends_yesterday(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine)

    handle(uow_factory(), rules, MoveAddress(person, Address("2 Other Road", "WR5 3CD"),
                                             FRONT_DOOR_WORKER, now))

    assert [(a.moved_in, a.moved_out) for a in page(engine, person).addresses] == [
        (date(2026, 3, 4), None), (None, date(2026, 3, 3))]


def test_an_address_without_a_postcode_shape_is_refused_and_the_home_stays(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine)
    before = everything(engine)

    with pytest.raises(InvalidInput) as refused:
        handle(uow_factory(), rules, MoveAddress(person, Address("2 Other Road", "WR5"),
                                                 FRONT_DOOR_WORKER, now))

    assert set(refused.value.errors) == {"postcode"}
    assert everything(engine) == before


# -- family -----------------------------------------------------------------------------------

def test_a_relationship_recorded_once_shows_from_each_side(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    robin = one_child(uow_factory, rules, now, engine)
    cousin = one_child(uow_factory, rules, now, engine, PersonDetails(
        "Ash", "Sample", date_of_birth=date(2014, 7, 8)))

    handle(uow_factory(), rules, RecordRelationship(robin, "other_relative", SOCIAL_WORKER,
                                                    now, relative_id=cousin))

    assert [(r.person_id, r.label) for r in page(engine, robin).family] == [
        (cousin, "Other relative")]
    assert [(r.person_id, r.label) for r in page(engine, cousin).family] == [
        (robin, "Relative")]


def test_a_new_adult_relative_is_recorded_as_a_person_with_the_relationship(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    robin = one_child(uow_factory, rules, now, engine)

    handle(uow_factory(), rules, RecordRelationship(
        robin, "mother", FRONT_DOOR_WORKER, now, parental_responsibility=True, lives_with=True,
        relative=PersonDetails("Jo", "Example", kind="adult", date_of_birth=date(1990, 6, 1))))

    [mother] = page(engine, robin).family
    assert (mother.name, mother.label, mother.parental_responsibility, mother.lives_with) == (
        "Jo Example", "Mother", True, True)
    her = page(engine, mother.person_id)
    assert (her.person.kind, her.person.upn_unknown) == ("adult", None)
    assert [(r.person_id, r.label) for r in her.family] == [(robin, "Child")]


def test_a_new_relative_with_bad_details_is_refused_at_the_relatives_field(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    robin = one_child(uow_factory, rules, now, engine)
    before = everything(engine)

    with pytest.raises(InvalidInput) as refused:
        handle(uow_factory(), rules, RecordRelationship(
            robin, "father", FRONT_DOOR_WORKER, now,
            relative=PersonDetails("", "Example", kind="adult")))

    assert set(refused.value.errors) == {"relative.first_name"}
    assert everything(engine) == before


def test_children_recorded_together_are_each_others_siblings_on_every_page(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    made = record(uow_factory, rules, now, PersonDetails("Robin", "Example"),
                  PersonDetails("Sam", "Example"), PersonDetails("Kit", "Example"))
    people = [child_of(engine, m["id"]) for m in made]

    for person in people:
        family = page(engine, person).family
        assert sorted((r.person_id, r.label) for r in family) == [
            (other, "Sibling") for other in people if other != person]
    with Session(engine) as session:
        first = contact_page(session, made[0]["id"], now)
    assert first is not None
    assert sorted(first.siblings) == [made[1]["id"], made[2]["id"]]
    assert sorted(r.person_id for r in first.family) == people[1:]


# -- warnings --------------------------------------------------------------------------------

def test_a_warning_shows_on_the_person_page_and_on_every_contact_about_them(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    [first] = record(uow_factory, rules, now, PersonDetails("Robin", "Example"))
    person = child_of(engine, first["id"])
    warned = now + timedelta(minutes=30)

    handle(uow_factory(), rules, AddWarning(person, "  Synthetic: large dog at the address  ",
                                            SOCIAL_WORKER, warned))
    [second] = record(uow_factory, rules, now + timedelta(days=1), person)

    [warning] = page(engine, person).warnings
    assert (warning.text, warning.by, warning.at) == (
        "Synthetic: large dog at the address", "social.worker", warned)
    with Session(engine) as session:
        for contact_id in (first["id"], second["id"]):
            shown = contact_page(session, contact_id, now + timedelta(days=1))
            assert shown is not None
            assert shown.warnings == ["Synthetic: large dog at the address"]


def test_an_empty_warning_is_refused(uow_factory: UowFactory, rules: Rules, now: datetime,
                                     engine: Engine) -> None:
    person = one_child(uow_factory, rules, now, engine)

    with pytest.raises(InvalidInput) as refused:
        handle(uow_factory(), rules, AddWarning(person, "   ", FRONT_DOOR_WORKER, now))

    assert set(refused.value.errors) == {"text"}
    assert page(engine, person).warnings == []


# -- a known child ----------------------------------------------------------------------------

def test_a_contact_about_a_known_child_reuses_their_record(
        uow_factory: UowFactory, rules: Rules, now: datetime, engine: Engine) -> None:
    [first] = record(uow_factory, rules, now, PersonDetails("Robin", "Example"))
    person = child_of(engine, first["id"])
    update(uow_factory, rules, person, {"school": "Synthetic Primary"}, FRONT_DOOR_WORKER, now,
           read_version=1)

    [again] = record(uow_factory, rules, now + timedelta(days=2), person)

    assert child_of(engine, again["id"]) == person
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PersonRow)) == 1
        assert session.scalar(select(func.count()).select_from(PersonChangeRow).where(
            PersonChangeRow.field == "school")) == 1
    shown = page(engine, person)
    assert shown.person.school == "Synthetic Primary"
    assert sorted(c.id for c in shown.contacts) == [first["id"], again["id"]]
