"""The one shared ``transitions`` machine every contact passes through; it moves stages.

Habits from transitions issues #146, #379 and #434: the machine is built once with
``model=None`` and ``auto_transitions=False``, and a contact never joins it — a move is
fired on a small throwaway handle that carries only the stored stage, through the
machine's own event (``machine.events[name].trigger(handle)``, the call a model's
trigger method makes). So the stage cannot be reset by a forgotten ``initial=``, nothing
leaks, and no per-move ``add_model`` is paid.

The engine evaluates each guard once, to choose the row and explain any refusal; the
machine then has one event per row, with no conditions, and does exactly one job: it
moves the handle from the stage to the row's destination (or keeps it, for an in-stage
row), and refuses a move the table does not have.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from transitions import Machine

from workflow.engine.action import Action
from workflow.stages import Stage

#: Where a contact is before its receipt is recorded (the source of the intake rows).
UNRECORDED = "unrecorded"


class _Handle:
    """What the machine moves: only a stage, so the real contact is never touched."""

    def __init__(self, stage: str) -> None:
        self.stage = stage


def event_name(action: str, index: int) -> str:
    """The machine's event for one row of an action."""
    return f"{action}#{index}"


class StageMachine:
    """The shared machine built from every action's rows."""

    def __init__(self, actions: Mapping[str, Action[Any]]) -> None:
        states = [UNRECORDED, *(s.value for s in Stage)]
        self.machine = Machine(model=None, states=states, initial=None,
                               auto_transitions=False, model_attribute="stage")
        for action in actions.values():
            for index, row in enumerate(action.rows):
                sources: list[Any] = [s.value for s in row.sources] or [UNRECORDED]
                self.machine.add_transition(event_name(action.name, index), sources,
                                            row.dest.value if row.dest else None)
        self._lock = threading.Lock()  # transitions does not promise a shared machine is
        #                                 safe across threads

    def move(self, stage: Stage | None, action: str, index: int) -> Stage:
        """The stage after firing row ``index`` of ``action`` from ``stage``."""
        handle = _Handle(stage.value if stage else UNRECORDED)
        with self._lock:
            self.machine.events[event_name(action, index)].trigger(handle)
        return Stage(handle.stage)

    @property
    def models(self) -> list[Any]:
        """Models that joined the machine: always empty (nothing ever joins it)."""
        return list(self.machine.models)
