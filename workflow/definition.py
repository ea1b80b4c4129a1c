"""Checks and pictures of the process definition, both drawn from the one table.

``validate_spec`` returns a list of problems (SpiffWorkflow's ``validate()`` habit): a
test asserts it is empty, and the CLI prints it. ``mermaid`` draws the same table for
the UI and the docs, so the picture can never disagree with what the engine enforces.
"""

from __future__ import annotations

from collections import deque

from workflow.clocks.timescales import TimescaleBook
from workflow.guards import GUARDS, SELECTORS
from workflow.spec import TABLE
from workflow.stages import STAGES, Stage


def _reachable() -> set[Stage]:
    seen, queue = {Stage.RECEIVED}, deque([Stage.RECEIVED])
    while queue:
        stage = queue.popleft()
        for row in TABLE:
            if stage in row.sources and row.dest and row.dest not in seen:
                seen.add(row.dest)
                queue.append(row.dest)
    return seen


def _stage_problems(book: TimescaleBook) -> list[str]:
    problems = []
    reachable = _reachable()
    for stage, spec in STAGES.items():
        if stage not in reachable:
            problems.append(f"stage '{stage}' cannot be reached from 'received'")
        leaves = [r for r in TABLE if stage in r.sources and r.dest not in (None, stage)]
        if not spec.final and not leaves:
            problems.append(f"stage '{stage}' is not final but has no way out")
        if not spec.timed_by and not spec.untimed_reason:
            problems.append(f"stage '{stage}' names no clocks and gives no reason for none")
        problems += [f"stage '{stage}' names unknown timescale '{n}'"
                     for n in spec.timed_by if n not in book.names()]
    return problems


def _row_problems(book: TimescaleBook) -> list[str]:
    problems = []
    for row in TABLE:
        problems += [f"'{row.trigger}' names unknown guard '{g}'"
                     for g in row.guards if g not in GUARDS]
        problems += [f"'{row.trigger}' names unknown selector '{w}'"
                     for w in row.when if w not in SELECTORS]
        if not row.roles:
            problems.append(f"'{row.trigger}' is granted to nobody")
    return problems


def _event_problems(book: TimescaleBook) -> list[str]:
    emitted = {e for row in TABLE for e in row.emits} | {"contact_received"}
    return [f"timescale events '{e}' are never emitted by any transition"
            for e in sorted(book.events() - emitted)]


def validate_spec(book: TimescaleBook) -> list[str]:
    """Every problem with the table and stages against the timescale rules; [] when sound."""
    return _stage_problems(book) + _row_problems(book) + _event_problems(book)


def mermaid(current: str | None = None) -> str:
    """A Mermaid state diagram of the table; ``current`` is highlighted."""
    lines = ["stateDiagram-v2", "    [*] --> received"]
    edges = sorted({(s.value, r.dest.value, r.trigger) for r in TABLE if r.dest
                    for s in r.sources})
    lines += [f"    {src} --> {dst}: {trig}" for src, dst, trig in edges]
    lines += [f"    {s.value} --> [*]" for s, spec in STAGES.items() if spec.final]
    if current:
        lines += ["    classDef current fill:#ffdd00,stroke:#0b0c0c,stroke-width:3px",
                  f"    class {current} current"]
    return "\n".join(lines) + "\n"


def stage_edges() -> list[tuple[str, str, str]]:
    """(from, to, action label) for every stage change, for the HTML diagram."""
    return sorted({(s.value, r.dest.value, r.label) for r in TABLE if r.dest
                   for s in r.sources})
