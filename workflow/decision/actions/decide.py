"""Record the threshold decision: the level of need, the outcome, and why.

The system recommends and the worker decides (DOMAIN.md §4). The decision is checked
against the levels-of-need catalogue in force and stamped with its id and version and the
recommended level, inside the command path: a level below the recommendation is an
override, waits for a different manager's sign-off, and only then is in force. A referral
into social care stamps the referral date (census CINreferralDate) and opens the single
assessment (section 17 until a section 47 enquiry starts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.casework.records import Assessment
from workflow.decision.guards import REASONABLE_CAUSE, stamp
from workflow.decision.outcomes import (
    EARLY_HELP,
    NO_FURTHER_ACTION,
    OUTCOMES,
    PRIMARY_NEED_CHOICES,
    PRIMARY_NEEDS,
    REFERRAL,
    REFERRAL_OUTCOMES,
    STRATEGY,
)
from workflow.decision.records import DecisionStatus, ThresholdDecision
from workflow.engine.action import Action, Fired, Narration, Selector, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import RATIONALE_GIVEN, needs_text, one_of, payload_is
from workflow.roles import FRONT_DOOR
from workflow.stages import Stage

LEVELS = tuple((str(n), f"Level {n}") for n in range(1, 5))
CONSENT = (("given", "Yes, the family agrees"), ("not_given", "No"))


@dataclass(frozen=True)
class Decision(Payload):
    level: int | None = ask("Level of need", Kind.LEVEL, LEVELS)
    outcome: str | None = ask("Outcome", Kind.RADIOS, tuple(OUTCOMES.items()))
    indicators: tuple[str, ...] = ask("Indicators present (levels of need)", Kind.INDICATORS)
    primary_need: str | None = ask("Primary need (CIN census)", Kind.SELECT,
                                   PRIMARY_NEED_CHOICES, hint="For a referral to social care.")
    rationale: str = ask("Rationale", hint="Why: what you weighed and what decided it.")
    override_reason: str = ask("Reason for choosing a level below the recommendation")
    reasonable_cause: str = ask("Reasonable cause to suspect significant harm",
                                hint="The recorded basis for section 47 enquiries.")
    consent: str | None = ask("Family's agreement recorded", Kind.RADIOS, CONSENT)


def _is_override(ctx: Any) -> bool:
    return stamp(ctx).is_override


def _decide(fired: Fired[Decision]) -> None:
    p, ctx, contact = fired.payload, fired.ctx, fired.contact
    made = stamp(ctx)
    status = DecisionStatus.AWAITING_SIGNOFF if made.is_override else DecisionStatus.IN_FORCE
    contact.put(ThresholdDecision(
        event_seq=fired.event.seq, level=int(p.level or 0), outcome=str(p.outcome),
        rationale=p.rationale, decided_by=ctx.actor.username, decided_at=ctx.now,
        stamp=made, indicators=p.indicators, override_reason=p.override_reason,
        reasonable_cause=p.reasonable_cause, primary_need=p.primary_need, status=status))
    if status is DecisionStatus.IN_FORCE and p.outcome in REFERRAL_OUTCOMES:
        accept_referral(fired)


def accept_referral(fired: Fired[Any]) -> None:
    """The referral date, stamped once, and the single assessment it starts."""
    contact = fired.contact
    if contact.referral_at is None:
        contact.referral_at = fired.ctx.now
    contact.put(Assessment(kind="s17", started_at=contact.referral_at))


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    outcome = OUTCOMES.get(str(p.get("outcome")), str(p.get("outcome", ""))).lower()
    return Told("Decision", f"Threshold decision: level {p.get('level', '–')}, {outcome}",
                n.reason)


_OVERRIDE = Selector("decision_is_override", _is_override, ("level", "indicators"))
_REASON = needs_text("override_reason",
                     "a level below the recommendation needs a recorded reason",
                     guard="override_reason_given")
_CONSENT = one_of("consent", ("given",), "record the family's agreement to early help",
                  guard="consent_recorded")
#: A referral is a CIN census episode, and the census needs its primary need (DfE 8606):
#: asked of the worker deciding, when they know most, not left for the return.
_NEED = one_of("primary_need", tuple(PRIMARY_NEEDS),
               "choose the child's primary need (CIN census) for a referral",
               guard="primary_need_chosen")
_FROM = (Stage.THRESHOLD_DECISION,)

ACTION: Action[Decision] = Action(
    name="decide", order=10, label="Record the threshold decision", payload=Decision,
    rows=(
        row(_FROM, Stage.AWAITING_SIGNOFF, FRONT_DOOR, when=(_OVERRIDE,),
            guards=(RATIONALE_GIVEN, _REASON)),
        row(_FROM, Stage.CLOSED, FRONT_DOOR, when=(payload_is("outcome", *NO_FURTHER_ACTION),),
            guards=(RATIONALE_GIVEN,), emits=("decision_made", "contact_closed")),
        row(_FROM, Stage.EARLY_HELP, FRONT_DOOR, when=(payload_is("outcome", *EARLY_HELP),),
            guards=(RATIONALE_GIVEN, _CONSENT), emits=("decision_made", "stepped_down")),
        row(_FROM, Stage.ASSESSMENT, FRONT_DOOR, when=(payload_is("outcome", *REFERRAL),),
            guards=(RATIONALE_GIVEN, _NEED),
            emits=("decision_made", "referral_accepted", "s17_assessment_started")),
        row(_FROM, Stage.STRATEGY_DISCUSSION, FRONT_DOOR,
            when=(payload_is("outcome", *STRATEGY),),
            guards=(RATIONALE_GIVEN, REASONABLE_CAUSE, _NEED),
            emits=("decision_made", "referral_accepted", "strategy_discussion_decided")),
    ),
    effect=_decide, narrate=_told, preview="Update recommendation",
    help=("outcome", "choose an outcome: " + ", ".join(OUTCOMES.values()).lower()),
)
