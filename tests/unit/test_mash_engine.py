"""The MASH rows of the transition table, fired straight through the engine (no database).

The request service supplies ``request_id``, the configured ``_agencies`` and the
``_open_requests`` count; here they are given by hand so each guard is seen alone. Every
refusal leaves the contact exactly as it was (``snapshot``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from workflow.mash.ports import PastContact

from tests.builders import (
    FRONT_DOOR_WORKER,
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
from workflow.errors import FrontDoorError, GuardFailed, InvalidTransition, NotPermitted
from workflow.intake.known_child import KnownChildCheck
from workflow.mash.config import MashSettings
from workflow.roles import Actor
from workflow.rules import Rules
from workflow.stages import Stage

AGENCIES = ("police", "health", "education")


def _ask(**overrides: Any) -> dict[str, Any]:
    return {"agency": "police", "question": "Any call-outs to the address?",
            "lawful_basis": "public_task", "authorised_by": "Team manager",
            "request_id": 7, "_agencies": AGENCIES, "_open_requests": 1} | overrides


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


@pytest.fixture
def gathering(workflow_engine: Engine, now: datetime) -> Contact:
    return contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)


# -- asking -----------------------------------------------------------------------------
def test_a_request_is_recorded_in_stage_and_counts_as_open(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _fire(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER, _ask(), now)

    assert gathering.stage is Stage.INFORMATION_GATHERING
    assert gathering.facts["open_requests"] == 1
    event = gathering.new_events[-1]
    assert (event.trigger, event.payload["agency"]) == ("request_information", "police")
    assert "_agencies" not in event.payload and "_open_requests" not in event.payload


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"agency": "secret_service"}, "agency", "choose an agency from the list"),
    ({"agency": ""}, "agency", "choose an agency from the list"),
    ({"question": "   "}, "question", "write the question"),
    ({"lawful_basis": "because"}, "lawful_basis", "lawful basis or consent position"),
    ({"lawful_basis": None}, "lawful_basis", "lawful basis or consent position"),
    ({"authorised_by": ""}, "authorised_by", "who authorised the request"),
    ({"request_id": None}, "request_id", "requests list"),
    ({"_open_requests": None}, "action", "requests panel"),
])
def test_a_request_missing_what_the_law_asks_for_is_refused_at_its_field(
        workflow_engine: Engine, gathering: Contact, now: datetime,
        change: dict[str, Any], field: str, words: str) -> None:
    refusal = _refused(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER,
                       _ask(**change), now)

    assert isinstance(refusal, GuardFailed)
    assert refusal.field == field and words in refusal.message.lower()


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
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _fire(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER, _ask(), now)
    answer = {"request_id": 7, "answer": "Two call-outs in May.", "_open_requests": 0}

    _refused(workflow_engine, gathering, "answer_request", FRONT_DOOR_WORKER, answer, now,
             NotPermitted)
    _fire(workflow_engine, gathering, "answer_request", PARTNER, answer, now)

    assert gathering.facts["open_requests"] == 0
    assert gathering.new_events[-1].actor == PARTNER.username


def test_an_empty_answer_is_refused(workflow_engine: Engine, gathering: Contact,
                                    now: datetime) -> None:
    refusal = _refused(workflow_engine, gathering, "answer_request", PARTNER,
                       {"request_id": 7, "answer": " ", "_open_requests": 1}, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == "answer"


# -- leaving information gathering -------------------------------------------------------------
def test_open_requests_keep_the_contact_in_information_gathering_every_way_out(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _fire(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER, _ask(), now)

    for trigger in ("complete_information_gathering", "pass_to_allocated_worker"):
        refusal = _refused(workflow_engine, gathering, trigger, FRONT_DOOR_WORKER,
                           payload(trigger, now), now)
        assert "outstanding information requests" in refusal.message


def test_a_manager_closes_the_outstanding_requests_with_a_reason_and_the_contact_moves_on(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _fire(workflow_engine, gathering, "request_information", FRONT_DOOR_WORKER, _ask(), now)
    closing = {"reason": "Health on strike; decision cannot wait", "_open_requests": 0}

    _refused(workflow_engine, gathering, "close_outstanding_requests", FRONT_DOOR_WORKER,
             closing, now, NotPermitted)
    _refused(workflow_engine, gathering, "close_outstanding_requests", TEAM_MANAGER,
             closing | {"reason": ""}, now)
    _fire(workflow_engine, gathering, "close_outstanding_requests", TEAM_MANAGER, closing, now)
    _fire(workflow_engine, gathering, "complete_information_gathering", FRONT_DOOR_WORKER, {},
          now)

    assert gathering.stage is Stage.THRESHOLD_DECISION


def test_there_is_nothing_to_close_without_outstanding_requests(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    refusal = _refused(workflow_engine, gathering, "close_outstanding_requests", TEAM_MANAGER,
                       {"reason": "tidy up", "_open_requests": 0}, now)

    assert "no outstanding" in refusal.message


def test_withdrawing_needs_a_reason(workflow_engine: Engine, gathering: Contact,
                                   now: datetime) -> None:
    refusal = _refused(workflow_engine, gathering, "withdraw_request", FRONT_DOOR_WORKER,
                       {"request_id": 7, "reason": "", "_open_requests": 1}, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == "reason"


# -- the meeting's joint decision ------------------------------------------------------------
def _discussion(**overrides: Any) -> dict[str, Any]:
    return {"meeting_id": 1, "meeting_date": "2026-03-04", "agenda_item_id": 3,
            "attending_agencies": ["health", "police"], "outcome": "early_help",
            "rationale": "Needs are additional", "level": 2,
            "views": {"police": "Nothing known", "health": "Missed appointments"}} | overrides


def test_a_joint_decision_is_recorded_as_the_meetings_recommendation(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _fire(workflow_engine, gathering, "record_mash_discussion", MASH_CHAIR, _discussion(), now)

    recommendation = gathering.facts["mash_recommendation"]
    assert (recommendation["outcome"], recommendation["level"]) == ("early_help", 2)
    assert recommendation["recorded_by"] == MASH_CHAIR.username
    assert gathering.stage is Stage.INFORMATION_GATHERING


@pytest.mark.parametrize(("change", "field"), [
    ({"agenda_item_id": None}, "contact_id"),
    ({"outcome": "lock_them_up"}, "outcome"),
    ({"rationale": ""}, "rationale"),
    ({"attending_agencies": []}, "attendees"),
    ({"views": {"police": "Nothing known", "health": ""}}, "views"),
])
def test_a_joint_decision_without_its_parts_is_refused(
        workflow_engine: Engine, gathering: Contact, now: datetime,
        change: dict[str, Any], field: str) -> None:
    refusal = _refused(workflow_engine, gathering, "record_mash_discussion", MASH_CHAIR,
                       _discussion(**change), now)

    assert isinstance(refusal, GuardFailed) and refusal.field == field


def test_only_the_chair_records_the_meetings_decision(
        workflow_engine: Engine, gathering: Contact, now: datetime) -> None:
    _refused(workflow_engine, gathering, "record_mash_discussion", TEAM_MANAGER, _discussion(),
             now, NotPermitted)


# -- known-child flags at intake (pure: the child's past is given) --------------------------------
RECEIVED = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def _check(rules: Rules, window: int = 7, threshold: int = 2) -> KnownChildCheck:
    return KnownChildCheck(rules, MashSettings(window, threshold))


def _past(contact_id: int, received_days_ago: float, referred_days_ago: float | None = None
          ) -> PastContact:
    referral = None if referred_days_ago is None else RECEIVED - timedelta(
        days=referred_days_ago)
    return PastContact(contact_id, RECEIVED - timedelta(days=received_days_ago), referral)


def test_a_referral_eleven_months_ago_makes_this_a_re_referral(rules: Rules) -> None:
    contact = Contact(received_at=RECEIVED, source="6")

    flags = _check(rules).flags(contact, [_past(5, 340, 335)], open_case=False)

    assert flags["re_referral"] == {"previous": "FD0000005",
                                    "referral_at": (RECEIVED - timedelta(days=335)).isoformat()}


def test_a_referral_thirteen_months_ago_is_not_a_re_referral(rules: Rules) -> None:
    contact = Contact(received_at=RECEIVED, source="6")

    assert _check(rules).flags(contact, [_past(5, 400, 396)], open_case=False) == {}


def test_a_child_with_an_open_case_is_not_flagged_as_a_re_referral(rules: Rules) -> None:
    contact = Contact(received_at=RECEIVED, source="6")

    assert "re_referral" not in _check(rules).flags(contact, [_past(5, 30, 29)],
                                                    open_case=True)


def test_two_contacts_in_a_week_raise_the_repeat_contact_alert(rules: Rules) -> None:
    contact = Contact(received_at=RECEIVED, source="6")

    flags = _check(rules).flags(contact, [_past(8, 6.5)], open_case=False)

    assert flags["repeat_contacts"] == {"count": 2, "window_days": 7, "threshold": 2,
                                        "previous": ["FD0000008"]}


def test_a_contact_eight_days_ago_is_outside_the_window(rules: Rules) -> None:
    contact = Contact(received_at=RECEIVED, source="6")

    assert _check(rules).flags(contact, [_past(8, 8)], open_case=False) == {}


def test_the_window_and_threshold_are_configurable(rules: Rules) -> None:
    contact = Contact(received_at=RECEIVED, source="6")
    past = [_past(8, 6), _past(9, 20)]

    assert "repeat_contacts" not in _check(rules, 30, 3).flags(contact, past[:1],
                                                               open_case=False)
    assert _check(rules, 30, 3).flags(contact, past, open_case=False)[
        "repeat_contacts"]["count"] == 3
