"""Close with no further action after the strategy discussion decided so.

Census: the referral was NFA (ReferralNFA), so it carries no assessment; RC8 and RC9 need
one (DOMAIN.md §5), so the closure reason is RC7.
"""

from __future__ import annotations

from dataclasses import replace

from workflow.casework.guards import DISCUSSION_RECORDED, discussion_decided
from workflow.casework.records import AssessmentStatus
from workflow.casework.steps import carry_out
from workflow.engine.action import Action, Fired, row
from workflow.engine.rules import RATIONALE_GIVEN, Rationale
from workflow.roles import MANAGERS, Role
from workflow.stages import Stage


def _close(fired: Fired[Rationale]) -> None:
    carry_out(fired)
    contact = fired.contact
    contact.referral_nfa = True
    contact.closure_reason = "RC7"
    if contact.assessment is not None and contact.assessment.current:
        contact.put(replace(contact.assessment, status=AssessmentStatus.CLOSED))


ACTION: Action[Rationale] = Action(
    name="strategy_no_further_action", order=40,
    label="Close with no further action after the discussion",
    payload=Rationale,
    rows=(row((Stage.STRATEGY_DISCUSSION,), Stage.CLOSED, MANAGERS | {Role.MASH_CHAIR},
              guards=(DISCUSSION_RECORDED, discussion_decided("no_further_action"),
                      RATIONALE_GIVEN),
              emits=("contact_closed",)),),
    effect=_close,
)
