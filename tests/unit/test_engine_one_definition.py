"""One action, one definition: what the rewritten engine promises.

Each action's payload is the whole of what it may be sent (an unknown key is a field
error, nothing recorded); the decision's stamp comes from the ticked indicators inside the
command path, so an override cannot be declared or skipped; a clock the contact leaves
because it moved on is not applicable, never a breach; the shared machine keeps no
contact and the engine evaluates each guard once; an initial conference is never dated at
a weekend (DfE census rule 8875).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.builders import (
    FRONT_DOOR_WORKER,
    LEVEL_3_INDICATOR,
    OTHER_TEAM_MANAGER,
    REASON,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OnEngine,
    actor,
    contact_at,
    payload,
    received_contact,
    snapshot,
    walk_to,
)
from workflow.clocks.clock import ClockResult
from workflow.contact import Contact
from workflow.decision.records import DecisionStamp, DecisionStatus
from workflow.engine.action import Action, Ctx, Failure, Guard
from workflow.engine.engine import Engine
from workflow.engine.registry import actions
from workflow.errors import GuardFailed, InvalidInput
from workflow.roles import Role
from workflow.rules import Rules
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")
UNKNOWN = "Remove this field: it is not one this action takes"


def _first_stage(action: Action[Any]) -> Stage:
    return min(action.sources, key=list(Stage).index)


def _granted(action: Action[Any]) -> Role:
    return min(action.roles, key=list(Role).index)


# -- the payload is the whole of what an action may be sent ------------------------------

@pytest.mark.parametrize("name", [n for n in actions() if n != "receive"])
def test_every_action_refuses_a_key_its_payload_does_not_have(
        workflow_engine: Engine, now: datetime, name: str) -> None:
    action = actions()[name]
    contact = contact_at(workflow_engine, _first_stage(action), now)
    data = payload(name, now) | {"unexpected": "x"}
    before = snapshot(contact)

    with pytest.raises(InvalidInput) as refusal:
        workflow_engine.fire(contact, name, actor(_granted(action)), data, now)

    assert refusal.value.errors == {"unexpected": UNKNOWN}
    assert snapshot(contact) == before


def test_the_intake_action_refuses_a_key_its_payload_does_not_have(
        workflow_engine: Engine, now: datetime) -> None:
    contact = Contact(received_at=now, source="6")

    with pytest.raises(InvalidInput) as refusal:
        workflow_engine.receive(contact, FRONT_DOOR_WORKER,
                                {"source": "6", "channel": "phone", "stage": "closed"}, now)

    assert refusal.value.errors == {"stage": UNKNOWN}
    assert (contact.event_seq, contact.new_events, contact.open_clocks) == (0, [], [])


@pytest.mark.parametrize("declared", [{"is_override": True}, {"recommended_level": 1},
                                      {"is_override": False, "recommended_level": 1}],
                         ids=["is_override", "recommended_level", "both"])
def test_a_decision_cannot_declare_its_own_recommendation_or_override(
        workflow_engine: Engine, now: datetime, declared: dict[str, Any]) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    before = snapshot(contact)

    with pytest.raises(InvalidInput) as refusal:
        workflow_engine.fire(contact, "decide", FRONT_DOOR_WORKER,
                             payload("decide", now, "no_further_action") | declared, now)

    assert refusal.value.errors == {key: UNKNOWN for key in declared}
    assert snapshot(contact) == before
    assert contact.decision is None and contact.stage is Stage.THRESHOLD_DECISION


# -- the stamp: the override comes from the ticked indicators -----------------------------

def _level_1_with_a_level_3_indicator(now: datetime, **overrides: Any) -> dict[str, Any]:
    return {"outcome": "no_further_action", "level": 1, "indicators": [LEVEL_3_INDICATOR],
            "rationale": REASON} | overrides


def test_a_level_below_the_ticked_indicators_needs_an_override_reason(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    before = snapshot(contact)

    with pytest.raises(GuardFailed) as refusal:
        workflow_engine.fire(contact, "decide", TEAM_MANAGER,
                             _level_1_with_a_level_3_indicator(now), now)

    assert refusal.value.field == "override_reason"
    assert "below the recommended level 3" in refusal.value.message
    assert snapshot(contact) == before


def test_with_its_reason_the_override_waits_for_another_managers_sign_off(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    data = _level_1_with_a_level_3_indicator(now, override_reason="Family moved away")

    workflow_engine.fire(contact, "decide", TEAM_MANAGER, data, now)

    decision = contact.decision
    assert contact.stage is Stage.AWAITING_SIGNOFF
    assert decision is not None and decision.status is DecisionStatus.AWAITING_SIGNOFF
    assert (decision.stamp.recommended_level, decision.stamp.is_override,
            decision.stamp.matches_recommendation) == (3, True, False)
    assert decision.stamp.catalogue_id and decision.stamp.catalogue_version >= 1
    assert (decision.level, decision.indicators, decision.override_reason) == (
        1, (LEVEL_3_INDICATOR,), "Family moved away")
    assert "contact_decision" in {c.rule for c in contact.open_clocks}

    before = snapshot(contact)
    with pytest.raises(GuardFailed) as own:
        workflow_engine.fire(contact, "sign_off", TEAM_MANAGER, {}, now)
    assert own.value.guard == "signer_is_not_decider"
    assert snapshot(contact) == before

    workflow_engine.fire(contact, "sign_off", OTHER_TEAM_MANAGER, {"comment": "Agreed"}, now)

    signed = contact.decision
    assert contact.stage is Stage.CLOSED
    assert signed is not None and signed.status is DecisionStatus.IN_FORCE
    assert (signed.decided_by, signed.signed_off_by, signed.sign_off_comment) == (
        TEAM_MANAGER.username, OTHER_TEAM_MANAGER.username, "Agreed")


def test_a_level_at_the_recommendation_is_in_force_at_once(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)

    workflow_engine.fire(contact, "decide", FRONT_DOOR_WORKER,
                         payload("decide", now, "no_further_action"), now)

    decision = contact.decision
    assert contact.stage is Stage.CLOSED
    assert decision is not None and decision.status is DecisionStatus.IN_FORCE
    assert (decision.stamp.is_override, decision.stamp.recommended_level) == (False, 1)


# -- a clock the contact moves past is not applicable, never a breach ---------------------

def test_deciding_straight_from_screening_closes_the_mash_clock_as_not_applicable(
        workflow_engine: Engine) -> None:
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Mon 2 Mar 2026, 09:00 GMT
    contact = received_contact(workflow_engine, received)
    walk_to(OnEngine(workflow_engine, contact, received + timedelta(minutes=5)),
            Stage.SCREENING)
    rated = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    workflow_engine.fire(contact, "rate", FRONT_DOOR_WORKER, payload("rate", rated, "red"),
                         rated)
    [red] = [c for c in contact.open_clocks if c.rule == "mash_red"]
    assert red.due_at == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # 4 hours from receipt
    moved_on = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)  # after the red deadline

    workflow_engine.fire(contact, "proceed_to_decision", FRONT_DOOR_WORKER,
                         payload("proceed_to_decision", moved_on), moved_on)

    assert contact.stage is Stage.THRESHOLD_DECISION
    assert (red.result, red.stop_event, red.stopped_at) == (
        ClockResult.NOT_APPLICABLE, "left_for_threshold_decision", moved_on)
    assert not red.is_breached(moved_on)
    assert not red.is_breached(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    decided = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    workflow_engine.fire(contact, "decide", FRONT_DOOR_WORKER,
                         payload("decide", decided, "no_further_action"), decided)
    [decision] = [c for c in contact.started_clocks if c.rule == "contact_decision"]
    assert (decision.result, decision.stopped_at) == (ClockResult.MET, decided)


# -- the machine moves stages only; each guard is evaluated once ---------------------------

def test_the_shared_machine_keeps_no_contact_after_many_fires(
        workflow_engine: Engine, now: datetime) -> None:
    for stage in (Stage.CP_PLAN, Stage.CIN_PLAN, Stage.CLOSED, Stage.AWAITING_SIGNOFF):
        contact_at(workflow_engine, stage, now)
    screened = contact_at(workflow_engine, Stage.SCREENING, now)
    for n in range(300):
        workflow_engine.fire(screened, "rate", FRONT_DOOR_WORKER,
                             payload("rate", now, ("red", "amber", "green")[n % 3]), now)

    assert workflow_engine.machine.models == []
    assert screened.event_seq == 302


def test_the_machine_checks_no_conditions_of_its_own(workflow_engine: Engine) -> None:
    """The engine's guards are the only rules: the machine has one event per row and its
    transitions carry no conditions that could check a guard a second time."""
    machine = workflow_engine.machine.machine
    transitions = [t for event in machine.events.values()
                   for ts in event.transitions.values() for t in ts]

    assert len(machine.events) == sum(len(a.rows) for a in actions().values())
    assert transitions and all(not t.conditions for t in transitions)


def _counted(action: Action[Any], calls: Counter[str]) -> Action[Any]:
    """A copy of the action whose every guard counts the times it is checked."""

    def counting(guard: Guard[Any], where: str) -> Guard[Any]:
        def check(ctx: Ctx[Any]) -> Failure:
            calls[where] += 1
            return guard.check(ctx)

        return replace(guard, check=check)

    rows = tuple(replace(row, guards=tuple(counting(g, f"{i}:{g.name}") for g in row.guards))
                 for i, row in enumerate(action.rows))
    return replace(action, rows=rows)


def test_each_guard_of_the_chosen_row_is_checked_exactly_once_per_fire(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.THRESHOLD_DECISION, now)
    calls: Counter[str] = Counter()
    decide = _counted(actions()["decide"], calls)

    workflow_engine.fire(contact, decide, FRONT_DOOR_WORKER,
                         payload("decide", now, "early_help"), now)

    assert contact.stage is Stage.EARLY_HELP
    assert calls == Counter({"2:rationale_given": 1, "2:consent_recorded": 1})


def test_each_guard_is_checked_once_and_the_refusal_names_every_failure(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.STRATEGY_DISCUSSION, now)
    calls: Counter[str] = Counter()
    hold = _counted(actions()["hold_strategy_discussion"], calls)

    with pytest.raises(GuardFailed) as refused:
        workflow_engine.fire(contact, hold, SOCIAL_WORKER,
                             payload("hold_strategy_discussion", now, chair="", rationale=""),
                             now)

    row_guards = {f"1:{g.name}" for g in hold.rows[1].guards}
    assert set(calls) == row_guards and set(calls.values()) == {1}  # all, once each
    assert set(refused.value.errors) == {"chair", "rationale"}  # every error at once


class _CountingPolicy:
    """The real levels-of-need policy, counting how often a decision is stamped."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0

    def stamp(self, on: datetime, level: int, outcome: str, indicators: tuple[str, ...],
              rationale: str, override_reason: str) -> DecisionStamp:
        self.calls += 1
        made: DecisionStamp = self.real.stamp(on, level, outcome, indicators, rationale,
                                              override_reason)
        return made


