"""The MASH actions fired straight through the engine (no database).

The request actions create and change ``InfoRequest`` records themselves; the open-request
count is ``len(contact.open_requests)``. A request fired here has no id until it is saved,
so ``_saved`` gives it the id a repository would. A meeting's agenda item is read through
a fake of the records port, as the repository would give it. Every refusal leaves the
contact exactly as it was (``snapshot``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.builders import (
    FRONT_DOOR_WORKER,
    HEALTH_PARTNER,
    MASH_CHAIR,
    PARTNER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    contact_at,
    payload,
    snapshot,
)
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import (
    FrontDoorError,
    GuardFailed,
    InvalidInput,
    InvalidTransition,
    NotFound,
    NotPermitted,
)
from workflow.intake.known_child import check_known_child
from workflow.mash.config import MashSettings
from workflow.mash.records import AgendaItem, InfoRequest, RequestStatus
from workflow.ports import OpenCase, PastContact
from workflow.roles import Actor
from workflow.stages import Stage

REQUEST_ID = 7
QUESTION = {"agency": "police", "question": "Any call-outs to the address?",
            "lawful_basis": "public_task", "authorised_by": "Team manager"}
SHARED = {"request_id": REQUEST_ID, "sharing": "shared", "lawful_basis": "public_task"}


def _ask(**overrides: Any) -> dict[str, Any]:
    return QUESTION | overrides


def _fire(engine: Engine, contact: Contact, trigger: str, who: Actor,
          data: dict[str, Any], now: datetime) -> None:
    engine.fire(contact, trigger, who, data, now)


def _refused(engine: Engine, contact: Contact, trigger: str, who: Actor,
             data: dict[str, Any], now: datetime,
             error: type[FrontDoorError] = GuardFailed) -> FrontDoorError:
    before = snapshot(contact)
    with pytest.raises(error) as caught:
        _fire(engine, contact, trigger, who, data, now)
    assert snapshot(contact) == before
    return caught.value


def _saved(contact: Contact, request_id: int = REQUEST_ID) -> InfoRequest:
    """What saving does to a new request: it gets its id and stays the current copy."""
    [(key, new)] = [(k, r) for k, r in contact.changed_records.items()
                    if isinstance(r, InfoRequest) and r.id is None]
    stored = replace(new, id=request_id)
    contact.stored(key, stored)
    contact.clear_changes()
    return stored


@pytest.fixture
def gathering(workflow_engine: Engine, now: datetime) -> Contact:
    return contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)


@pytest.fixture
def asked(workflow_engine: Engine, gathering: Contact, now: datetime) -> Contact:
    """A contact in information gathering with one open request to the police, saved."""
    _fire(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER, _ask(), now)
    _saved(gathering)
    return gathering


# -- asking -----------------------------------------------------------------------------
def test_a_request_is_recorded_in_stage_and_counts_as_open(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _fire(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER, _ask(), now)

    assert gathering.stage is Stage.INFORMATION_GATHERING
    [request] = gathering.open_requests
    assert (request.agency, request.question, request.lawful_basis, request.authorised_by) == (
        "police", "Any call-outs to the address?", "public_task", "Team manager")
    assert (request.requested_by, request.requested_at, request.status) == (
        FRONT_DOOR_WORKER.username, now, RequestStatus.OPEN)
    # Amber: 6 working hours inside 09:00-17:00, from Wed 4 Mar 2026 10:00 (GMT).
    assert (request.rag, request.requested_month) == ("amber", "2026-03")
    assert request.due_at == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
    event = gathering.new_events[-1]
    assert (event.trigger, event.payload) == ("request_information", QUESTION)


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"agency": "secret_service"}, "agency", "choose an agency from the list"),
    ({"agency": ""}, "agency", "choose an agency from the list"),
    ({"question": "   "}, "question", "write the question"),
    ({"lawful_basis": None}, "lawful_basis", "lawful basis or consent position"),
    ({"lawful_basis": ""}, "lawful_basis", "lawful basis or consent position"),
    ({"authorised_by": ""}, "authorised_by", "who authorised the request"),
])
def test_a_request_missing_what_the_law_asks_for_is_refused_at_its_field(
        workflow_engine: Engine, gathering: Contact, now: datetime,
        change: dict[str, Any], field: str, words: str) -> None:
    refusal = _refused(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER,
                       _ask(**change), now)

    assert isinstance(refusal, GuardFailed)
    assert refusal.field == field and words in refusal.message.lower()


def test_a_lawful_basis_that_is_not_on_the_list_is_refused_at_its_field(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    refusal = _refused(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER,
                       _ask(lawful_basis="because"), now)

    assert isinstance(refusal, GuardFailed) and refusal.field == "lawful_basis"
    assert refusal.message.startswith("Choose a lawful basis from the list (s47_enquiry, ")
    assert "public_task" in refusal.message and "s16la" not in refusal.message


@pytest.mark.parametrize("extra", [{"request_id": 7}, {"_open_requests": 1},
                                   {"_agencies": ["police"]}],
                         ids=["request_id", "_open_requests", "_agencies"])
def test_a_request_cannot_be_told_its_id_the_open_count_or_the_agencies(
        workflow_engine: Engine, gathering: Contact, now: datetime,
        extra: dict[str, Any]) -> None:
    """The action makes the request record itself and reads the agencies from config."""
    refusal = _refused(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER,
                       _ask(**extra), now, InvalidInput)

    assert isinstance(refusal, InvalidInput)
    assert refusal.errors == {
        next(iter(extra)): "Remove this field: it is not one this action takes"}


def test_an_unknown_agency_is_named_with_the_ones_that_exist(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    refusal = _refused(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER,
                       _ask(agency="mi5"), now)

    assert "police, health, education" in refusal.message


def test_requests_can_only_be_made_in_information_gathering(
        workflow_engine: Engine, now: datetime) -> None:
    screening = contact_at(workflow_engine, Stage.SCREENING, now)

    _refused(workflow_engine, screening, "request_information", FRONT_DOOR_WORKER, _ask(), now,
             InvalidTransition)


@pytest.mark.parametrize("who", [PARTNER, SOCIAL_WORKER], ids=["partner", "social_worker"])
def test_only_the_front_door_asks_agencies(workflow_engine: Engine, gathering: Contact,
                                          now: datetime, who: Actor) -> None:
    _refused(workflow_engine, gathering, "request_information", who, _ask(), now, NotPermitted)


# -- answering --------------------------------------------------------------------------
def test_only_a_partner_may_answer_and_the_count_follows(
        workflow_engine: Engine, asked: Contact, now: datetime) -> None:
    answer = SHARED | {"answer": "Two call-outs in May."}

    _refused(workflow_engine, asked, "answer_request", FRONT_DOOR_WORKER, answer, now,
             NotPermitted)
    _fire(workflow_engine, asked, "answer_request", PARTNER, answer, now)

    answered = asked.request(REQUEST_ID)
    assert len(asked.open_requests) == 0
    assert answered is not None and answered.status is RequestStatus.ANSWERED
    assert (answered.answer, answered.answered_by, answered.answered_at) == (
        "Two call-outs in May.", PARTNER.username, now)
    assert asked.new_events[-1].actor == PARTNER.username


def test_a_partner_cannot_answer_a_request_addressed_to_another_agency(
        workflow_engine: Engine, asked: Contact, now: datetime) -> None:
    refusal = _refused(workflow_engine, asked, "answer_request", HEALTH_PARTNER,
                       SHARED | {"answer": "Seen at the GP."}, now,
                       NotPermitted)

    assert "addressed to Police" in refusal.message
    assert len(asked.open_requests) == 1


def test_an_empty_answer_is_refused(workflow_engine: Engine, asked: Contact,
                                    now: datetime) -> None:
    refusal = _refused(workflow_engine, asked, "answer_request", PARTNER,
                       SHARED | {"answer": " "}, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == "answer"


def test_a_request_that_is_not_on_the_contact_is_not_found(
        workflow_engine: Engine, asked: Contact, now: datetime) -> None:
    _refused(workflow_engine, asked, "answer_request", PARTNER,
             SHARED | {"request_id": 8, "answer": "Nothing known."}, now, NotFound)


def test_an_answered_request_cannot_be_answered_or_withdrawn_again(
        workflow_engine: Engine, asked: Contact, now: datetime) -> None:
    _fire(workflow_engine, asked, "answer_request", PARTNER,
          SHARED | {"answer": "Nothing known."}, now)

    again = _refused(workflow_engine, asked, "answer_request", PARTNER,
                     SHARED | {"answer": "Something after all."}, now,
                     InvalidTransition)
    _refused(workflow_engine, asked, "withdraw_request", FRONT_DOOR_WORKER,
             {"request_id": REQUEST_ID, "reason": "Not needed"}, now, InvalidTransition)

    assert "already answered" in again.message


# -- leaving information gathering -------------------------------------------------------------
def test_open_requests_keep_the_contact_in_information_gathering_every_way_out(
        workflow_engine: Engine, asked: Contact, now: datetime) -> None:
    for trigger in ("complete_information_gathering", "pass_to_allocated_worker"):
        refusal = _refused(workflow_engine, asked, trigger, FRONT_DOOR_WORKER,
                           payload(trigger, now), now)
        assert "outstanding information requests" in refusal.message


def test_a_manager_closes_the_outstanding_requests_with_a_reason_and_the_contact_moves_on(
        workflow_engine: Engine, asked: Contact, now: datetime) -> None:
    closing = {"reason": "Health on strike; decision cannot wait"}

    _refused(workflow_engine, asked, "close_outstanding_requests", FRONT_DOOR_WORKER,
             closing, now, NotPermitted)
    _refused(workflow_engine, asked, "close_outstanding_requests", TEAM_MANAGER,
             closing | {"reason": ""}, now)
    _fire(workflow_engine, asked, "close_outstanding_requests", TEAM_MANAGER, closing, now)
    _fire(workflow_engine, asked, "complete_information_gathering", FRONT_DOOR_WORKER, {},
          now)

    closed = asked.request(REQUEST_ID)
    assert asked.stage is Stage.THRESHOLD_DECISION
    assert closed is not None and closed.status is RequestStatus.WITHDRAWN
    assert (closed.closed_by, closed.closed_reason) == (TEAM_MANAGER.username,
                                                        closing["reason"])


def test_there_is_nothing_to_close_without_outstanding_requests(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    refusal = _refused(workflow_engine, gathering, "close_outstanding_requests", TEAM_MANAGER,
                       {"reason": "tidy up"}, now)

    assert "no outstanding" in refusal.message


def test_withdrawing_needs_a_reason(workflow_engine: Engine, asked: Contact,
                                   now: datetime) -> None:
    refusal = _refused(workflow_engine, asked, "withdraw_request", FRONT_DOOR_WORKER,
                       {"request_id": REQUEST_ID, "reason": ""}, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == "reason"


def test_chasing_counts_each_chase_and_keeps_the_request_open(
        workflow_engine: Engine, asked: Contact, now: datetime) -> None:
    later = now + timedelta(hours=7)

    _fire(workflow_engine, asked, "chase_request", FRONT_DOOR_WORKER,
          {"request_id": REQUEST_ID}, now)
    _fire(workflow_engine, asked, "chase_request", FRONT_DOOR_WORKER,
          {"request_id": REQUEST_ID}, later)

    [chased] = asked.open_requests
    assert (chased.chase_count, chased.last_chased_at) == (2, later)


# -- the meeting's joint decision ------------------------------------------------------------
MEETING_ID = 1


class _Agenda:
    """The records port as a repository would answer it for a contact on one agenda."""

    def __init__(self, item: AgendaItem) -> None:
        self.item = item

    def agenda_item(self, contact_id: int, meeting_id: int) -> AgendaItem | None:
        return self.item if meeting_id == self.item.meeting_id else None

    def open_requests(self, contact_id: int) -> tuple[InfoRequest, ...]:
        return ()

    def request(self, contact_id: int, request_id: int) -> None:
        return None

    def __getattr__(self, name: str) -> Any:  # decision, discussion, booking …: none stored
        return lambda contact_id, *_kind: None


def _on_agenda(contact: Contact, attending: tuple[str, ...] = ("health", "police")) -> None:
    contact.id = 42
    contact.records = _Agenda(AgendaItem(MEETING_ID, date(2026, 3, 4), attending, id=3))


def _discussion(**overrides: Any) -> dict[str, Any]:
    return {"meeting_id": MEETING_ID, "outcome": "early_help",
            "rationale": "Needs are additional", "level": 2,
            "views": {"police": "Nothing known", "health": "Missed appointments"}} | overrides


def test_a_joint_decision_is_recorded_as_the_meetings_recommendation(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _on_agenda(gathering)

    _fire(workflow_engine, gathering, "record_mash_discussion", MASH_CHAIR, _discussion(), now)

    item = gathering.agenda_item(MEETING_ID)
    assert item is not None and (item.outcome, item.level) == ("early_help", 2)
    assert (item.decided_by, item.decided_at) == (MASH_CHAIR.username, now)
    assert item.views == {"health": "Missed appointments", "police": "Nothing known"}
    assert gathering.changed_records[f"agenda:{MEETING_ID}"] == item
    assert gathering.stage is Stage.INFORMATION_GATHERING


@pytest.mark.parametrize(("change", "attending", "field"), [
    ({"meeting_id": 2}, ("health", "police"), "contact_id"),
    ({"rationale": ""}, ("health", "police"), "rationale"),
    ({}, (), "attendees"),
    ({"views": {"police": "Nothing known", "health": ""}}, ("health", "police"), "views"),
    ({"views": {"police": "Nothing known"}}, ("health", "police"), "views"),
])
def test_a_joint_decision_without_its_parts_is_refused(
        workflow_engine: Engine, gathering: Contact, now: datetime,
        change: dict[str, Any], attending: tuple[str, ...], field: str) -> None:
    _on_agenda(gathering, attending)

    refusal = _refused(workflow_engine, gathering, "record_mash_discussion", MASH_CHAIR,
                       _discussion(**change), now)

    assert isinstance(refusal, GuardFailed) and refusal.field == field


def test_a_joint_decision_with_an_outcome_that_does_not_exist_is_refused_at_its_field(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _on_agenda(gathering)

    refusal = _refused(workflow_engine, gathering, "record_mash_discussion", MASH_CHAIR,
                       _discussion(outcome="lock_them_up"), now, InvalidInput)

    assert isinstance(refusal, InvalidInput) and refusal.errors.keys() == {"outcome"}


def test_only_the_chair_records_the_meetings_decision(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _on_agenda(gathering)

    _refused(workflow_engine, gathering, "record_mash_discussion", TEAM_MANAGER, _discussion(),
             now, NotPermitted)


# -- known-child flags at intake (pure: the child's past is given) --------------------------------
RECEIVED = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
CHILD = 1


class _History:
    """The child's past, answered the way the repository answers it."""

    def __init__(self, past: list[PastContact], case: OpenCase | None = None) -> None:
        self.past, self.case = past, case

    def open_case(self, child_id: int) -> OpenCase | None:
        return self.case

    def contacts_since(self, child_id: int, since: datetime, until: datetime
                       ) -> list[PastContact]:
        return [p for p in self.past if since <= p.received_at <= until
                or (p.referral_at is not None and since <= p.referral_at <= until)]

    def candidates(self, child: Any, limit: int) -> list[Any]:
        return []


