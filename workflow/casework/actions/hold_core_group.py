"""Record a core group meeting on a child protection plan (the first within 10 working days
of the conference: local procedures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.bookings.rules import mark_held
from workflow.casework.records import PlanMeeting
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import dated
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Held(Payload):
    held_at: datetime | None = ask("Date and time held", Kind.DATETIME)


def _record(fired: Fired[Held]) -> None:
    fired.contact.put(PlanMeeting("core_group", fired.payload.held_at or fired.ctx.now,
                                  fired.event.seq))
    mark_held(fired.contact, "core_group")


ACTION: Action[Held] = Action(
    name="hold_core_group", order=110, label="Record a core group meeting", payload=Held,
    rows=(row((Stage.CP_PLAN,), None, CASEWORK, guards=(dated("held_at", "it was held"),),
              emits=("core_group_held",)),),
    booked="core_group", effect=_record,
)
