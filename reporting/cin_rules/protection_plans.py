"""Child protection plans (``<ChildProtectionPlans>``): each starts at its initial
conference, runs in order, never overlaps another, and its reviews follow its start.
"""

from __future__ import annotations

from collections.abc import Iterator

from reporting.census.model import ChildRecord, EpisodeRecord, Return
from reporting.cin_codes import CATEGORIES_OF_ABUSE
from reporting.cin_rules.base import RETURN, Ctx, Family, Hit, Kind, contact, dmy

family = Family()
STARTED = contact("hold_icpc.held_at", "the initial conference that made the plan")
ENDED = contact("hold_review_conference.held_at", "the review conference that ended the plan")
CATEGORY = contact("hold_icpc.category", "the plan's category of abuse")
REVIEW = contact("hold_review_conference.held_at", "the review conference's date")


@family.episode_rule("1105", "The child protection plan start date cannot be before the "
                     "referral date", fields=("CPPstartDate", "CINreferralDate"), fix=STARTED)
def _after_referral(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if p.start and e.referral and p.start < e.referral:
            yield f"started {dmy(p.start)}, before the referral on {dmy(e.referral)}"


@family.return_rule("2883", "There are more child protection plans starting than initial "
                    "conferences taking place", fields=("CPPstartDate", "DateOfInitialCPC"),
                    fix=RETURN)
def _plans_from_conferences(census: Return, ctx: Ctx) -> Iterator[Hit]:
    episodes = [e for c in census.children for e in c.episodes]
    plans = sum(bool(p.start and ctx.in_year(p.start)) for e in episodes for p in e.plans)
    held = sum(bool(e.icpc and ctx.in_year(e.icpc)) for e in episodes) + sum(
        bool(s.icpc and ctx.in_year(s.icpc)) for e in episodes for s in e.section47s)
    if plans > held:
        yield Hit(f"{plans} plans started in {ctx.year}, from {held} initial conferences")


@family.episode_rule("2885", "Child protection plan shown as starting a different day to the "
                     "initial child protection conference.",
                     fields=("CPPstartDate", "DateOfInitialCPC"), fix=STARTED)
def _starts_at_icpc(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    """A plan starting in the year starts on the date of a conference of the referral's
    enquiries (those not marked 'not required'), or on the referral's own conference
    date when it has no enquiry."""
    enquiries = [s for s in e.section47s if s.not_required is not True]
    days = {s.icpc for s in enquiries} if enquiries else {e.icpc}
    for p in e.plans:
        if p.start and ctx.in_year(p.start) and p.start not in days:
            yield f"the plan starts {dmy(p.start)}, on no initial conference's date"


@family.episode_rule("8720", "Child Protection Plan Start Date missing or out of data "
                     "collection period", fields=("CPPstartDate", "ReferenceDate"), fix=STARTED)
def _start_given(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if p.start is None or p.start > ctx.end:
            yield f"plan start {dmy(p.start)}"


@family.episode_rule("8730", "Total Number of previous Child Protection Plans missing",
                     fields=("NumberOfPreviousCPP",), fix=STARTED)
def _previous_given(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if p.previous is None or p.previous < 0:
            yield f"the plan from {dmy(p.start)} has no count of previous plans"


@family.episode_rule("8840", "Child Protection Plan cannot start and end on the same day",
                     fields=("ChildProtectionPlans", "CPPstartDate", "CPPendDate"), fix=ENDED)
def _not_one_day(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if p.start and p.start == p.end:
            yield f"started and ended on {dmy(p.start)}"


@family.episode_rule("8841", "The review date cannot be on the same day or before the Child "
                     "protection Plan start date.", fields=("CPPstartDate", "CPPreviewDate"),
                     fix=REVIEW)
def _review_after_start(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        for review in p.reviews:
            if review and p.start and review <= p.start:
                yield f"review {dmy(review)}, not after the plan's start on {dmy(p.start)}"


@family.episode_rule("8842Q", "Please check and either amend or provide a reason: Review Record "
                     "has a missing date", fields=("CPPreviewDate",), fix=REVIEW,
                     kind=Kind.QUERY)
def _review_dated(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if any(r is None for r in p.reviews):
            yield f"a review of the plan from {dmy(p.start)} has no date"


@family.episode_rule("8905", "Initial Category of Abuse code missing or invalid (see Category "
                     "of Abuse table in CIN Census code set)", fields=("InitialCategoryOfAbuse",),
                     fix=CATEGORY)
def _initial_category(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if p.initial_category not in CATEGORIES_OF_ABUSE:
            yield f"initial category '{p.initial_category or ''}' is not NEG, PHY, SAB, EMO or MUL"


@family.episode_rule("8910", "Latest Category of Abuse code missing or invalid (see Category "
                     "of Abuse table in CIN Census code set)", fields=("LatestCategoryOfAbuse",),
                     fix=CATEGORY)
def _latest_category(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if p.latest_category not in CATEGORIES_OF_ABUSE:
            yield f"latest category '{p.latest_category or ''}' is not NEG, PHY, SAB, EMO or MUL"


@family.episode_rule("8915", "Child Protection Plan shown as starting after the child’s Date of "
                     "Death", fields=("CPPstartDate", "PersonDeathDate"), fix=STARTED)
def _started_alive(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if c.death and p.start and p.start > c.death:
            yield f"started {dmy(p.start)}, after the death on {dmy(c.death)}"


@family.episode_rule("8920", "Child Protection Plan cannot end after the child’s Date of Death",
                     fields=("PersonDeathDate", "CPPendDate"), fix=ENDED)
def _ended_alive(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if c.death and p.end and p.end > c.death:
            yield f"ended {dmy(p.end)}, after the death on {dmy(c.death)}"


@family.episode_rule("8925", "Child Protection Plan End Date earlier than Start Date",
                     fields=("CPPstartDate", "CPPendDate"), fix=ENDED)
def _in_order(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if p.start and p.end and p.end < p.start:
            yield f"ended {dmy(p.end)}, before it started on {dmy(p.start)}"


@family.episode_rule("8930", "Child Protection Plan End Date must fall within the census year",
                     fields=("CPPendDate", "ReferenceDate"), fix=ENDED)
def _ended_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in e.plans:
        if p.end and not ctx.in_year(p.end):
            yield f"ended {dmy(p.end)}, outside {ctx.year}"


@family.child_rule("8935", "This child is showing more than one open Child Protection plan, "
                   "i.e. with no End Date", fields=("CPPendDate",), fix=ENDED)
def _one_open(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    open_ones = [p for e in c.episodes for p in e.plans if p.end is None]
    if len(open_ones) > 1:
        yield f"{len(open_ones)} child protection plans are open"


@family.return_rule("8940", "Child Protection Plan data contains overlapping dates",
                    fields=("CPPstartDate", "CPPendDate"), fix=STARTED)
def _no_overlap(census: Return, ctx: Ctx) -> Iterator[Hit]:
    for c in census.children:
        plans = [(e, p) for e in c.episodes for p in e.plans]
        for i, (e, a) in enumerate(plans):
            for j, (_, b) in enumerate(plans):
                if i == j or not (a.start and b.start) or a.start < b.start:
                    continue
                if a.start <= (b.end or ctx.end):
                    yield Hit(f"the plan from {dmy(a.start)} overlaps the plan from "
                              f"{dmy(b.start)}", c, e)
                    break
