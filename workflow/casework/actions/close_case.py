"""Close a child in need case with its CIN reason for closure.

RC8 and RC9 are closures straight after an assessment (DOMAIN.md §5), which a child in
need plan is not, so they are not offered here.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import REASON_GIVEN, one_of
from workflow.roles import MANAGERS
from workflow.stages import Stage

CLOSURE_REASONS = {"RC1": "Adopted", "RC2": "Died", "RC3": "Child arrangements order",
                   "RC4": "Special guardianship order", "RC5": "Transferred to another LA",
                   "RC6": "Transferred to adult social care",
                   "RC7": "Services ceased for any other reason"}


@dataclass(frozen=True)
class Closure(Payload):
    closure_reason: str | None = ask("Reason for closure (CIN code)", Kind.SELECT,
                                     tuple((c, f"{c}: {t}") for c, t in CLOSURE_REASONS.items()))
    reason: str = ask("Reason")


def _close(fired: Fired[Closure]) -> None:
    fired.contact.closure_reason = fired.payload.closure_reason


ACTION: Action[Closure] = Action(
    name="close_case", order=130, label="Close the case", payload=Closure,
    rows=(row((Stage.CIN_PLAN,), Stage.CLOSED, MANAGERS, guards=(
        one_of("closure_reason", CLOSURE_REASONS, "choose a CIN reason for closure",
               guard="closure_reason_given"), REASON_GIVEN), emits=("contact_closed",)),),
    effect=_close,
)
