"""The known-child step tells children apart by where they live, and, when the child has
an open case (the contact goes to their allocated worker on receipt: the decision), records
what the referrer was told there, as the same message the contact page records."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import record_contact
from tests.web.conftest import Browser, Contacts, person_actor, text_of
from tests.web.test_mash_meetings import state
from tests.web.test_one_command_path import error_summary
from web.views import LONDON
from workflow.intake.commands import NewContact
from workflow.people.records import Address, PersonDetails
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_people import PersonRow
from workflow.stages import Stage

BORN = date(2015, 3, 4)
WORDS = "Passed to the allocated social worker, who will call you today."


def _form(**extra: str) -> dict[str, str]:
    received = datetime.now(UTC).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    return {"received_at": received, "source": "2A", "channel": "phone",
            "referrer": "School (synthetic)", "concerns": "Synthetic: bruising seen at school",
            "consent": "not_recorded", "child-0-first_name": "Ruby",
            "child-0-last_name": "Sample", "child-0-date_of_birth": BORN.isoformat(),
            **extra}


def _known(contacts: Contacts, postcode: str) -> int:
    """A child already on record: Ruby Sample, born 4 March 2015, living at ``postcode``."""
    now = datetime.now(UTC)
    child = PersonDetails("Ruby", "Sample", date_of_birth=BORN,
                          address=Address("1 Synthetic Street", postcode))
    intake = NewContact(now - timedelta(hours=1), "6", [child], concerns="Synthetic")
    [made] = record_contact(contacts.uow(), contacts.rules, intake, person_actor("worker"), now)
    with contacts.uow() as uow:
        return int(uow.contacts.get(made["id"]).child_id)


def _with_open_case(contacts: Contacts, db: Callable[[], Session]) -> int:
    contact = contacts.at(Stage.ASSESSMENT, "Ruby", "Sample")
    with db() as session:
        row = session.get(ContactRow, contact)
        assert row is not None
        child = session.get(PersonRow, row.child_id)
        assert child is not None
        child.date_of_birth = BORN
        session.commit()
        return child.id


def _body(response: object) -> str:
    return html.unescape(text_of(response))  # type: ignore[arg-type]


def _candidate(body: str, child_id: int) -> str:
    found = re.search(rf'value="{child_id}".*?</div>\s*</div>', body, re.S)
    assert found, f"child {child_id} is not offered"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def test_two_children_of_one_name_and_birthday_are_told_apart_by_postcode(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    here, elsewhere = _known(contacts, "WR1 2AB"), _known(contacts, "B1 1AA")

    offered = signed_in("worker").post("/contacts/new", _form(**{
        "address-line_1": "1 Synthetic Street", "address-postcode": "wr12ab"}))

    body = _body(offered)
    assert offered.status_code == 200 and "Is this a child we already know?" in body
    assert "Postcode given for this contact: WR1 2AB" in " ".join(
        re.sub(r"<[^>]+>", " ", body).split())
    assert "Same postcode" in _candidate(body, here) and "Lives at WR1 2AB" in _candidate(
        body, here)
    assert "Same postcode" not in _candidate(body, elsewhere)
    assert "Lives at B1 1AA" in _candidate(body, elsewhere)


def test_without_a_postcode_the_step_asks_for_one_to_tell_children_apart(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    _known(contacts, "WR1 2AB")

    body = _body(signed_in("worker").post("/contacts/new", _form()))

    assert re.search(r'No postcode given for this contact: <a class="govuk-link" '
                     r'href="#address-postcode">add the household\'s postcode</a>', body)


@pytest.mark.parametrize("typed", ["WR1", "not a postcode", "WR1 2AB1", "12345"])
def test_a_postcode_that_is_not_a_uk_postcode_is_refused_before_the_step(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session], typed: str) -> None:
    _known(contacts, "WR1 2AB")
    before = state(db)

    refused = signed_in("worker").post("/contacts/new", _form(**{
        "address-line_1": "1 Synthetic Street", "address-postcode": typed}))

    assert refused.status_code == 422
    assert error_summary(text_of(refused))["address-postcode"] == (
        "Enter a UK postcode (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA or AA9A 9AA).")
    assert "Is this a child we already know?" not in _body(refused)
    assert state(db) == before


def test_a_new_childs_postcode_is_stored_in_its_standard_form(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    made = signed_in("worker").post("/contacts/new", _form(**{
        "address-line_1": "2 Synthetic Road", "address-postcode": " b11aa "}))

    assert made.status_code == 302
    body = _body(signed_in("worker").get(made.headers["Location"]))
    child = re.search(r'href="/people/(\d+)"', body)
    assert child
    assert "B1 1AA" in _body(signed_in("worker").get(f"/people/{child.group(1)}"))


def test_linking_a_child_with_an_open_case_records_what_the_referrer_was_told(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    child = _with_open_case(contacts, db)
    worker = signed_in("worker")

    offered = _body(worker.post("/contacts/new", _form()))
    assert "Open case" in _candidate(offered, child)
    assert 'id="referrer_feedback-reason"' in offered

    linked = worker.post("/contacts/new", _form(**{
        "child-0-match": str(child), "referrer_feedback-method": "phone",
        "referrer_feedback-reason": WORDS}))

    assert linked.status_code == 302
    new_id = int(linked.headers["Location"].rsplit("/", 1)[1])
    with db() as session:
        triggers = session.scalars(select(EventRow.trigger).where(
            EventRow.contact_id == new_id).order_by(EventRow.seq)).all()
        feedback = session.scalars(select(ClockRow).where(
            ClockRow.contact_id == new_id, ClockRow.rule == "referrer_feedback")).one()
    assert triggers == ["receive", "give_referrer_feedback"]
    assert feedback.result == "met"
    timeline = _body(worker.get(f"/contacts/{new_id}"))
    timeline = timeline[timeline.index(">Timeline</h2>"):]
    assert "Record feedback to the referrer" in timeline and WORDS in timeline
    assert "Phone call" in timeline


def test_without_feedback_the_contact_is_still_passed_on_and_the_clock_keeps_running(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    child = _with_open_case(contacts, db)

    linked = signed_in("worker").post("/contacts/new", _form(**{"child-0-match": str(child)}))

    assert linked.status_code == 302
    new_id = int(linked.headers["Location"].rsplit("/", 1)[1])
    with db() as session:
        clock = session.scalars(select(ClockRow).where(
            ClockRow.contact_id == new_id, ClockRow.rule == "referrer_feedback")).one()
    assert clock.stopped_at is None


@pytest.mark.parametrize(("typed", "field", "message"), [
    ({"referrer_feedback-method": "phone"}, "referrer_feedback-reason",
     "Write what the referrer was told."),
    ({"referrer_feedback-reason": "x" * 5001}, "referrer_feedback-reason",
     "Write no more than 5,000 characters"),
    ({"referrer_feedback-method": "pigeon", "referrer_feedback-reason": WORDS},
     "referrer_feedback-method", "Choose one of: phone, secure_email, email, letter, in_person"),
])
def test_feedback_that_cannot_be_recorded_is_refused_at_its_box_and_nothing_is_stored(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session], typed: dict[str, str], field: str, message: str) -> None:
    child = _with_open_case(contacts, db)
    before = state(db)

    refused = signed_in("worker").post("/contacts/new", _form(
        **{"child-0-match": str(child)}, **typed))

    assert refused.status_code == 422
    assert error_summary(text_of(refused))[field] == message
    assert f'id="{field}"' in _body(refused)
    assert state(db) == before


def test_feedback_holding_a_nul_character_is_refused_naming_its_box(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    child = _with_open_case(contacts, db)
    before = state(db)

    refused = signed_in("worker").post("/contacts/new", _form(**{
        "child-0-match": str(child), "referrer_feedback-reason": "Told\x00"}))

    assert refused.status_code == 422
    body = _body(refused)
    assert "referrer_feedback-reason" in body and "Remove the NUL character" in body
    assert state(db) == before
