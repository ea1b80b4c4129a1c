"""Record the hand-over meeting after a case moved to another worker: it meets the
transfer standard (config/practice_standards.toml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.casework.activity import guards, record
from workflow.casework.records import ActivityKind
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.roles import CASEWORK
from workflow.stages import Stage

_CASES = (Stage.STRATEGY_DISCUSSION, Stage.SECTION_47, Stage.ASSESSMENT, Stage.CIN_PLAN,
          Stage.CP_PLAN)


@dataclass(frozen=True)
class HandoverMeeting(Payload):
    held_at: datetime | None = ask("Date and time of the hand-over meeting", Kind.DATETIME)
    note: str = ask("Who took part and what was handed over")


def _record(fired: Fired[HandoverMeeting]) -> None:
    record(fired, ActivityKind.HANDOVER)


ACTION: Action[HandoverMeeting] = Action(
    name="record_handover", order=108, label="Record the hand-over meeting",
    payload=HandoverMeeting,
    rows=(row(_CASES, None, CASEWORK,
              guards=guards("of the hand-over meeting", "say who took part and what was "
                            "handed over"), emits=("handover_held",)),),
    effect=_record,
)
