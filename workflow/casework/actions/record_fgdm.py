"""Record whether the family group decision-making meeting the letter offered was held,
and when (census FGDMMeetingFac; the date is the record's own).

A meeting held is dated, not before the letter that offered it; one not held says why
(the family declined, it was not in the child's best interests after all …).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from workflow.casework import pre_proceedings as pp
from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import local_day, one_of, text
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Fgdm(Payload):
    facilitated: bool | None = ask("Was the family group decision-making meeting held?",
                                   Kind.YES_NO)
    held_on: date | None = ask("Date it was held", Kind.DATE)
    reason: str = ask("If not held, why")


def _dated_if_held(ctx: Ctx[Any]) -> Failure:
    p = ctx.payload
    if p.facilitated is not True:
        return None if text(ctx, "reason") or p.facilitated is None else (
            "reason", "say why the meeting was not held")
    if p.held_on is None:
        return "held_on", "give the date the meeting was held"
    today = local_day(ctx, ctx.now)
    if today is not None and p.held_on > today:
        return "held_on", "the date the meeting was held cannot be in the future"
    return None


def _record(fired: Fired[Fgdm]) -> None:
    p, record = fired.payload, pp.current(fired.ctx)
    assert record is not None  # the OPEN guard held
    held = p.held_on if p.facilitated else None
    fired.contact.put(replace(record, fgdm_facilitated=p.facilitated, fgdm_held_on=held,
                              fgdm_not_held_reason="" if p.facilitated else p.reason.strip()))


ACTION: Action[Fgdm] = Action(
    name="record_fgdm", order=172, label="Record the family group decision-making meeting",
    payload=Fgdm,
    rows=(row((Stage.CIN_PLAN, Stage.CP_PLAN), None, CASEWORK, guards=(
        pp.OPEN, pp.LETTER_SENT, pp.FGDM_OFFERED,
        one_of("facilitated", (True, False), "say whether the meeting was held",
               guard="fgdm_outcome_stated"),
        Guard("fgdm_dated_or_explained", _dated_if_held, ("facilitated", "held_on", "reason")),
        pp.on_or_after("held_on", "the meeting was held", "letter_sent_on", "the letter that "
                       "offered it"))),),
    effect=_record,
)
