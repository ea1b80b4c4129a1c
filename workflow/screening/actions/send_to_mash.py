"""Send to the MASH: partner agencies are asked for what they know, by the RAG deadline."""

from __future__ import annotations

from workflow.engine.action import Action, row
from workflow.engine.payload import Payload
from workflow.roles import FRONT_DOOR
from workflow.screening.guards import RAG_SET
from workflow.stages import Stage

ACTION: Action[Payload] = Action(
    name="send_to_mash", order=30, label="Send to MASH information gathering", payload=Payload,
    rows=(row((Stage.SCREENING,), Stage.INFORMATION_GATHERING, FRONT_DOOR, guards=(RAG_SET,)),),
)