@pytest.mark.parametrize("variant", ["referral", "override", "no_further_action"])
def test_the_decision_is_stamped_once_per_fire(rules: Rules, now: datetime,
                                               variant: str) -> None:
    """The override selector, the row's guards and the effect all read one stamp."""
    policy = _CountingPolicy(rules.thresholds)
    engine = Engine(replace(rules.engine.config, thresholds=policy))
    contact = contact_at(engine, Stage.THRESHOLD_DECISION, now)

    engine.fire(contact, "decide", FRONT_DOOR_WORKER, payload("decide", now, variant), now)

    assert policy.calls == 1
    assert contact.decision is not None


# -- an initial conference is never at a weekend (DfE census rule 8875) -------------------

@pytest.fixture
def in_section_47(workflow_engine: Engine) -> Contact:
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Mon 2 Mar 2026
    contact = received_contact(workflow_engine, received)
    walk_to(OnEngine(workflow_engine, contact, datetime(2026, 3, 2, 11, 0, tzinfo=UTC)),
            Stage.SECTION_47)
    return contact


@pytest.mark.parametrize(("held", "day"), [
    (datetime(2026, 3, 7, 11, 0, tzinfo=LONDON), "Saturday 07 March 2026 is a Saturday"),
    (datetime(2026, 3, 8, 14, 0, tzinfo=LONDON), "Sunday 08 March 2026 is a Sunday"),
], ids=["saturday", "sunday"])
def test_an_initial_conference_at_a_weekend_is_refused_at_its_date(
        workflow_engine: Engine, in_section_47: Contact, held: datetime, day: str) -> None:
    now = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # Mon 9 Mar 2026
    before = snapshot(in_section_47)

    with pytest.raises(GuardFailed) as refusal:
        workflow_engine.fire(in_section_47, "hold_icpc", SOCIAL_WORKER,
                             payload("hold_icpc", now, "plan", held_at=held), now)

    assert (refusal.value.guard, refusal.value.field) == ("conference_on_a_weekday", "held_at")
    assert refusal.value.message.startswith(day)
    assert "DfE census rule 8875" in refusal.value.message
    assert snapshot(in_section_47) == before


def test_an_initial_conference_on_the_friday_before_is_recorded(
        workflow_engine: Engine, in_section_47: Contact) -> None:
    now = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=LONDON)

    workflow_engine.fire(in_section_47, "hold_icpc", SOCIAL_WORKER,
                         payload("hold_icpc", now, "plan", held_at=friday), now)

    plan = in_section_47.plan
    assert in_section_47.stage is Stage.CP_PLAN
    assert plan is not None and plan.started_at == friday
