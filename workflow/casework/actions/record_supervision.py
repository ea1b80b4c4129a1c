"""Record case supervision by a team manager: only a manager may record it (supervision
is the manager's oversight of the worker's case), and each one starts the next interval
of the supervision standard (config/practice_standards.toml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.casework.activity import guards, record
from workflow.casework.records import ActivityKind
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.roles import MANAGERS
from workflow.stages import Stage


@dataclass(frozen=True)
class Supervision(Payload):
    held_at: datetime | None = ask("Date and time of the supervision", Kind.DATETIME)
    note: str = ask("Discussion and the actions agreed")


def _record(fired: Fired[Supervision]) -> None:
    record(fired, ActivityKind.SUPERVISION)


ACTION: Action[Supervision] = Action(
    name="record_supervision", order=107, label="Record case supervision",
    payload=Supervision,
    rows=(row((Stage.CIN_PLAN, Stage.CP_PLAN), None, MANAGERS,
              guards=guards("of the supervision", "say what was discussed and the actions "
                            "agreed"), emits=("case_supervised",)),),
    effect=_record,
)
