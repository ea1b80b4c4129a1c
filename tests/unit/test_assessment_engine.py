"""Assessments in the engine: visits, factors, submission by the author, authorisation by
another manager, the 45-working-day reason, and the step down that may follow."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from reporting.cin_codes import ASSESSMENT_FACTORS
from tests.builders import (
    OTHER_TEAM_MANAGER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    contact_at,
    open_rules,
    payload,
    snapshot,
)
from workflow.casework.factors import FACTORS, RETIRED, factor_problem, normalised
from workflow.casework.records import Assessment, AssessmentStatus, StepDown
from workflow.clocks.clock import ClockResult
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import FrontDoorError, GuardFailed, NotPermitted
from workflow.roles import Actor
from workflow.stages import Stage


def _fire(engine: Engine, contact: Contact, trigger: str, who: Actor, now: datetime,
          variant: str | None = None, **overrides: object) -> None:
    engine.fire(contact, trigger, who,
                payload(trigger, now, variant, **overrides), now)


def _see(engine: Engine, contact: Contact, at: datetime) -> None:
    """A visit at ``at`` in which the child was seen."""
    _fire(engine, contact, "record_visit", SOCIAL_WORKER, at, "seen")


def _assessment(contact: Contact) -> Assessment:
    found = contact.assessment
    assert found is not None, "the contact has no assessment"
    return found


def _step_down(contact: Contact) -> StepDown:
    found = contact.step_down
    assert found is not None, "the contact has no step down"
    return found


def _refused(engine: Engine, contact: Contact, trigger: str, who: Actor, now: datetime,
             variant: str | None = None, **overrides: object) -> FrontDoorError:
    before = snapshot(contact)
    with pytest.raises(FrontDoorError) as caught:
        _fire(engine, contact, trigger, who, now, variant, **overrides)
    assert snapshot(contact) == before
    return caught.value


@pytest.fixture
def assessing(workflow_engine: Engine, now: datetime) -> Contact:
    return contact_at(workflow_engine, Stage.ASSESSMENT, now)


# -- factors -------------------------------------------------------------------------------

def test_the_factor_list_is_the_census_list() -> None:
    assert tuple(FACTORS) == ASSESSMENT_FACTORS
    assert not set(RETIRED) & set(FACTORS)


@pytest.mark.parametrize(("codes", "problem"), [
    ([], "choose the assessment factors, or 21 if there are none"),
    (["21", "3A"], "21 (no factors identified) cannot be chosen with other factors"),
    (["3A", "3a"], "3A is chosen more than once"),
    (["18A"], "18A was retired by the DfE: use 18B or 18C"),
    (["19A", "2B"], "19A was retired by the DfE: use 19B or 19C"),
    (["99Z"], "'99Z' is not a CIN census assessment factor"),
])
def test_factor_lists_the_census_refuses_are_refused_in_words(codes: list[str],
                                                               problem: str) -> None:
    assert (factor_problem(codes) or "").startswith(problem)


@pytest.mark.parametrize("codes", [["21"], ["3A", "4B", "24A"], ["8F"], ["20"]])
def test_factor_lists_the_census_accepts_are_accepted(codes: list[str]) -> None:
    assert factor_problem(codes) is None


def test_factors_are_stored_in_the_census_order() -> None:
    assert normalised(["24a", " 3B", "1A"]) == ["1A", "3B", "24A"]


# -- submitting and authorising ------------------------------------------------------------------

def test_the_social_worker_submits_with_factors_and_becomes_the_author(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    _fire(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now,
          factors=["4b", "3A"])

    assessment = _assessment(assessing)
    assert assessing.stage == Stage.ASSESSMENT
    assert assessment.status is AssessmentStatus.SUBMITTED
    assert assessment.author == SOCIAL_WORKER.username
    assert assessment.submitted_at == now
    assert assessment.factors == ("3A", "4B")


@pytest.mark.parametrize(("factors", "problem"), [
    (["21", "16A"], "21 (no factors identified) cannot be chosen with other factors."),
    (["18A"], "18A was retired by the DfE: use 18B or 18C (physical abuse: child on child, "
              "or adult on child)."),
    (["16A", "16A"], "16A is chosen more than once."),
])
def test_a_submission_with_factors_the_census_refuses_is_refused(
        workflow_engine: Engine, assessing: Contact, now: datetime, factors: list[str],
        problem: str) -> None:
    refusal = _refused(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now,
                       factors=factors)

    assert isinstance(refusal, GuardFailed)
    assert (refusal.field, refusal.message) == ("factors", problem[0].upper() + problem[1:])


def test_an_assessment_cannot_be_authorised_before_it_is_submitted(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    refusal = _refused(workflow_engine, assessing, "complete_assessment", TEAM_MANAGER, now)

    assert isinstance(refusal, GuardFailed) and refusal.guard == "assessment_submitted"


def test_a_manager_who_wrote_the_assessment_cannot_authorise_it_another_can(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    _see(workflow_engine, assessing, now)
    _fire(workflow_engine, assessing, "submit_assessment", TEAM_MANAGER, now)

    refusal = _refused(workflow_engine, assessing, "complete_assessment", TEAM_MANAGER, now)
    _fire(workflow_engine, assessing, "complete_assessment", OTHER_TEAM_MANAGER, now,
          "no_further_action")

    assert isinstance(refusal, GuardFailed) and refusal.guard == "authoriser_is_not_author"
    assessment = _assessment(assessing)
    assert assessing.stage == Stage.CLOSED
    assert assessing.closure_reason == "RC8"
    assert assessment.status is AssessmentStatus.AUTHORISED
    assert assessment.authorised_by == OTHER_TEAM_MANAGER.username
    assert (assessment.author, assessment.outcome) == (TEAM_MANAGER.username,
                                                       "no_further_action")


def test_a_social_worker_cannot_authorise(workflow_engine: Engine, assessing: Contact,
                                          now: datetime) -> None:
    _fire(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now)

    refusal = _refused(workflow_engine, assessing, "complete_assessment", SOCIAL_WORKER, now)

    assert isinstance(refusal, NotPermitted)


def test_a_returned_assessment_goes_back_to_its_author_to_submit_again(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    _fire(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now)
    _fire(workflow_engine, assessing, "return_assessment", TEAM_MANAGER, now)

    refusal = _refused(workflow_engine, assessing, "complete_assessment", TEAM_MANAGER, now)
    _fire(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now, "no_factors")

    assessment = _assessment(assessing)
    assert isinstance(refusal, GuardFailed) and refusal.guard == "assessment_submitted"
    assert assessment.status is AssessmentStatus.SUBMITTED
    assert assessment.returned_reason == payload("return_assessment", now)["reason"]
    assert assessment.factors == ("21",)


def test_factors_restated_at_authorisation_are_checked_too(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    _see(workflow_engine, assessing, now)
    _fire(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now)

    refusal = _refused(workflow_engine, assessing, "complete_assessment", TEAM_MANAGER, now,
                       factors=["19A"])

    assert isinstance(refusal, GuardFailed) and refusal.field == "factors"


def test_past_45_working_days_the_reason_is_kept_on_the_stopped_clock(
        workflow_engine: Engine) -> None:
    referred = datetime(2026, 3, 23, 11, 0, tzinfo=UTC)  # due end of Fri 29 May 2026
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, referred)
    late = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    _see(workflow_engine, contact, referred)
    _fire(workflow_engine, contact, "submit_assessment", SOCIAL_WORKER, late)

    _fire(workflow_engine, contact, "complete_assessment", TEAM_MANAGER, late,
          lateness_reason="Family abroad for three weeks")

    [stopped] = [c for c in contact.started_clocks if c.rule == "assessment"]
    assert stopped.result is not None and stopped.result.value == "late"
    assert stopped.note == "Family abroad for three weeks"


def test_in_time_no_reason_is_asked_for(workflow_engine: Engine) -> None:
    referred = datetime(2026, 3, 23, 11, 0, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, referred)
    last_day = datetime(2026, 5, 29, 16, 0, tzinfo=UTC)
    _see(workflow_engine, contact, referred)
    _fire(workflow_engine, contact, "submit_assessment", SOCIAL_WORKER, last_day)

    _fire(workflow_engine, contact, "complete_assessment", TEAM_MANAGER, last_day)

    assert contact.stage == Stage.CIN_PLAN


# -- visits ----------------------------------------------------------------------------------------

def test_a_visit_records_whether_the_child_was_seen_and_seen_alone(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    visited = now + timedelta(hours=2)
    _fire(workflow_engine, assessing, "record_visit", SOCIAL_WORKER, visited, "seen",
          seen_alone=True)

    [event] = [e for e in assessing.new_events if e.trigger == "record_visit"]
    assert event.payload == {"child_seen": True, "visited_at": visited.isoformat(),
                             "seen_alone": True}
    assert "child_seen_s17" not in open_rules(assessing)


# -- step down -------------------------------------------------------------------------------------

def test_an_assessment_ending_in_early_help_records_the_step_down(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    _see(workflow_engine, assessing, now)
    _fire(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now)

    _fire(workflow_engine, assessing, "complete_assessment", TEAM_MANAGER, now, "early_help")

    step_down = _step_down(assessing)
    assert assessing.stage == Stage.EARLY_HELP
    assert assessing.closure_reason == "RC9"
    assert (step_down.consent, step_down.team, step_down.service, step_down.practitioner,
            step_down.handover_on, step_down.by, step_down.at, step_down.from_stage,
            step_down.status) == (
        "given", "Family Help North", "fh-north", "fh.practitioner", date(2026, 3, 4),
        TEAM_MANAGER.username, now, Stage.ASSESSMENT.value, "offered")
    assert assessing.worker == "fh.practitioner"
    assert assessing.team == "family-help-north"


@pytest.mark.parametrize(("missing", "field"), [
    ({"consent": "not_given"}, "consent"),
    ({"service": ""}, "service"),
    ({"service": "no-such-service"}, "service"),
    ({"service": "youth-outreach"}, "service"),  # configured, but full: not taking transfers
    ({"practitioner": ""}, "practitioner"),
    ({"handover_on": None}, "handover_on"),
    ({"handover_on": date(2026, 3, 1)}, "handover_on"),
])
def test_a_step_down_needs_agreement_team_and_a_hand_over_date(
        workflow_engine: Engine, now: datetime, missing: dict[str, object],
        field: str) -> None:
    contact = contact_at(workflow_engine, Stage.CIN_PLAN, now)

    refusal = _refused(workflow_engine, contact, "step_down", TEAM_MANAGER, now, **missing)

    assert isinstance(refusal, GuardFailed) and refusal.field == field


def test_a_step_down_from_a_plan_closes_social_care_with_rc7(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.CIN_PLAN, now)

    _fire(workflow_engine, contact, "step_down", TEAM_MANAGER, now,
          handover_on=date(2026, 3, 16))

    assert contact.stage == Stage.EARLY_HELP
    assert contact.closure_reason == "RC7"
    assert _step_down(contact).handover_on == date(2026, 3, 16)
    assert _step_down(contact).from_stage == Stage.CIN_PLAN.value


def test_authorising_an_assessment_with_the_child_never_seen_leaves_that_clock_not_met(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    """The visit was needed by the assessment being concluded: the one clock a contact
    leaves as a breach rather than as not applicable, with the manager's reason."""
    _fire(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now)

    _fire(workflow_engine, assessing, "complete_assessment", TEAM_MANAGER, now,
          "no_further_action", not_seen_reason="Family moved to Spain; seen by video only")

    [seen] = [c for c in assessing.started_clocks if c.rule == "child_seen_s17"]
    assert (seen.result, seen.stop_event) == (ClockResult.NOT_MET, "left_for_closed")
    assert seen.is_breached(now)
    assert seen.note == "Family moved to Spain; seen by video only"


