"""The Family Help pathway in the engine, on literal dates: a step down from the front door
hands over to a named service and practitioner; the service accepts it or returns it to
its sender; the family help assessment, plan and reviews follow in order; and the lead
child protection practitioner's appointment is timed from the section 47 enquiry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.builders import (
    FRONT_DOOR_WORKER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    contact_at,
    payload,
    snapshot,
)
from workflow.casework.family_help import load_family_help
from workflow.config_errors import ConfigError
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import FrontDoorError, GuardFailed
from workflow.roles import Actor, Role
from workflow.stages import Stage

PRACTITIONER = Actor("fh.practitioner", Role.FAMILY_HELP_PRACTITIONER)
#: Wednesday 4 March 2026, 10:00 (GMT).
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def _fire(engine: Engine, contact: Contact, trigger: str, who: Actor, now: datetime = NOW,
          **overrides: object) -> None:
    engine.fire(contact, trigger, who, payload(trigger, now, **overrides), now)


def _refused(engine: Engine, contact: Contact, trigger: str, who: Actor,
             now: datetime = NOW, **overrides: object) -> FrontDoorError:
    before = snapshot(contact)
    with pytest.raises(FrontDoorError) as caught:
        _fire(engine, contact, trigger, who, now, **overrides)
    assert snapshot(contact) == before
    return caught.value


@pytest.fixture
def handed_over(workflow_engine: Engine) -> Contact:
    """The front door decided early help and handed the family to Family Help North."""
    contact = contact_at(workflow_engine, Stage.EARLY_HELP, NOW)
    contact.team = "front-door"
    _fire(workflow_engine, contact, "step_down", FRONT_DOOR_WORKER)
    return contact


def test_a_step_down_from_the_front_door_waits_for_the_named_service(
        handed_over: Contact) -> None:
    step = handed_over.step_down
    assert step is not None
    assert (step.service, step.team, step.practitioner, step.status, step.handover_on,
            step.from_stage) == ("fh-north", "Family Help North", "fh.practitioner", "offered",
                                 date(2026, 3, 4), "early_help")
    assert (handed_over.team, handed_over.worker) == ("family-help-north", "fh.practitioner")


def test_a_family_is_not_sent_to_a_second_service_while_the_first_has_it(
        workflow_engine: Engine, handed_over: Contact) -> None:
    refusal = _refused(workflow_engine, handed_over, "step_down", FRONT_DOOR_WORKER,
                       service="fh-south")
    assert isinstance(refusal, GuardFailed)
    assert "Family Help North has not yet answered" in str(refusal)


def test_the_service_accepts_and_the_practitioner_holds_the_case(
        workflow_engine: Engine, handed_over: Contact) -> None:
    accepted_at = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    _fire(workflow_engine, handed_over, "accept_transfer", PRACTITIONER, accepted_at)

    step = handed_over.step_down
    assert step is not None and step.accepted
    assert (step.answered_by, step.answered_at) == ("fh.practitioner", accepted_at)
    assert handed_over.worker == "fh.practitioner"


def test_a_returned_transfer_goes_back_to_the_sender_and_may_be_sent_again(
        workflow_engine: Engine, handed_over: Contact) -> None:
    _fire(workflow_engine, handed_over, "return_transfer", PRACTITIONER,
          reason="The family lives outside our area")

    step = handed_over.step_down
    assert step is not None and step.returned
    assert step.return_reason == "The family lives outside our area"
    assert (handed_over.team, handed_over.worker) == ("front-door", "fd.worker")
    _fire(workflow_engine, handed_over, "step_down", FRONT_DOOR_WORKER, service="fh-south",
          practitioner="fh.south")
    assert handed_over.step_down is not None and handed_over.step_down.waiting


def test_a_return_needs_its_reason(workflow_engine: Engine, handed_over: Contact) -> None:
    refusal = _refused(workflow_engine, handed_over, "return_transfer", PRACTITIONER,
                       reason="  ")
    assert isinstance(refusal, GuardFailed) and refusal.field == "reason"


def test_a_social_worker_cannot_answer_for_the_service(
        workflow_engine: Engine, handed_over: Contact) -> None:
    _refused(workflow_engine, handed_over, "accept_transfer", SOCIAL_WORKER)


def test_the_assessment_plan_and_reviews_follow_in_order_on_their_dates(
        workflow_engine: Engine, handed_over: Contact) -> None:
    refusal = _refused(workflow_engine, handed_over, "record_family_help_assessment",
                       PRACTITIONER)
    assert "has not accepted the family yet" in str(refusal)
    _fire(workflow_engine, handed_over, "accept_transfer", PRACTITIONER)
    later = datetime(2026, 3, 18, 11, 0, tzinfo=UTC)
    refusal = _refused(workflow_engine, handed_over, "agree_family_help_plan", PRACTITIONER,
                       later)
    assert "record the family help assessment first" in str(refusal).lower()

    _fire(workflow_engine, handed_over, "record_family_help_assessment", PRACTITIONER, later,
          assessed_on=date(2026, 3, 16))
    refusal = _refused(workflow_engine, handed_over, "agree_family_help_plan", PRACTITIONER,
                       later, agreed_on=date(2026, 3, 17), next_review_on=date(2026, 3, 17))
    assert isinstance(refusal, GuardFailed) and refusal.field == "next_review_on"
    _fire(workflow_engine, handed_over, "agree_family_help_plan", PRACTITIONER, later,
          agreed_on=date(2026, 3, 17), next_review_on=date(2026, 4, 14))
    review_day = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)
    _fire(workflow_engine, handed_over, "review_family_help_plan", PRACTITIONER, review_day,
          held_on=date(2026, 4, 14), next_review_on=date(2026, 5, 12))

    step = handed_over.step_down
    assert step is not None
    assert (step.assessed_on, step.plan_agreed_on, step.reviews, step.last_review_on,
            step.next_review_on) == (date(2026, 3, 16), date(2026, 3, 17), 1, date(2026, 4, 14),
                                     date(2026, 5, 12))


@pytest.mark.parametrize(("field", "day", "problem"), [
    ("assessed_on", date(2026, 3, 3), "cannot be before 04/03/2026"),  # before the hand-over
    ("assessed_on", date(2026, 3, 5), "cannot be in the future"),
])
def test_the_assessment_date_is_between_the_hand_over_and_today(
        workflow_engine: Engine, handed_over: Contact, field: str, day: date,
        problem: str) -> None:
    _fire(workflow_engine, handed_over, "accept_transfer", PRACTITIONER)
    refusal = _refused(workflow_engine, handed_over, "record_family_help_assessment",
                       PRACTITIONER, **{field: day})
    assert isinstance(refusal, GuardFailed) and problem in str(refusal)


# -- the lead child protection practitioner ------------------------------------------------

@pytest.mark.parametrize(("started", "due"), [
    pytest.param(datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
                 datetime(2026, 3, 5, 23, 59, 59, tzinfo=UTC), id="wednesday-due-thursday"),
    pytest.param(datetime(2026, 4, 2, 10, 0, tzinfo=UTC),
                 datetime(2026, 4, 7, 22, 59, 59, tzinfo=UTC),
                 id="thursday-before-easter-due-tuesday-bst"),
])
def test_the_lead_practitioner_is_due_by_the_end_of_the_next_working_day(
        workflow_engine: Engine, started: datetime, due: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, started)

    [clock] = [c for c in contact.open_clocks if c.rule == "lead_cp_practitioner"]
    assert clock.due_at.astimezone(UTC).replace(microsecond=0) == due


def test_appointing_a_social_worker_meets_the_clock_and_names_them_on_the_case(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.SECTION_47, NOW)

    _fire(workflow_engine, contact, "appoint_lead_cp_practitioner", TEAM_MANAGER,
          datetime(2026, 3, 5, 9, 0, tzinfo=UTC))

    assert not [c for c in contact.open_clocks if c.rule == "lead_cp_practitioner"]
    assert contact.enquiry is not None
    assert contact.enquiry.lead_practitioner == "social.worker"
    assert contact.worker == "social.worker"


def test_a_service_id_used_twice_stops_start_up(tmp_path: Path) -> None:
    entry = ('[[service]]\nid = "a"\nname = "A"\nkind = "internal"\nlevels = [2]\n'
             'team = "t"\nphone = "1"\nemail = "e"\naddress = "x"\naccepts_transfers = true\n'
             'source = "local"\n')
    (tmp_path / "family_help.toml").write_text(entry + entry)
    with pytest.raises(ConfigError, match="id is used twice"):
        load_family_help(tmp_path)


def test_a_level_outside_family_help_is_refused(tmp_path: Path) -> None:
    (tmp_path / "family_help.toml").write_text(
        '[[service]]\nid = "a"\nname = "A"\nkind = "internal"\nlevels = [4]\n'
        'team = "t"\nphone = "1"\nemail = "e"\naddress = "x"\naccepts_transfers = true\n'
        'source = "local"\n')
    with pytest.raises(ConfigError, match="levels 2 and/or 3"):
        load_family_help(tmp_path)
