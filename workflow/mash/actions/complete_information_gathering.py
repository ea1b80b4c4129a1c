"""Finish information gathering: every request is answered (or a manager closed the rest),
so the contact goes to the threshold decision with what the agencies said."""

from __future__ import annotations

from workflow.engine.action import Action, row
from workflow.engine.payload import Payload
from workflow.roles import FRONT_DOOR
from workflow.screening.guards import NO_OPEN_REQUESTS
from workflow.stages import Stage

ACTION: Action[Payload] = Action(
    name="complete_information_gathering", order=70, label="Finish information gathering",
    payload=Payload,
    rows=(row((Stage.INFORMATION_GATHERING,), Stage.THRESHOLD_DECISION, FRONT_DOOR,
              guards=(NO_OPEN_REQUESTS,), emits=("mash_completed",)),),
)
