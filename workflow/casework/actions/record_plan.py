"""Record that the child's plan was written or updated (child in need or child protection).

The first plan written meets the practice standard that times it from the assessment or
the initial conference (config/practice_standards.toml); later updates are kept as the
plan's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.casework.activity import guards, record
from workflow.casework.records import ActivityKind
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class PlanWritten(Payload):
    held_at: datetime | None = ask("Date and time the plan was written or updated",
                                   Kind.DATETIME)
    note: str = ask("What the plan says, or what changed")


def _record(fired: Fired[PlanWritten]) -> None:
    record(fired, ActivityKind.PLAN_WRITTEN)


ACTION: Action[PlanWritten] = Action(
    name="record_plan", order=105, label="Record the plan written or updated",
    payload=PlanWritten,
    rows=(row((Stage.CIN_PLAN, Stage.CP_PLAN), None, CASEWORK,
              guards=guards("the plan was written", "say what the plan says or what changed"),
              emits=("plan_written",)),),
    effect=_record,
)
