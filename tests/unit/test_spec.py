"""The process definition is checked by code (SpiffWorkflow's validate() habit).

``validate_spec(book, table)`` must pass on the real actions and must catch each kind of
mistake a future edit could make: each test plants one in a copy of ``actions()`` made with
``dataclasses.replace``. The Mermaid diagram is drawn from the same actions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from workflow.engine import definition
from workflow.engine.action import Action, Guard, Selector
from workflow.engine.definition import mermaid, validate_spec
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.registry import actions
from workflow.roles import Role
from workflow.rules import Rules
from workflow.stages import STAGES, Stage

Table = dict[str, Action[Any]]


def _changed(name: str, **changes: Any) -> Table:
    """Every action, with one of them changed."""
    table = dict(actions())
    table[name] = replace(table[name], **changes)
    return table


def _row_changed(name: str, index: int, **changes: Any) -> Table:
    """Every action, with one row of one of them changed."""
    rows = list(actions()[name].rows)
    rows[index] = replace(rows[index], **changes)
    return _changed(name, rows=tuple(rows))


def _without_rows(name: str, dest: Stage) -> Table:
    return _changed(name, rows=tuple(r for r in actions()[name].rows if r.dest != dest))


def _problems(rules: Rules, table: Table) -> list[str]:
    return validate_spec(rules.timescales, table)


def _with_stages(monkeypatch: pytest.MonkeyPatch, rules: Rules,
                 stages: dict[Stage, Any]) -> list[str]:
    monkeypatch.setattr(definition, "STAGES", stages)
    return validate_spec(rules.timescales, actions())


def test_the_real_process_definition_has_no_problems(rules: Rules) -> None:
    assert validate_spec(rules.timescales, actions()) == []
    assert validate_spec(rules.timescales) == []


# -- stages ----------------------------------------------------------------------------

def test_a_stage_no_action_leads_to_is_reported_unreachable(rules: Rules) -> None:
    problems = _problems(rules, _without_rows("hold_icpc", Stage.CP_PLAN))

    assert "stage 'cp_plan' cannot be reached from a contact's receipt" in problems


def test_a_non_final_stage_with_no_way_out_is_reported_as_a_dead_end(rules: Rules) -> None:
    table = {n: a for n, a in actions().items() if n not in ("step_up", "end_early_help")}

    problems = _problems(rules, table)

    assert problems == ["stage 'early_help' is not final but has no way out"]


def test_a_stage_without_clocks_or_a_reason_for_none_is_reported(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    stages = dict(STAGES)
    stages[Stage.CIN_PLAN] = replace(STAGES[Stage.CIN_PLAN], timed_by=(), untimed_reason="")

    problems = _with_stages(monkeypatch, rules, stages)

    assert problems == ["stage 'cin_plan' names no clocks and gives no reason for none"]


def test_a_stage_without_clocks_but_with_a_reason_is_accepted(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    stages = dict(STAGES)
    stages[Stage.CIN_PLAN] = replace(STAGES[Stage.CIN_PLAN], timed_by=(),
                                     untimed_reason="the plan has its own reviews")

    assert _with_stages(monkeypatch, rules, stages) == []


def test_a_stage_naming_a_timescale_that_does_not_exist_is_reported(
        monkeypatch: pytest.MonkeyPatch, rules: Rules) -> None:
    stages = dict(STAGES)
    stages[Stage.CIN_PLAN] = replace(STAGES[Stage.CIN_PLAN], timed_by=("cin_plan_review",))

    problems = _with_stages(monkeypatch, rules, stages)

    assert problems == ["stage 'cin_plan' names unknown timescale 'cin_plan_review'"]


# -- rows: guards, selectors, roles -------------------------------------------------------

def test_a_guard_reading_a_field_its_payload_does_not_have_is_reported(rules: Rules) -> None:
    lucky = Guard("child_is_lucky", lambda ctx: None, ("luck",))
    table = _row_changed("start_screening", 0, guards=(lucky,))

    problems = _problems(rules, table)

    assert problems == ["'start_screening' guard 'child_is_lucky' reads 'luck', which its "
                        "payload does not have"]


def test_a_selector_reading_a_field_its_payload_does_not_have_is_reported(
        rules: Rules) -> None:
    moon = Selector("moon_is_full", lambda ctx: True, ("moon",))
    table = _row_changed("rate", 0, when=(moon,))

    problems = _problems(rules, table)

    assert problems == ["'rate' selector 'moon_is_full' reads 'moon', which its payload "
                        "does not have"]


def test_a_row_granted_to_nobody_is_reported(rules: Rules) -> None:
    problems = _problems(rules, _row_changed("start_screening", 0, roles=frozenset()))

    assert problems == ["'start_screening' row 1 is granted to nobody"]


def test_rows_chosen_by_what_was_entered_without_help_are_reported(rules: Rules) -> None:
    problems = _problems(rules, _changed("rate", help=("", "")))

    assert problems == ["'rate' chooses rows by what was entered but has no help for input "
                        "that fits none"]


def test_a_timescale_event_no_action_emits_is_reported(rules: Rules) -> None:
    table = _row_changed("hold_core_group", 0, emits=())

    problems = _problems(rules, table)

    assert problems == ["timescale events 'core_group_held' are never emitted by any action"]


# -- the action itself ---------------------------------------------------------------------

def test_an_action_without_a_label_is_reported(rules: Rules) -> None:
    assert _problems(rules, _changed("allocate", label="")) == ["'allocate' has no label"]


def test_an_action_without_rows_is_reported(rules: Rules) -> None:
    problems = _problems(rules, _changed("give_referrer_feedback", rows=()))

    assert problems == ["'give_referrer_feedback' has no rows",
                        "timescale events 'referrer_feedback_given' are never emitted by any "
                        "action"]


def test_an_action_registered_under_another_name_is_reported(rules: Rules) -> None:
    table = dict(actions())
    table["allocate"] = replace(table["allocate"], name="assign")

    assert "'allocate' is registered under another name than its own" in _problems(rules, table)


def test_an_action_borrowing_another_actions_effect_is_reported(rules: Rules) -> None:
    borrowed = actions()["close_case"].effect

    problems = _problems(rules, _changed("end_early_help", effect=borrowed))

    assert problems == ["'end_early_help' takes its effect from another action's module"]


@dataclass(frozen=True)
class _Unlabelled(Payload):
    reason: str = ask("")


@dataclass(frozen=True)
class _NoChoices(Payload):
    reason: str = ask("Reason")
    colour: str | None = ask("Colour", Kind.RADIOS)


@dataclass(frozen=True)
class _NotAsked(Payload):
    reason: str = ask("Reason")
    secret: str = ""


@pytest.mark.parametrize(("payload", "problems"), [
    (_Unlabelled, ["'end_early_help' payload field 'reason' has no label"]),
    (_NoChoices, ["'end_early_help' payload field 'colour' offers no choices"]),
    (_NotAsked, ["'end_early_help' payload field 'secret' is not made with ask()"]),
    (dict, ["'end_early_help' has a payload that is not a Payload dataclass",
            "'end_early_help' guard 'reason_given' reads 'reason', which its payload does "
            "not have"]),
], ids=["no-label", "radios-without-choices", "not-asked", "not-a-payload"])
def test_a_payload_that_cannot_be_asked_for_is_reported(rules: Rules, payload: type,
                                                        problems: list[str]) -> None:
    assert _problems(rules, _changed("end_early_help", payload=payload)) == problems


# -- deny by default -----------------------------------------------------------------------

def test_no_partner_agency_practitioner_or_administrator_can_move_a_contact() -> None:
    """Deny by default: partners may at most add to a contact, never change its stage."""
    rows = [(a, r) for a in actions().values() for r in a.rows]
    movers = {role for _a, r in rows if not r.internal for role in r.roles}

    assert Role.PARTNER not in movers
    assert Role.ADMINISTRATOR not in movers
    assert not [a.name for a, r in rows if Role.ADMINISTRATOR in r.roles]
    assert {a.name for a, r in rows if Role.PARTNER in r.roles} == {"answer_request"}


# -- the diagram -----------------------------------------------------------------------------

def test_the_diagram_shows_every_stage_and_every_stage_change() -> None:
    diagram = mermaid()

    assert diagram.startswith("stateDiagram-v2\n")
    for stage in Stage:
        assert stage.value in diagram
    for action in actions().values():
        for row in action.rows:
            if row.dest is not None:
                for source in row.sources:
                    assert f"{source.value} --> {row.dest.value}: {action.name}" in diagram
    assert "    [*] --> received\n" in diagram
    assert "    [*] --> passed_to_allocated_worker\n" in diagram
    assert "    closed --> [*]\n" in diagram
    assert "class " not in diagram


def test_the_diagram_is_drawn_from_the_actions_themselves(
        monkeypatch: pytest.MonkeyPatch) -> None:
    table = _without_rows("hold_icpc", Stage.CP_PLAN)
    monkeypatch.setattr(definition, "actions", lambda: table)

    diagram = mermaid()

    assert "section_47 --> cp_plan: hold_icpc" not in diagram
    assert "section_47 --> assessment: hold_icpc" in diagram


def test_the_diagram_highlights_the_current_stage_only() -> None:
    diagram = mermaid(current="section_47")

    assert "    class section_47 current" in diagram
    assert diagram.count("class ") == 1
    assert "classDef current" in diagram
