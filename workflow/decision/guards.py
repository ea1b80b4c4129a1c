"""Rules of the threshold decision shared by its actions: the levels-of-need stamp, worked
out once per firing, and the reasonable-cause rule of R (AB & CD) v Haringey [2013]."""

from __future__ import annotations

from typing import Any

from workflow.decision.records import DecisionStamp
from workflow.engine.action import Ctx, Guard
from workflow.engine.rules import needs_text
from workflow.errors import GuardFailed

HARINGEY = ("record the reasonable cause to suspect significant harm (a section 47 "
            "decision without a recorded basis is unlawful: R (AB & CD) v Haringey [2013])")
REASONABLE_CAUSE: Guard[Any] = needs_text("reasonable_cause", HARINGEY,
                                          guard="reasonable_cause_given")


def stamp(ctx: Ctx[Any]) -> DecisionStamp:
    """The decision checked against the catalogue in force on its day (once per firing):
    an inconsistent decision is refused here, whoever calls the service layer."""
    found = ctx.memo.get("stamp")
    if isinstance(found, DecisionStamp):
        return found
    p = ctx.payload
    if p.level is None:
        raise GuardFailed("level_given", "Choose the level of need.", "level")
    if p.outcome is None:
        raise GuardFailed("outcome_given", "Choose an outcome.", "outcome")
    made = ctx.config.thresholds.stamp(ctx.now, p.level, p.outcome, tuple(p.indicators),
                                       p.rationale, p.override_reason)
    ctx.memo["stamp"] = made
    return made