def _past(contact_id: int, received_days_ago: float, referred_days_ago: float | None = None
          ) -> PastContact:
    referral = None if referred_days_ago is None else RECEIVED - timedelta(
        days=referred_days_ago)
    return PastContact(contact_id, RECEIVED - timedelta(days=received_days_ago), referral)


def _checked(past: list[PastContact], case: OpenCase | None = None, window: int = 7,
             threshold: int = 2) -> Contact:
    contact = Contact(received_at=RECEIVED, source="6", child_id=CHILD)
    check_known_child(_History(past, case), MashSettings(window, threshold), contact)
    return contact


def test_a_referral_eleven_months_ago_makes_this_a_re_referral() -> None:
    contact = _checked([_past(5, 340, 335)])

    assert contact.flags.re_referral_of == 5
    assert contact.flags.open_case_contact_id is None


def test_a_referral_thirteen_months_ago_is_not_a_re_referral() -> None:
    contact = _checked([_past(5, 400, 396)])

    assert (contact.flags.re_referral_of, contact.flags.repeat_contacts) == (None, None)


def test_a_child_with_an_open_case_is_not_flagged_as_a_re_referral() -> None:
    case = OpenCase(5, Stage.ASSESSMENT.value, "assessment-north", "social.worker")

    contact = _checked([_past(5, 30, 29)], case)

    assert contact.flags.re_referral_of is None
    assert contact.flags.open_case_contact_id == 5
    assert (contact.team, contact.worker) == ("assessment-north", "social.worker")


def test_two_contacts_in_a_week_raise_the_repeat_contact_alert() -> None:
    contact = _checked([_past(8, 6.5)])

    assert (contact.flags.repeat_contacts, contact.flags.repeat_window_days) == (2, 7)


def test_a_contact_eight_days_ago_is_outside_the_window() -> None:
    contact = _checked([_past(8, 8)])

    assert contact.flags.repeat_contacts is None


def test_the_window_and_threshold_are_configurable() -> None:
    past = [_past(8, 6), _past(9, 20)]

    assert _checked(past[:1], window=30, threshold=3).flags.repeat_contacts is None
    flags = _checked(past, window=30, threshold=3).flags
    assert (flags.repeat_contacts, flags.repeat_window_days) == (3, 30)
