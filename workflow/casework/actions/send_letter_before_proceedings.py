"""Record the letter before proceedings and whether it offers a family group
decision-making meeting (census LBPSentDate, FGDMMeetingOffer).

Section 31ZA Children Act 1989 (inserted by the Children's Wellbeing and Schools Act 2026
s1) asks that the letter offer an FGDM meeting unless that is not in the child's best
interests: a letter without the offer needs that reason written down. The letter cannot
be dated before pre-proceedings began (DfE census rule 9006).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from workflow.casework import pre_proceedings as pp
from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import dated, one_of, text
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Letter(Payload):
    sent_on: date | None = ask("Date the letter before proceedings was sent", Kind.DATE)
    fgdm_offered: bool | None = ask("Does the letter offer a family group decision-making "
                                    "meeting?", Kind.YES_NO)
    not_offered_reason: str = ask(
        "If not, why a meeting is not in the child's best interests",
        hint="Children Act 1989 s31ZA: the offer is made unless it is not in the child's "
             "best interests.")


def _reason_if_not_offered(ctx: Ctx[Any]) -> Failure:
    if ctx.payload.fgdm_offered is not False or text(ctx, "not_offered_reason"):
        return None
    return "not_offered_reason", ("say why a family group decision-making meeting is not in "
                                  "the child's best interests (Children Act 1989 s31ZA)")


def _send(fired: Fired[Letter]) -> None:
    p, record = fired.payload, pp.current(fired.ctx)
    assert record is not None  # the OPEN guard held
    fired.contact.put(replace(record, letter_sent_on=p.sent_on, fgdm_offered=p.fgdm_offered,
                              fgdm_not_offered_reason=p.not_offered_reason.strip()))


ACTION: Action[Letter] = Action(
    name="send_letter_before_proceedings", order=171, label="Record the letter before "
    "proceedings", payload=Letter,
    rows=(row((Stage.CIN_PLAN, Stage.CP_PLAN), None, CASEWORK, guards=(
        pp.OPEN, pp.LETTER_NOT_SENT, dated("sent_on", "the letter was sent"),
        pp.on_or_after("sent_on", "of the letter", "started_on", "the date pre-proceedings "
                       "began", rule="9006"),
        one_of("fgdm_offered", (True, False), "say whether the letter offers a family group "
               "decision-making meeting (DfE census rule 9007)", guard="fgdm_offer_stated"),
        Guard("fgdm_not_offered_reason_given", _reason_if_not_offered,
              ("fgdm_offered", "not_offered_reason")))),),
    effect=_send,
)
