"""The MASH services on a real database (SQLite and PostgreSQL): requests, partner answers,
known-child checks at intake, and the daily meeting. Every refusal leaves every table as
it was, checked by counting rows and re-reading the rows that matter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.builders import (
    FRONT_DOOR_WORKER,
    MASH_CHAIR,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OnService,
    child,
    intake,
    payload,
    record_contact,
    record_one,
    walk_to,
)
from tests.mash_helpers import (
    Joint,
    RequestForm,
    add_attendee,
    add_to_agenda,
    answer_request,
    chase_request,
    close_outstanding_requests,
    open_meeting,
    record_decision,
    request_information,
    withdraw_request,
)
from workflow.errors import (
    FrontDoorError,
    GuardFailed,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
)
from workflow.intake.commands import NewContact
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ContactRow, EventRow
from workflow.persistence.tables_mash import AgendaItemRow, InfoRequestRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import Rules
from workflow.stages import Stage

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # Wednesday, GMT
POLICE = Actor("police.partner", Role.PARTNER, agency="police")
HEALTH = Actor("health.partner", Role.PARTNER, agency="health")
ASK_POLICE = RequestForm("police", "Any call-outs to the address?", "public_task",
                         "Team manager Synthetic")
ASK_HEALTH = RequestForm("health", "Registered with a GP?", "consent_given", "Team manager")

MashUow = Callable[[], SqlUnitOfWork]


def counts(engine: Engine) -> dict[str, int]:
    """Rows per table: a refusal must not change one of them."""
    with Session(engine) as session:
        return {t.name: int(session.scalar(select(func.count()).select_from(t)) or 0)
                for t in metadata().sorted_tables}  # type: ignore[attr-defined]


def gathering(uow_factory: Callable[[], SqlUnitOfWork], rules: Rules,
              received: datetime = NOW - timedelta(hours=1)) -> OnService:
    """A contact rated amber and sent to MASH information gathering."""
    driver = record_one(uow_factory, rules, received, NOW)
    walk_to(driver, Stage.INFORMATION_GATHERING)
    return driver


def version(mash_uow: MashUow, contact_id: int) -> int:
    with mash_uow() as uow:
        return uow.contacts.get(contact_id).version


def ask(mash_uow: MashUow, rules: Rules, contact_id: int, form: RequestForm = ASK_POLICE,
        at: datetime = NOW) -> int:
    """Send a request and return its id."""
    request_information(mash_uow(), rules, contact_id, form, FRONT_DOOR_WORKER,
                        version(mash_uow, contact_id), at)
    with mash_uow() as uow:
        return max(q.id or 0 for q in uow.contacts.get(contact_id).open_requests)


def open_requests(fetch: Callable[[Any], list[Any]], contact_id: int) -> int:
    """How many of the contact's requests still wait for an answer (what the
    ``no_open_requests`` guard reads)."""
    return len(fetch(select(InfoRequestRow.id).where(InfoRequestRow.contact_id == contact_id,
                                                     InfoRequestRow.status == "open")))


def request_row(fetch: Callable[[Any], list[Any]], request_id: int) -> InfoRequestRow:
    [row] = fetch(select(InfoRequestRow).where(InfoRequestRow.id == request_id))
    return row


def contact_row(fetch: Callable[[Any], list[Any]], contact_id: int) -> ContactRow:
    [row] = fetch(select(ContactRow).where(ContactRow.id == contact_id))
    return row


# -- requests -------------------------------------------------------------------------------
def test_a_request_is_stored_due_by_the_amber_deadline_and_counted_on_the_contact(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        fetch: Callable[[Any], list[Any]]) -> None:
    contact = gathering(uow_factory, rules)

    request_id = ask(mash_uow, rules, contact.contact_id)

    row = request_row(fetch, request_id)
    assert (row.agency, row.status, row.rag, row.requested_month) == ("police", "open",
                                                                      "amber", "2026-03")
    assert row.due_at == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)  # 6 working hours
    assert row.rule_version == "agency_request_amber@2018-07-04"
    assert open_requests(fetch, contact.contact_id) == 1


def test_the_contact_leaves_information_gathering_only_once_every_request_is_answered(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        fetch: Callable[[Any], list[Any]]) -> None:
    contact = gathering(uow_factory, rules)
    police = ask(mash_uow, rules, contact.contact_id)
    health = ask(mash_uow, rules, contact.contact_id, ASK_HEALTH)
    contact.version = version(mash_uow, contact.contact_id)

    answer_request(mash_uow(), rules, police, "Two call-outs.", POLICE, NOW)
    contact.version = version(mash_uow, contact.contact_id)
    with pytest.raises(GuardFailed, match="outstanding information requests"):
        contact.fire("complete_information_gathering", FRONT_DOOR_WORKER, {})
    answer_request(mash_uow(), rules, health, "Registered.", HEALTH, NOW + timedelta(hours=7))
    contact.version = version(mash_uow, contact.contact_id)

    assert contact.fire("complete_information_gathering", FRONT_DOOR_WORKER, {}) == \
        Stage.THRESHOLD_DECISION
    late = request_row(fetch, health)
    assert (late.status, late.answered_by, late.answered_at > late.due_at) == (
        "answered", "health.partner", True)


def test_an_answer_from_another_agency_is_refused_and_nothing_changes(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        engine: Engine, fetch: Callable[[Any], list[Any]]) -> None:
    contact = gathering(uow_factory, rules)
    health = ask(mash_uow, rules, contact.contact_id, ASK_HEALTH)
    before = counts(engine), version(mash_uow, contact.contact_id)

    with pytest.raises(NotPermitted) as refusal:
        answer_request(mash_uow(), rules, health, "Not ours to say", POLICE, NOW)

    assert "addressed to Health services" in refusal.value.message
    assert "your account is for Police" in refusal.value.message
    assert (counts(engine), version(mash_uow, contact.contact_id)) == before
    assert request_row(fetch, health).status == "open"


def test_a_request_to_an_unknown_agency_is_refused_and_nothing_is_stored(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    before = counts(engine)
    form = RequestForm("secret_service", "Anything?", "public_task", "Manager")

    with pytest.raises(GuardFailed, match="Choose an agency from the list"):
        request_information(mash_uow(), rules, contact.contact_id, form,
                            FRONT_DOOR_WORKER, version(mash_uow, contact.contact_id), NOW)

    assert counts(engine) == before


def test_an_answered_request_cannot_be_answered_again(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    police = ask(mash_uow, rules, contact.contact_id)
    answer_request(mash_uow(), rules, police, "First answer", POLICE, NOW)
    before = counts(engine)

    with pytest.raises(InvalidTransition, match="already answered"):
        answer_request(mash_uow(), rules, police, "Second", POLICE, NOW)

    assert counts(engine) == before


def test_chasing_and_withdrawing_are_logged_on_the_contact(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        fetch: Callable[[Any], list[Any]]) -> None:
    contact = gathering(uow_factory, rules)
    police = ask(mash_uow, rules, contact.contact_id)
    later = NOW + timedelta(hours=8)

    chase_request(mash_uow(), rules, contact.contact_id, police, FRONT_DOOR_WORKER,
                  version(mash_uow, contact.contact_id), later)
    withdraw_request(mash_uow(), rules, contact.contact_id, police,
                     "Police already attended the strategy call", FRONT_DOOR_WORKER,
                     version(mash_uow, contact.contact_id), later)

    row = request_row(fetch, police)
    assert (row.chase_count, row.last_chased_at, row.status, row.closed_by) == (
        1, later, "withdrawn", "fd.worker")
    assert row.closed_reason == "Police already attended the strategy call"
    triggers = [e.trigger for e in fetch(select(EventRow).where(
        EventRow.contact_id == contact.contact_id).order_by(EventRow.seq))]
    assert triggers[-3:] == ["request_information", "chase_request", "withdraw_request"]
    assert open_requests(fetch, contact.contact_id) == 0


def test_a_manager_closes_the_outstanding_requests_and_a_worker_may_not(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        engine: Engine, fetch: Callable[[Any], list[Any]]) -> None:
    contact = gathering(uow_factory, rules)
    requests = [ask(mash_uow, rules, contact.contact_id, form)
                for form in (ASK_POLICE, ASK_HEALTH)]
    before = counts(engine)

    with pytest.raises(NotPermitted):
        close_outstanding_requests(mash_uow(), rules, contact.contact_id, "No time",
                                   FRONT_DOOR_WORKER, version(mash_uow, contact.contact_id),
                                   NOW)
    assert counts(engine) == before
    close_outstanding_requests(mash_uow(), rules, contact.contact_id, "Decision cannot wait",
                               TEAM_MANAGER, version(mash_uow, contact.contact_id), NOW)

    assert {request_row(fetch, r).status for r in requests} == {"withdrawn"}
    assert {request_row(fetch, r).closed_reason for r in requests} == {"Decision cannot wait"}
    assert open_requests(fetch, contact.contact_id) == 0


def test_a_stale_page_cannot_send_a_request(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    old = version(mash_uow, contact.contact_id)
    ask(mash_uow, rules, contact.contact_id)
    before = counts(engine)

    with pytest.raises(FrontDoorError, match="Someone else changed"):
        request_information(mash_uow(), rules, contact.contact_id, ASK_HEALTH,
                            FRONT_DOOR_WORKER, old, NOW)

    assert counts(engine) == before


# -- known-child checks at intake ---------------------------------------------------------------
def _child_of(mash_uow: MashUow, contact_id: int) -> int:
    with mash_uow() as uow:
        child_id = uow.contacts.get(contact_id).child_id
    assert child_id is not None
    return child_id


def _again(mash_uow: MashUow, rules: Rules, child_id: int, received: datetime,
           now: datetime = NOW) -> dict[str, Any]:
    new = NewContact(received, "2A", [child_id], concerns="Synthetic: school worried")
    [made] = record_contact(mash_uow(), rules, new, FRONT_DOOR_WORKER, now)
    return made


def test_a_child_with_an_open_case_goes_to_the_allocated_worker_and_no_referral_is_made(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        fetch: Callable[[Any], list[Any]]) -> None:
    earlier = record_one(uow_factory, rules, NOW - timedelta(days=20), NOW - timedelta(days=20))
    walk_to(earlier, Stage.ASSESSMENT)
    earlier.fire("allocate", TEAM_MANAGER, payload("allocate", NOW))

    made = _again(mash_uow, rules, _child_of(mash_uow, earlier.contact_id),
                  NOW - timedelta(minutes=10))

    row = contact_row(fetch, made["id"])
    assert row.stage == Stage.PASSED_TO_ALLOCATED_WORKER
    assert (row.team, row.worker) == ("assessment-north", "social.worker")
    assert row.referral_at is None
    assert row.open_case_reference == f"FD{earlier.contact_id:07d}"
    assert row.open_case_contact_id == earlier.contact_id
    # One receipt, already the decision: no second referral is opened.
    [event] = fetch(select(EventRow).where(EventRow.contact_id == made["id"]))
    assert (event.trigger, event.from_stage, event.to_stage) == (
        "receive", None, "passed_to_allocated_worker")
    assert (row.version, row.event_seq) == (1, 1)


def test_a_referral_within_twelve_months_flags_a_re_referral(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        fetch: Callable[[Any], list[Any]]) -> None:
    before = NOW - timedelta(days=200)
    earlier = record_one(uow_factory, rules, before, before)
    walk_to(earlier, Stage.ASSESSMENT)
    earlier.fire("record_visit", SOCIAL_WORKER, payload("record_visit", before, "seen"))
    earlier.fire("submit_assessment", SOCIAL_WORKER, payload("submit_assessment", before))
    earlier.fire("complete_assessment", TEAM_MANAGER,
                 payload("complete_assessment", before, "no_further_action"))

    made = _again(mash_uow, rules, _child_of(mash_uow, earlier.contact_id), NOW)

    row = contact_row(fetch, made["id"])
    assert row.re_referral_of == earlier.contact_id
    assert made["stage"] == Stage.RECEIVED
    assert row.repeat_contacts is None  # one contact in the week: no repeat alert


def test_a_second_contact_within_a_week_raises_the_repeat_alert(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        fetch: Callable[[Any], list[Any]]) -> None:
    first = record_one(uow_factory, rules, NOW - timedelta(days=3), NOW - timedelta(days=3))

    made = _again(mash_uow, rules, _child_of(mash_uow, first.contact_id), NOW)

    row = contact_row(fetch, made["id"])
    assert (row.repeat_contacts, row.repeat_window_days) == (2, 7)
    assert row.re_referral_of is None  # the first contact was never a referral


def test_the_repository_finds_a_misspelt_child_with_a_swapped_birthday(
        mash_uow: MashUow, rules: Rules) -> None:
    from workflow.intake.matching import match
    from workflow.people.records import PersonDetails

    known = child("Jayden", "Mockford")
    known = PersonDetails(known.first_name, known.last_name, date_of_birth=date(2015, 4, 3))
    record_contact(mash_uow(), rules, intake(NOW, known), FRONT_DOOR_WORKER, NOW)
    query = PersonDetails("Jaydon", "Mokford", date_of_birth=date(2015, 3, 4))

    with mash_uow() as uow:
        found = match(query, uow.history.candidates(query, 200))

    assert [(c.child.first_name, c.child.last_name) for c in found] == [("Jayden", "Mockford")]


# -- the daily meeting ---------------------------------------------------------------------------
def _meeting(mash_uow: MashUow, rules: Rules) -> int:
    meeting_id = open_meeting(mash_uow(), rules, NOW.date(), MASH_CHAIR, NOW)
    for agency, name in (("police", "DS Sample"), ("health", "Nurse Example")):
        add_attendee(mash_uow(), rules, meeting_id, agency, name, MASH_CHAIR, NOW)
    return meeting_id


JOINT = Joint("referral_to_social_care", "Police and health both hold concerns",
              {"police": "Two call-outs", "health": "Missed appointments"}, 4)


def agenda_item(fetch: Callable[[Any], list[Any]], meeting_id: int,
                contact_id: int) -> AgendaItemRow:
    [row] = fetch(select(AgendaItemRow).where(AgendaItemRow.meeting_id == meeting_id,
                                              AgendaItemRow.contact_id == contact_id))
    return row


def test_a_joint_decision_for_a_contact_on_the_agenda_is_recorded_on_both(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        fetch: Callable[[Any], list[Any]]) -> None:
    contact = gathering(uow_factory, rules)
    meeting_id = _meeting(mash_uow, rules)
    add_to_agenda(mash_uow(), rules, meeting_id, contact.contact_id, MASH_CHAIR, NOW)

    record_decision(mash_uow(), rules, meeting_id, contact.contact_id, JOINT, MASH_CHAIR, NOW)

    item = agenda_item(fetch, meeting_id, contact.contact_id)
    assert (item.outcome, item.level, item.decided_by, item.decided_at) == (
        "referral_to_social_care", 4, "mash.chair", NOW)
    assert item.views == {"health": "Missed appointments", "police": "Two call-outs"}
    [event] = fetch(select(EventRow).where(EventRow.contact_id == contact.contact_id,
                                           EventRow.trigger == "record_mash_discussion"))
    assert event.payload["views"] == {"health": "Missed appointments", "police": "Two call-outs"}


def test_a_decision_for_a_contact_not_on_the_agenda_is_refused_and_nothing_changes(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    meeting_id = _meeting(mash_uow, rules)
    before = counts(engine), version(mash_uow, contact.contact_id)

    with pytest.raises(GuardFailed, match="is not on that meeting's agenda"):
        record_decision(mash_uow(), rules, meeting_id, contact.contact_id, JOINT, MASH_CHAIR,
                        NOW)

    assert (counts(engine), version(mash_uow, contact.contact_id)) == before


def test_every_attending_agency_must_give_its_view(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    meeting_id = _meeting(mash_uow, rules)
    add_to_agenda(mash_uow(), rules, meeting_id, contact.contact_id, MASH_CHAIR, NOW)
    before = counts(engine)
    silent_health = Joint("early_help", "Because", {"police": "Nothing known"})

    with pytest.raises(GuardFailed, match="every agency that attended: Health services"):
        record_decision(mash_uow(), rules, meeting_id, contact.contact_id, silent_health,
                        MASH_CHAIR, NOW)

    assert counts(engine) == before


def test_one_meeting_per_date_and_only_contacts_that_can_be_discussed(
        uow_factory: Callable[[], SqlUnitOfWork], mash_uow: MashUow, rules: Rules,
        engine: Engine) -> None:
    meeting_id = _meeting(mash_uow, rules)
    screening = record_one(uow_factory, rules, NOW - timedelta(hours=1), NOW)
    walk_to(screening, Stage.SCREENING)
    before = counts(engine)

    with pytest.raises(InvalidInput, match="already open"):
        open_meeting(mash_uow(), rules, NOW.date(), MASH_CHAIR, NOW)
    with pytest.raises(InvalidInput, match="only contacts in information gathering"):
        add_to_agenda(mash_uow(), rules, meeting_id, screening.contact_id, MASH_CHAIR, NOW)
    with pytest.raises(NotPermitted):
        open_meeting(mash_uow(), rules, NOW.date() - timedelta(days=1), FRONT_DOOR_WORKER, NOW)

    assert counts(engine) == before


def test_a_meeting_can_be_booked_up_to_a_week_ahead_and_no_further(
        mash_uow: MashUow, rules: Rules, engine: Engine) -> None:
    week_ahead = open_meeting(mash_uow(), rules, date(2026, 3, 11), MASH_CHAIR, NOW)
    before = counts(engine)

    with pytest.raises(InvalidInput, match="booked up to 7 days ahead"):
        open_meeting(mash_uow(), rules, date(2026, 3, 12), MASH_CHAIR, NOW)

    assert counts(engine) == before
    with mash_uow() as uow:
        assert uow.meetings.get(week_ahead).held_on == date(2026, 3, 11)
