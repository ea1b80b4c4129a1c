"""Section 47 enquiries (``<Section47>``): dates in order and in the year, one open at a
time, the initial conference never at a weekend.

Rule 8875's question (is the date at a weekend?) is the engine's own
(``workflow.casework.conference_dates``): the conference form refuses such a date as it is
typed, with the same rule cited, and this rule finds any that came in another way.
"""

from __future__ import annotations

from collections.abc import Iterator

from reporting.census.model import ChildRecord, EpisodeRecord, Section47Record
from reporting.cin_rules.base import Ctx, Family, Kind, contact, dmy
from workflow.casework import conference_dates

family = Family()
STARTED = contact("hold_strategy_discussion.held_at", "the strategy discussion that started "
                  "the enquiry")
CONFERENCE = contact("hold_icpc.held_at", "the initial conference's date")
OUTCOME = contact("hold_icpc.held_at", "the enquiry's conference, or 'conference not required'")


def _open(s: Section47Record) -> bool:
    """No conference yet and not recorded as not required."""
    return s.icpc is None and s.not_required is not True


@family.episode_rule("1104", "The date of the initial child protection conference cannot be "
                     "before the referral date", fields=("CINreferralDate", "DateOfInitialCPC"),
                     fix=CONFERENCE)
def _icpc_after_referral(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for s in e.section47s:
        if s.icpc and e.referral and s.icpc < e.referral:
            yield f"conference {dmy(s.icpc)}, before the referral on {dmy(e.referral)}"


@family.episode_rule("2889", "The S47 start date cannot be before the referral date.",
                     fields=("S47ActualStartDate", "CINreferralDate"), fix=STARTED)
def _start_after_referral(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for s in e.section47s:
        if s.start and e.referral and s.start < e.referral:
            yield f"started {dmy(s.start)}, before the referral on {dmy(e.referral)}"


@family.episode_rule("2884", "An initial child protection conference is recorded at both the "
                     "S47 and CIN Details level and it should only be recorded in one",
                     fields=("DateOfInitialCPC",), fix=CONFERENCE)
def _recorded_once(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.icpc and any(s.icpc == e.icpc for s in e.section47s):
        yield f"the conference of {dmy(e.icpc)} is recorded twice"


@family.episode_rule("8615", "Section 47 Enquiry Start Date must be present and cannot be later "
                     "than the date of the initial Child Protection Conference",
                     fields=("S47ActualStartDate", "DateOfInitialCPC"), fix=CONFERENCE)
def _start_before_icpc(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for s in e.section47s:
        if s.icpc and (s.start is None or s.start > s.icpc):
            yield f"conference {dmy(s.icpc)}, enquiry started {dmy(s.start)}"


@family.episode_rule("8675Q", "Please check and either amend data or provide a reason: S47 "
                     "Enquiry started more than 15 working days before the end of the census "
                     "year. However, there is no date of Initial Child Protection Conference.",
                     fields=("DateOfInitialCPC", "S47ActualStartDate", "ICPCnotRequired"),
                     fix=OUTCOME, kind=Kind.QUERY,
                     while_recording=False)
def _not_overdue(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    latest = ctx.working_days_before_end(15)
    for s in e.section47s:
        if s.icpc is None and s.not_required is False and s.start and s.start < latest:
            yield (f"started {dmy(s.start)} with no conference: more than 15 working days "
                   f"before {dmy(ctx.end)} (started before {dmy(latest)})")


@family.episode_rule("8715", "Date of Initial Child Protection Conference must fall within the "
                     "census year", fields=("DateOfInitialCPC", "ReferenceDate"),
                     fix=CONFERENCE)
def _icpc_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for s in e.section47s:
        if s.icpc and not ctx.in_year(s.icpc):
            yield f"conference {dmy(s.icpc)}, outside {ctx.year}"


@family.episode_rule("8740", "For a Section 47 Enquiry that has not held the Initial Child "
                     "Protection Conference by the end of the census year, the start date must "
                     "fall within the census year",
                     fields=("S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"),
                     fix=OUTCOME)
def _open_started_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for s in e.section47s:
        if s.icpc is None and s.not_required is False and not (s.start and ctx.in_year(s.start)):
            yield f"open since {dmy(s.start)}, outside {ctx.year}"


@family.episode_rule("8839", "Within one CINDetails group there are 2 or more open S47 "
                     "Assessments", fields=("DateOfInitialCPC",), fix=OUTCOME)
def _one_open(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    open_ones = [s for s in e.section47s if _open(s)]
    if len(open_ones) > 1:
        yield f"{len(open_ones)} section 47 enquiries are open on the referral"


@family.episode_rule("8870Q", "Please check and either amend or provide a reason: The Target "
                     "Date for Initial Child Protection Conference should not be a weekend",
                     fields=("InitialCPCtarget",), fix=STARTED, kind=Kind.QUERY)
def _target_weekday(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for s in e.section47s:
        if s.target and conference_dates.at_a_weekend(s.target):
            yield f"the conference target {dmy(s.target)} is a {s.target:%A}"


@family.episode_rule(conference_dates.RULE, conference_dates.MESSAGE,
                     fields=("DateOfInitialCPC",), fix=CONFERENCE)
def _icpc_weekday(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for s in e.section47s:
        if s.icpc and conference_dates.at_a_weekend(s.icpc):
            yield f"the conference of {dmy(s.icpc)} is dated on a {s.icpc:%A}"


@family.episode_rule("8890", "A Section 47 enquiry is shown as starting when there is another "
                     "Section 47 Enquiry ongoing", fields=("S47ActualStartDate",), fix=STARTED)
def _one_at_a_time(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    """No enquiry starts on or between another's start and conference (or the reference
    date while it is open); two identical rows are one duplicated row."""
    for i, a in enumerate(e.section47s):
        for j, b in enumerate(e.section47s):
            if i == j or (a.start, a.icpc) == (b.start, b.icpc) or not (a.start and b.start):
                continue
            end = b.icpc or (ctx.end if _open(b) else None)
            if end and b.start <= a.start <= end:
                yield f"started {dmy(a.start)} while the one started {dmy(b.start)} was open"
