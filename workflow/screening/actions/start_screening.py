"""Start screening: a worker picks the contact up (open case? RAG rating next)."""

from __future__ import annotations

from workflow.engine.action import Action, row
from workflow.engine.payload import Payload
from workflow.roles import FRONT_DOOR
from workflow.stages import Stage

ACTION: Action[Payload] = Action(
    name="start_screening", order=10, label="Start screening", payload=Payload,
    rows=(row((Stage.RECEIVED,), Stage.SCREENING, FRONT_DOOR),),
)
