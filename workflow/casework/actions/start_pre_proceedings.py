"""Start pre-proceedings: the legal planning meeting decided to (PLO; census PPStartDate).

Recorded on a child in need or child protection case; the case stays where it is. The
date is the meeting's, never in the future, never before the referral.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflow.casework import pre_proceedings as pp
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import REASON_GIVEN, dated
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Start(Payload):
    started_on: date | None = ask("Date of the legal planning meeting that decided to start "
                                  "pre-proceedings", Kind.DATE)
    reason: str = ask("Why pre-proceedings", hint="What the legal planning meeting weighed.")


def _start(fired: Fired[Start]) -> None:
    p = fired.payload
    fired.contact.put(pp.PreProceedings(event_seq=fired.event.seq,
                                        started_on=p.started_on or fired.ctx.now.date(),
                                        started_by=fired.ctx.actor.username,
                                        reason=p.reason.strip()))


ACTION: Action[Start] = Action(
    name="start_pre_proceedings", order=170, label="Start pre-proceedings", payload=Start,
    rows=(row((Stage.CIN_PLAN, Stage.CP_PLAN), None, CASEWORK,
              guards=(pp.NONE_OPEN, dated("started_on", "of the legal planning meeting"),
                      REASON_GIVEN)),),
    effect=_start,
)
