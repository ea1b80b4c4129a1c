"""Checks and pictures of the process definition, both drawn from the actions themselves.

``validate_spec`` returns a list of problems (SpiffWorkflow's ``validate()`` habit): a test
asserts it is empty, start-up refuses to run with any, and ``frontdoor check-spec`` prints
them. It proves every action has every part (a label, a payload of asked fields, rows
granted to someone, help where rows are chosen by what was entered), that every name a
guard or selector reads is a field of the action's payload, that every stage is reachable
and every open stage has a way out, that every stage names its clocks, and that every
clock event the timescales listen for is emitted. ``mermaid`` draws the same rows for the
UI and the docs, so the picture can never disagree with what the engine enforces.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Mapping
from typing import Any

from workflow.bookings.records import ANY_BOOKED, KINDS
from workflow.clocks.timescales import TimescaleBook
from workflow.engine.action import Action, Guard, Selector
from workflow.engine.payload import Kind, Payload, asks, field_names
from workflow.engine.registry import actions
from workflow.stages import STAGES, Stage

_CHOICE_KINDS = (Kind.RADIOS, Kind.SELECT, Kind.LEVEL, Kind.GRID)


def _entries(table: Mapping[str, Action[Any]]) -> set[Stage]:
    return {r.dest for a in table.values() for r in a.rows if not r.sources and r.dest}


def _reachable(table: Mapping[str, Action[Any]]) -> set[Stage]:
    seen = _entries(table)
    queue = deque(seen)
    while queue:
        stage = queue.popleft()
        for action in table.values():
            for row in action.rows:
                if stage in row.sources and row.dest and row.dest not in seen:
                    seen.add(row.dest)
                    queue.append(row.dest)
    return seen


def _stage_problems(table: Mapping[str, Action[Any]], book: TimescaleBook) -> list[str]:
    problems = []
    reachable = _reachable(table)
    for stage, spec in STAGES.items():
        if stage not in reachable:
            problems.append(f"stage '{stage}' cannot be reached from a contact's receipt")
        leaves = [r for a in table.values() for r in a.rows
                  if stage in r.sources and r.dest not in (None, stage)]
        if not spec.final and not leaves:
            problems.append(f"stage '{stage}' is not final but has no way out")
        if not spec.timed_by and not spec.untimed_reason:
            problems.append(f"stage '{stage}' names no clocks and gives no reason for none")
        problems += [f"stage '{stage}' names unknown timescale '{n}'"
                     for n in spec.timed_by if n not in book.names()]
    return problems


def _is_payload(payload: object) -> bool:
    return (isinstance(payload, type) and issubclass(payload, Payload)
            and dataclasses.is_dataclass(payload))


def _payload_problems(action: Action[Any]) -> list[str]:
    payload = action.payload
    if not _is_payload(payload):
        return [f"'{action.name}' has a payload that is not a Payload dataclass"]
    problems = []
    declared = {f.name for f in dataclasses.fields(payload)}
    asked = field_names(payload)
    problems += [f"'{action.name}' payload field '{n}' is not made with ask()"
                 for n in sorted(declared - asked)]
    for spec in asks(payload):
        if not spec.label:
            problems.append(f"'{action.name}' payload field '{spec.name}' has no label")
        if spec.kind in _CHOICE_KINDS and not (spec.choices or spec.choices_from):
            problems.append(f"'{action.name}' payload field '{spec.name}' offers no choices")
    return problems


def _row_problems(action: Action[Any]) -> list[str]:
    problems = []
    known = field_names(action.payload) if _is_payload(action.payload) else frozenset()
    for number, row in enumerate(action.rows, 1):
        if not row.roles:
            problems.append(f"'{action.name}' row {number} is granted to nobody")
        named: list[Guard[Any] | Selector[Any]] = [*row.guards, *row.when]
        for rule in named:
            problems += [f"'{action.name}' {type(rule).__name__.lower()} '{rule.name}' reads "
                         f"'{f}', which its payload does not have"
                         for f in rule.fields if f not in known]
    if action.rows and all(r.when for r in action.rows) and not action.help[1]:
        problems.append(f"'{action.name}' chooses rows by what was entered but has no help "
                        "for input that fits none")
    return problems


def _action_problems(name: str, action: Action[Any]) -> list[str]:
    problems = []
    if action.name != name:
        problems.append(f"'{name}' is registered under another name than its own")
    if not action.label:
        problems.append(f"'{action.name}' has no label")
    if not action.rows:
        problems.append(f"'{action.name}' has no rows")
    if action.booked and action.booked not in (*KINDS, ANY_BOOKED):
        problems.append(f"'{action.name}' offers the booking of '{action.booked}', which is "
                        "not a kind of meeting")
    module = getattr(action.effect, "__module__", None)
    if module and not module.endswith(f".{action.name}") and ".steps" not in module:
        problems.append(f"'{action.name}' takes its effect from another action's module")
    return problems + _payload_problems(action) + _row_problems(action)


def _event_problems(table: Mapping[str, Action[Any]], book: TimescaleBook) -> list[str]:
    emitted = {e for a in table.values() for r in a.rows for e in r.emits}
    return [f"timescale events '{e}' are never emitted by any action"
            for e in sorted(book.events() - emitted)]


def validate_spec(book: TimescaleBook, table: Mapping[str, Action[Any]] | None = None
                  ) -> list[str]:
    """Every problem with the actions and stages against the timescale rules; [] when sound."""
    table = actions() if table is None else table
    problems = [p for name, a in table.items() for p in _action_problems(name, a)]
    return problems + _stage_problems(table, book) + _event_problems(table, book)


def stage_edges(table: Mapping[str, Action[Any]] | None = None) -> list[tuple[str, str, str]]:
    """(from, to, action label) for every stage change, for the diagrams."""
    table = actions() if table is None else table
    return sorted({(s.value, r.dest.value, a.label) for a in table.values() for r in a.rows
                   if r.dest for s in r.sources})


def mermaid(current: str | None = None) -> str:
    """A Mermaid state diagram of every action's rows; ``current`` is highlighted."""
    table = actions()
    lines = ["stateDiagram-v2"]
    lines += [f"    [*] --> {s.value}" for s in sorted(_entries(table))]
    edges = sorted({(s.value, r.dest.value, a.name) for a in table.values() for r in a.rows
                    if r.dest for s in r.sources})
    lines += [f"    {src} --> {dst}: {name}" for src, dst, name in edges]
    lines += [f"    {s.value} --> [*]" for s, spec in STAGES.items() if spec.final]
    if current:
        lines += ["    classDef current fill:#ffdd00,stroke:#0b0c0c,stroke-width:3px",
                  f"    class {current} current"]
    return "\n".join(lines) + "\n"
