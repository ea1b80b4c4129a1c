"""The process definition is checked by code (SpiffWorkflow's validate() habit).

``validate_spec`` must pass on the real table and must catch each kind of mistake a
future edit could make; the Mermaid diagram is drawn from the same table.
"""

from __future__ import annotations

import dataclasses

import pytest
from workflow.definition import mermaid, validate_spec
from workflow.spec import TABLE, Transition

from workflow import definition
from workflow.clocks.timescales import TimescaleBook
from workflow.roles import Role
from workflow.rules import Rules
from workflow.stages import STAGES, Stage


def _problems_with(monkeypatch: pytest.MonkeyPatch, book: TimescaleBook, *,
                   table: tuple[Transition, ...] = TABLE,
                   stages: dict[Stage, object] | None = None) -> list[str]:
    monkeypatch.setattr(definition, "TABLE", table)
    monkeypatch.setattr(definition, "STAGES", stages if stages is not None else STAGES)
    return validate_spec(book)


def _without(trigger: str, dest: Stage | None = None) -> tuple[Transition, ...]:
    return tuple(r for r in TABLE if not (r.trigger == trigger
                                          and (dest is None or r.dest == dest)))


def test_the_real_process_definition_has_no_problems(rules: Rules) -> None:
    assert validate_spec(rules.timescales) == []


def test_a_stage_no_transition_leads_to_is_reported_unreachable(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    table = _without("hold_icpc", Stage.CP_PLAN)

    problems = _problems_with(monkeypatch, rules.timescales, table=table)

    assert "stage 'cp_plan' cannot be reached from 'received'" in problems


def test_a_non_final_stage_with_no_way_out_is_reported_as_a_dead_end(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    table = tuple(r for r in TABLE if r.trigger not in ("step_up", "end_early_help"))

    problems = _problems_with(monkeypatch, rules.timescales, table=table)

    assert "stage 'early_help' is not final but has no way out" in problems


def test_a_row_naming_a_guard_that_does_not_exist_is_reported(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    table = tuple(dataclasses.replace(r, guards=(*r.guards, "child_is_lucky"))
                  if r.trigger == "start_screening" else r for r in TABLE)

    problems = _problems_with(monkeypatch, rules.timescales, table=table)

    assert "'start_screening' names unknown guard 'child_is_lucky'" in problems


def test_a_row_naming_a_selector_that_does_not_exist_is_reported(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    table = tuple(dataclasses.replace(r, when=("moon_is_full",))
                  if r.trigger == "send_to_mash" else r for r in TABLE)

    problems = _problems_with(monkeypatch, rules.timescales, table=table)

    assert "'send_to_mash' names unknown selector 'moon_is_full'" in problems


def test_a_row_granted_to_nobody_is_reported(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    table = tuple(dataclasses.replace(r, roles=frozenset())
                  if r.trigger == "start_screening" else r for r in TABLE)

    problems = _problems_with(monkeypatch, rules.timescales, table=table)

    assert "'start_screening' is granted to nobody" in problems


def test_a_stage_without_clocks_or_a_reason_for_none_is_reported(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    stages = dict(STAGES)
    stages[Stage.CIN_PLAN] = dataclasses.replace(STAGES[Stage.CIN_PLAN], timed_by=(),
                                                 untimed_reason="")

    problems = _problems_with(monkeypatch, rules.timescales, stages=stages)

    assert "stage 'cin_plan' names no clocks and gives no reason for none" in problems


def test_a_stage_without_clocks_but_with_a_reason_is_accepted(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    stages = dict(STAGES)
    stages[Stage.CIN_PLAN] = dataclasses.replace(
        STAGES[Stage.CIN_PLAN], timed_by=(), untimed_reason="the plan has its own reviews")

    assert _problems_with(monkeypatch, rules.timescales, stages=stages) == []


def test_a_stage_naming_a_timescale_that_does_not_exist_is_reported(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    stages = dict(STAGES)
    stages[Stage.CIN_PLAN] = dataclasses.replace(STAGES[Stage.CIN_PLAN],
                                                 timed_by=("cin_plan_review",))

    problems = _problems_with(monkeypatch, rules.timescales, stages=stages)

    assert "stage 'cin_plan' names unknown timescale 'cin_plan_review'" in problems


def test_a_timescale_event_no_transition_emits_is_reported(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    table = tuple(dataclasses.replace(r, emits=tuple(e for e in r.emits
                                                     if e != "core_group_held"))
                  for r in TABLE)

    problems = _problems_with(monkeypatch, rules.timescales, table=table)

    assert "timescale events 'core_group_held' are never emitted by any transition" in problems


def test_no_partner_agency_practitioner_or_administrator_can_move_a_contact() -> None:
    """Deny by default: partners may at most add to a contact, never change its stage."""
    movers = {role for row in TABLE if not row.internal for role in row.roles}

    assert Role.PARTNER not in movers
    assert Role.ADMINISTRATOR not in movers
    assert not [row.trigger for row in TABLE if Role.ADMINISTRATOR in row.roles]


def test_the_diagram_shows_every_stage_and_every_stage_change() -> None:
    diagram = mermaid()

    assert diagram.startswith("stateDiagram-v2\n")
    for stage in Stage:
        assert stage.value in diagram
    for row in TABLE:
        if row.dest is not None:
            for source in row.sources:
                assert f"{source.value} --> {row.dest.value}: {row.trigger}" in diagram
    assert "class " not in diagram


def test_the_diagram_highlights_the_current_stage_only() -> None:
    diagram = mermaid(current="section_47")

    assert "    class section_47 current" in diagram
    assert diagram.count("class ") == 1
    assert "classDef current" in diagram