def test_authorising_after_the_child_was_seen_meets_that_clock(
        workflow_engine: Engine, assessing: Contact, now: datetime) -> None:
    _fire(workflow_engine, assessing, "record_visit", SOCIAL_WORKER, now, "seen")
    _fire(workflow_engine, assessing, "submit_assessment", SOCIAL_WORKER, now)

    _fire(workflow_engine, assessing, "complete_assessment", TEAM_MANAGER, now,
          "no_further_action")

    [seen] = [c for c in assessing.started_clocks if c.rule == "child_seen_s17"]
    assert (seen.result, seen.stop_event) == (ClockResult.MET, "child_seen")
    assert not seen.is_breached(now)


def test_authorising_an_assessment_on_a_protection_plan_records_no_step_down(
        workflow_engine: Engine, now: datetime) -> None:
    """The plan continues (a review conference ends it): an early-help outcome chosen on
    the form is no step down, and nothing without a hand-over is recorded as one."""
    contact = contact_at(workflow_engine, Stage.CP_PLAN, now)
    _see(workflow_engine, contact, now)
    _fire(workflow_engine, contact, "submit_assessment", SOCIAL_WORKER, now)

    workflow_engine.fire(contact, "complete_assessment", TEAM_MANAGER,
                         {"assessment_outcome": "early_help"}, now)

    assert contact.stage == Stage.CP_PLAN
    assert _assessment(contact).status is AssessmentStatus.AUTHORISED
    assert contact.step_down is None and contact.closure_reason is None
    assert not [r for r in contact.changed_records.values() if isinstance(r, StepDown)]
