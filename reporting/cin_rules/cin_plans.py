"""CIN plans (``<CINPlanDates>``): in the year, in order, one at a time, and never running
alongside a child protection plan (4001, 4003, 4016, 4017).

The "alongside" rules compare every plan of the child, across referrals, as the DfE's tool
does; 4003's review dates are compared within the referral, as the DfE's words say.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from reporting.census.model import ChildRecord, EpisodeRecord, Return
from reporting.cin_rules.base import Ctx, Family, Hit, Kind, contact, dmy

family = Family()
PLAN = contact("", "the CIN plan's dates (the steps into and out of the plan)")


def _inside(day: date | None, start: date | None, end: date | None, ctx: Ctx, *,
            closed_end: bool) -> bool:
    """``day`` on or after ``start`` and before ``end`` (on it too when ``closed_end``), or
    on or before the reference date when there is no end."""
    if day is None or start is None or day < start:
        return False
    if end is None:
        return day <= ctx.end
    return day <= end if closed_end else day < end


@family.episode_rule("4000", "CIN Plan details provided for a referral with no further action",
                     fields=("ReferralNFA",), fix=contact("decide.outcome",
                                                          "the referral's outcome"))
def _none_on_nfa(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.nfa is True and e.cin_plans:
        yield f"the referral of {dmy(e.referral)} is no further action yet has a CIN plan"


@family.episode_rule("4001", "A CIN Plan cannot run concurrently with a Child Protection Plan",
                     fields=("CINPlanEndDate", "CPPendDate"), fix=PLAN)
def _not_both_open(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if any(p.end is None for p in e.plans) and any(
            p.start and p.end is None for p in e.cin_plans):
        yield "a child protection plan and a CIN plan are both open"


@family.episode_rule("4003", "A CPP review date is shown as being held at the same time as an "
                     "open CIN Plan.", fields=("CINPlanStartDate", "CINPlanEndDate",
                                              "CPPreviewDate"), fix=PLAN)
def _no_review_in_cin_plan(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for plan in e.plans:
        for review in plan.reviews:
            if review is None or review == plan.end:
                continue
            for cin in e.cin_plans:
                if _inside(review, cin.start, cin.end, ctx, closed_end=True):
                    yield (f"review {dmy(review)} falls in the CIN plan from {dmy(cin.start)} "
                           f"to {dmy(cin.end)}")


@family.episode_rule("4004", "This child is showing more than one open CIN Plan, i.e. with no "
                     "End Date", fields=("CINPlanEndDate",), fix=PLAN)
def _one_open(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    open_ones = [p for p in e.cin_plans if p.end is None]
    if len(open_ones) > 1:
        yield f"{len(open_ones)} CIN plans are open"


@family.child_rule("4008", "CIN Plan shown as starting after the child’s Date of Death.",
                   fields=("PersonDeathDate", "CINPlanStartDate"), fix=PLAN)
def _started_alive(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for e in c.episodes:
        for p in e.cin_plans:
            if c.death and p.start and p.start > c.death:
                yield f"started {dmy(p.start)}, after the death on {dmy(c.death)}"


@family.child_rule("4009Q", "CIN Plan cannot end after the child’s Date of Death",
                   fields=("PersonDeathDate", "CINPlanEndDate"), fix=PLAN, kind=Kind.QUERY)
def _ended_alive(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for e in c.episodes:
        for p in e.cin_plans:
            if c.death and p.end and p.end > c.death:
                yield f"ended {dmy(p.end)}, after the death on {dmy(c.death)}"


@family.episode_rule("4010", "CIN Plan start date is missing or out of data collection period",
                     fields=("CINPlanStartDate",), fix=PLAN)
def _start_given(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.cin_plans:
        if p.start is None or p.start > ctx.end:
            yield f"CIN plan start {dmy(p.start)}"


@family.episode_rule("4011", "CIN Plan End Date earlier than Start Date",
                     fields=("CINPlanEndDate", "CINPlanStartDate"), fix=PLAN)
def _in_order(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.cin_plans:
        if p.start and p.end and p.end < p.start:
            yield f"ended {dmy(p.end)}, before it started on {dmy(p.start)}"


@family.episode_rule("4012Q", "Please check and either amend or provide a reason: CIN Plan "
                     "shown as starting and ending on the same day",
                     fields=("CINPlanStartDate", "CINPlanEndDate"), fix=PLAN, kind=Kind.QUERY)
def _not_one_day(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.cin_plans:
        if p.start and p.start == p.end:
            yield f"started and ended on {dmy(p.start)}"


@family.episode_rule("4013", "CIN Plan end date must fall within the census year",
                     fields=("CINPlanEndDate", "ReferenceDate"), fix=PLAN)
def _ended_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.cin_plans:
        if p.end and not ctx.in_year(p.end):
            yield f"ended {dmy(p.end)}, outside {ctx.year}"


@family.episode_rule("4015", "The CIN Plan start date cannot be before the referral date",
                     fields=("CINPlanStartDate", "CINreferralDate"), fix=PLAN)
def _after_referral(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.cin_plans:
        if p.start and e.referral and p.start < e.referral:
            yield f"started {dmy(p.start)}, before the referral on {dmy(e.referral)}"


@family.return_rule("4014", "CIN Plan data contains overlapping dates",
                    fields=("CINPlanStartDate", "CINPlanEndDate"), fix=PLAN)
def _no_overlap(census: Return, ctx: Ctx) -> Iterator[Hit]:
    for c in census.children:
        plans = [(e, p) for e in c.episodes for p in e.cin_plans]
        for i, (e, a) in enumerate(plans):
            if any(i != j and _inside(a.start, b.start, b.end, ctx, closed_end=True)
                   for j, (_, b) in enumerate(plans)):
                yield Hit(f"the CIN plan from {dmy(a.start)} overlaps another", c, e)


@family.return_rule("4016", "A CIN Plan has been reported as open at the same time as a Child "
                    "Protection Plan.", fields=("CINPlanStartDate", "CPPstartDate",
                                               "CPPendDate"), fix=PLAN)
def _cin_not_in_cpp(census: Return, ctx: Ctx) -> Iterator[Hit]:
    for c in census.children:
        cpps = [p for e in c.episodes for p in e.plans]
        for e in c.episodes:
            for cin in e.cin_plans:
                if any(_inside(cin.start, p.start, p.end, ctx, closed_end=False) for p in cpps):
                    yield Hit(f"the CIN plan from {dmy(cin.start)} starts during a child "
                              "protection plan", c, e)


@family.return_rule("4017", "A CIN Plan has been reported as open at the same time as a Child "
                    "Protection Plan.", fields=("CINPlanStartDate", "CINPlanEndDate",
                                               "CPPstartDate"), fix=PLAN)
def _cpp_not_in_cin(census: Return, ctx: Ctx) -> Iterator[Hit]:
    for c in census.children:
        cins = [p for e in c.episodes for p in e.cin_plans]
        for e in c.episodes:
            for plan in e.plans:
                if any(_inside(plan.start, p.start, p.end, ctx, closed_end=False) for p in cins):
                    yield Hit(f"the child protection plan from {dmy(plan.start)} starts during "
                              "a CIN plan", c, e)
