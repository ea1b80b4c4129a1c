"""Record a strategy discussion: who took part for each agency, its outcome, and why.

Held whenever there is reasonable cause to suspect significant harm (DOMAIN.md §2): after a
referral, during an assessment or on an open case. The outcome waits for the action that
carries it out (start s47, continue under s17, close); one reconvened during an enquiry
continues it and, where the council counts the conference from the last discussion
(``[strategy] icpc_anchor = "last"``), moves the conference target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflow.casework.config import LA_SOCIAL_WORKER, STATUSES
from workflow.casework.guards import (
    CAUSE_IF_SECTION_47,
    OUTCOME_GIVEN,
    PARTICIPATION_RECORDED,
    REASONS_GIVEN,
    REQUIRED_OR_REASON,
    STRATEGY_OUTCOMES,
)
from workflow.casework.macpt import MACPT_COMPLETE, MacptSupport, assistance
from workflow.casework.records import Participation, StrategyDiscussion
from workflow.engine.action import Action, Ctx, Fired, Narration, Selector, Told, row
from workflow.engine.payload import Kind, ask
from workflow.engine.rules import RATIONALE_GIVEN, dated, needs_text
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Discussion(MacptSupport):
    held_at: datetime | None = ask("Date and time held", Kind.DATETIME)
    chair: str = ask("Chaired by", Kind.TEXT, max_length=120)
    participation: dict[str, str] = ask(
        "How each agency took part", Kind.GRID, tuple(STATUSES.items()),
        hint="Required agencies that did not contribute need a reason on their row or below; "
             "any agency invited that did not contribute, or not invited, needs its reason.")
    participation_reasons: dict[str, str] = ask("Why an agency did not contribute",
                                                Kind.REASONS, max_length=2000)
    absence_reason: str = ask("Why a required agency did not contribute (if not on its row)")
    outcome: str | None = ask("Outcome of the discussion", Kind.RADIOS,
                              tuple(STRATEGY_OUTCOMES.items()))
    reasonable_cause: str = ask("Reasonable cause to suspect significant harm",
                                hint="Needed when the discussion initiates a section 47 enquiry.")
    rationale: str = ask("Rationale", hint="Why: what you weighed and what decided it.")


def _counts_from_last(ctx: Ctx[Discussion]) -> bool:
    return ctx.config.casework.icpc_anchor == "last"


def _record(fired: Fired[Discussion]) -> None:
    p, ctx = fired.payload, fired.ctx
    config = ctx.config.casework
    grid = tuple(Participation(a, p.participation[a],
                               str(p.participation_reasons.get(a) or "").strip())
                 for a in config.ids() if p.participation.get(a) in STATUSES)
    during_enquiry = fired.event.from_stage == Stage.SECTION_47
    fired.contact.put(StrategyDiscussion(
        event_seq=fired.event.seq, held_at=p.held_at or ctx.now, chair=p.chair,
        stage=str(fired.event.from_stage), outcome=str(p.outcome), rationale=p.rationale,
        reasonable_cause=p.reasonable_cause, absence_reason=p.absence_reason,
        recorded_by=ctx.actor.username, recorded_at=ctx.now, participation=grid,
        carried_out=during_enquiry, macpt=p.macpt or None, assistance=assistance(p)))


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    reasons, stated = p.get("participation_reasons") or {}, p.get("participation") or {}
    grid = "; ".join(
        f"{'Local authority social worker' if a == LA_SOCIAL_WORKER else n.agency(a)}: "
        f"{STATUSES.get(str(stated[a]), str(stated[a])).lower()}"
        + (f" ({reasons[a]})" if reasons.get(a) else "")
        for a in n.in_agency_order(stated))
    outcome = STRATEGY_OUTCOMES.get(str(p.get("outcome")), str(p.get("outcome", ""))).lower()
    return Told("Strategy discussion",
                f"Strategy discussion chaired by {p.get('chair') or '–'}: {outcome}",
                f"{n.reason} Agencies: {grid}")


_GUARDS = (dated("held_at", "it was held"),
           needs_text("chair", "record who chaired the strategy discussion"),
           PARTICIPATION_RECORDED, REQUIRED_OR_REASON, REASONS_GIVEN, OUTCOME_GIVEN,
           CAUSE_IF_SECTION_47, RATIONALE_GIVEN, MACPT_COMPLETE)
ACTION: Action[Discussion] = Action(
    name="hold_strategy_discussion", order=10,
    label="Record a strategy discussion", payload=Discussion,
    rows=(
        row((Stage.SECTION_47,), None, CASEWORK,
            when=(Selector("icpc_counted_from_the_last_discussion", _counts_from_last),),
            guards=_GUARDS, emits=("strategy_discussion_held", "icpc_reanchored")),
        row((Stage.STRATEGY_DISCUSSION, Stage.ASSESSMENT, Stage.CIN_PLAN, Stage.SECTION_47),
            None, CASEWORK, guards=_GUARDS, emits=("strategy_discussion_held",)),
    ),
    effect=_record, narrate=_told,
)
