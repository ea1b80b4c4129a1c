"""Referral episodes (``<CINdetails>``): dates, codes, closure, no further action, overlaps.

Each rule quotes the DfE's code and message. Where the DfE's words leave a reading open
(what "between" includes), the reading of Data to Insight's csc-validator-be-cin 0.1.13 is
taken, so the two agree; where that validator is plainly at odds with the DfE's words
(noted in the rule), the DfE's words are taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from reporting.census.model import ChildRecord, EpisodeRecord, Return
from reporting.cin_codes import PRIMARY_NEEDS, REFERRAL_SOURCES
from reporting.cin_rules.base import SOFTWARE, Ctx, Family, Hit, Kind, contact, dmy, person

family = Family()
REFERRAL = contact("", "the referral date")
NEED = contact("decide.primary_need", "the primary need (decision or assessment)")
CLOSURE = contact("close_case.closure_reason", "the closure and its reason")
SOURCE = contact("", "the referral source recorded with the contact")
DECISION = contact("decide.outcome", "the referral's outcome")
ACTIVITY = contact("", "the dates recorded on the referral")
REASONS = {f"RC{n}" for n in range(1, 10)}
SOURCES = {code for code, _ in REFERRAL_SOURCES}
_RULE_8866_FROM = date(2013, 4, 1)


@family.episode_rule("8568", "RNFA flag is missing or invalid", fields=("ReferralNFA",),
                     fix=SOFTWARE)
def _nfa_flag(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.nfa is None:
        yield f"the referral of {dmy(e.referral)} has no valid <ReferralNFA>"


@family.episode_rule("8569Q", "A case with referral date before one working day prior to the "
                     "collection start date must not be flagged as a no further action case",
                     fields=("ReferralNFA",), fix=DECISION, kind=Kind.QUERY)
def _old_nfa(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    first = ctx.first_working_day_of_year()
    if e.referral and e.referral < first and e.nfa is not False:
        yield f"referred {dmy(e.referral)}, before {dmy(first)}, and marked no further action"


@family.child_rule("8590", "Child does not have a recorded CIN episode.", fields=("LAchildID",),
                   fix=SOFTWARE)
def _has_episode(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if not c.episodes:
        yield "the child has no <CINdetails>"


@family.episode_rule("8600", "Child referral date missing or after data collection period",
                     fields=("CINreferralDate",), fix=REFERRAL)
def _referral_date(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.referral is None or e.referral > ctx.end:
        yield f"referral date {dmy(e.referral)} (the year ends {dmy(ctx.end)})"


@family.episode_rule("8606", "Child referral date is more than 40 weeks before DOB or "
                     "expected DOB", fields=("CINreferralDate", "PersonBirthDate",
                                            "ExpectedPersonBirthDate"),
                     fix=person("date_of_birth", "the date of birth"))
def _referral_before_birth(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for born in (c.birth, c.expected_birth):
        if e.referral and born and e.referral < born - timedelta(days=280):
            yield f"referred {dmy(e.referral)}, more than 280 days before {dmy(born)}"


@family.episode_rule("8610", "Primary Need code is missing for a referral which led to "
                     "further action.", fields=("ReferralNFA", "PrimaryNeedCode"), fix=NEED)
def _need_given(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.nfa is False and not e.primary_need:
        yield f"the referral of {dmy(e.referral)} has no primary need"


@family.episode_rule("8650", "Primary Need Code invalid (see Primary Need table in CIN census "
                     "code set)", fields=("PrimaryNeedCode",), fix=NEED)
def _need_code(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.primary_need and e.primary_need not in PRIMARY_NEEDS:
        yield f"'{e.primary_need}' is not N0 to N9"


@family.episode_rule("8866", "Source of Referral is missing or an invalid code",
                     fields=("CINreferralDate", "ReferralSource"), fix=SOURCE)
def _source(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.referral and e.referral >= _RULE_8866_FROM and e.source not in SOURCES:
        yield f"referral source '{e.source or ''}' is not a DfE code"


# -- closure --------------------------------------------------------------------------------
@family.episode_rule("8620", "CIN Closure Date present and does not fall within the Census "
                     "year", fields=("CINclosureDate",), fix=CLOSURE)
def _closed_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.closure and not ctx.in_year(e.closure):
        yield f"closed {dmy(e.closure)}, outside {ctx.year}"


@family.episode_rule("8630", "CIN Closure Date is before CIN Referral Date for the same CIN "
                     "episode", fields=("CINreferralDate", "CINclosureDate"), fix=CLOSURE)
def _closed_after_referral(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.closure and e.referral and e.closure < e.referral:
        yield f"closed {dmy(e.closure)}, before the referral on {dmy(e.referral)}"


@family.episode_rule("8640", "CIN Reason for closure code invalid (see Reason for Closure table "
                     "in CIN Census code set)", fields=("ReasonForClosure",), fix=CLOSURE)
def _reason_code(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.reason and e.reason not in REASONS:
        yield f"'{e.reason}' is not RC1 to RC9"


@family.episode_rule("8805", "A CIN case cannot have a CIN closure date without a Reason for "
                     "Closure", fields=("CINclosureDate", "ReasonForClosure"), fix=CLOSURE)
def _reason_given(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.closure and not e.reason:
        yield f"closed {dmy(e.closure)} with no reason for closure"


@family.episode_rule("8810", "A CIN case cannot have a Reason for Closure without a CIN Closure "
                     "Date", fields=("ReasonForClosure", "CINclosureDate"), fix=CLOSURE)
def _date_given(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.reason and not e.closure:
        yield f"reason {e.reason} is given but no closure date"


@family.episode_rule("8585Q", "Please check and either amend or provide a reason: CIN episode "
                     "shows Died as the Closure Reason, however child has no recorded Date of "
                     "Death", fields=("ReasonForClosure", "PersonDeathDate"), fix=CLOSURE,
                     kind=Kind.QUERY)
def _died(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.reason == "RC2" and c.death is None:
        yield "closed as RC2 (died) with no date of death"


@family.episode_rule("8555Q", "Child cannot be referred after its recorded date of death",
                     fields=("PersonDeathDate", "CINreferralDate"), fix=REFERRAL,
                     kind=Kind.QUERY)
def _referred_alive(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.death and e.referral and e.referral > c.death:
        yield f"referred {dmy(e.referral)}, after the death on {dmy(c.death)}"


def _activity(e: EpisodeRecord) -> Iterator[tuple[str, date]]:
    """The dates rule 8565 lists, each named for a sentence."""
    named: list[tuple[str, date | None]] = [("initial conference", e.icpc)]
    for a in e.assessments:
        named += [("assessment start", a.start), ("assessment authorisation", a.authorised)]
    for s in e.section47s:
        named += [("section 47 start", s.start), ("initial conference", s.icpc)]
    named += [("child protection plan end", p.end) for p in e.plans]
    for p in e.cin_plans:
        named += [("CIN plan start", p.start), ("CIN plan end", p.end)]
    yield from ((what, day) for what, day in named if day is not None)


@family.episode_rule("8565", "Activity shown after a case has been closed",
                     fields=("CINclosureDate", "DateOfInitialCPC", "AssessmentActualStartDate",
                             "AssessmentAuthorisationDate", "S47ActualStartDate", "CPPendDate",
                             "CINPlanStartDate", "CINPlanEndDate"), fix=ACTIVITY)
def _after_closure(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    """Every listed date is on or before the closure (the DfE's list includes
    <CPPendDate>, which csc-validator-be-cin 0.1.13 compares with a test row instead)."""
    if e.closure:
        later = [f"{what} {dmy(day)}" for what, day in _activity(e) if day > e.closure]
        if later:
            yield f"closed {dmy(e.closure)}, yet {', '.join(later)}"


@family.episode_rule("8825Q", "Please check and either amend data or provide a reason: Reason "
                     "for Closure code RC8 (case closed after assessment) or RC9 (case closed "
                     "after assessment, referred to early help) has been returned but there is "
                     "no assessment present for the episode.", fields=("ReasonForClosure",),
                     fix=CLOSURE, kind=Kind.QUERY)
def _assessed_before_rc8(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.reason in ("RC8", "RC9") and not e.assessments:
        yield f"closed as {e.reason} with no assessment"


@family.episode_rule("2990", "Activity is recorded against a case marked as ‘Case closed after "
                     "assessment, no further action’ or 'case closed after assessment, referred "
                     "to early help'.", fields=("ReasonForClosure",), fix=CLOSURE)
def _nothing_after_rc8(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    found = [what for what, present in (("a section 47 enquiry", e.section47s),
                                        ("a child protection plan", e.plans),
                                        ("an initial conference", e.icpc),
                                        ("a CIN plan", e.cin_plans)) if present]
    if e.reason in ("RC8", "RC9") and found:
        yield f"closed as {e.reason} yet it has {' and '.join(found)}"


@family.episode_rule("8867", "CIN episode is shown as closed, however Assessment is not shown "
                     "as completed", fields=("CINclosureDate", "AssessmentAuthorisationDate"),
                     fix=contact("complete_assessment.assessment_outcome",
                                 "the assessment's authorisation"))
def _assessments_finished(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.closure:
        for a in e.assessments:
            if a.authorised is None:
                yield f"closed {dmy(e.closure)}, the assessment started {dmy(a.start)} is open"


@family.episode_rule("8868", "CIN episode is shown as closed, however Section 47 enquiry is not "
                     "shown as completed by ICPC date or ICPC not required flag",
                     fields=("ICPCnotRequired", "CINclosureDate", "DateOfInitialCPC"),
                     fix=contact("hold_icpc.held_at", "the enquiry's conference or 'not "
                                 "required'"))
def _enquiries_finished(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    """Either a conference date or 'not required', one of the two (as the validator
    reads "either", both together are reported too)."""
    if e.closure:
        for s in e.section47s:
            if (s.icpc is not None) != (s.not_required is True):
                continue
            yield (f"closed {dmy(e.closure)}, the enquiry started {dmy(s.start)} has "
                   + ("both a conference and 'not required'" if s.icpc
                      else "neither a conference nor 'not required'"))


# -- no further action -----------------------------------------------------------------------
@family.episode_rule("8831", "Activity is recorded against a case marked as a referral with "
                     "no further action", fields=("AssessmentActualStartDate",
                                                  "AssessmentAuthorisationDate",
                                                  "S47ActualStartDate", "DateOfInitialCPC"),
                     fix=DECISION)
def _nothing_on_nfa(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    busy = (e.icpc or any(a.start or a.authorised for a in e.assessments)
            or any(s.start or s.icpc for s in e.section47s))
    if e.nfa is True and busy:
        yield f"the referral of {dmy(e.referral)} is no further action yet has an assessment " \
              "or enquiry"


@family.episode_rule("8832", "Child Protection details provided for a referral with no further "
                     "action.", fields=("CINdetailsID", "ReferralNFA"), fix=DECISION)
def _no_plan_on_nfa(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.nfa is True and e.plans:
        yield f"the referral of {dmy(e.referral)} is no further action yet has a plan"


# -- episodes of one child -------------------------------------------------------------------
def _open_for_action(e: EpisodeRecord) -> bool:
    return e.closure is None and e.nfa is False


@family.child_rule("8815", "More than one open CIN Details episode (a module with no CIN "
                   "Closure Date) has been provided for this child and case is not a referral "
                   "with no further action.", fields=("ReferralNFA", "CINclosureDate"),
                   fix=CLOSURE)
def _one_open(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    open_ones = [e for e in c.episodes if _open_for_action(e)]
    if len(open_ones) > 1:
        yield (f"{len(open_ones)} referrals are open: "
               f"{', '.join(dmy(e.referral) for e in open_ones)}")


@family.return_rule("8816", "An open CIN episode is shown and case is not a referral with no "
                    "further action, but it is not the latest episode.",
                    fields=("CINreferralDate", "ReferralNFA"), fix=CLOSURE)
def _open_is_latest(census: Return, ctx: Ctx) -> Iterator[Hit]:
    for c in census.children:
        dates = [e.referral for e in c.episodes if e.referral]
        for e in c.episodes:
            if _open_for_action(e) and e.referral and e.referral < max(dates):
                yield Hit(f"the referral of {dmy(e.referral)} is open but a later one was made "
                          f"on {dmy(max(dates))}", c, e)


def _overlaps(a: EpisodeRecord, b: EpisodeRecord, ctx: Ctx) -> bool:
    """a's referral falls inside b: from b's referral to before its closure, or to the
    reference date while b is open and not NFA."""
    if a.referral is None or b.referral is None or a.referral < b.referral:
        return False
    if b.closure is not None:
        return a.referral < b.closure
    return b.nfa is False and a.referral < ctx.end


@family.return_rule("8820", "The dates on the CIN episodes for this child overlap",
                    fields=("CINreferralDate", "CINclosureDate"), fix=CLOSURE)
def _no_overlap(census: Return, ctx: Ctx) -> Iterator[Hit]:
    for c in census.children:
        for i, a in enumerate(c.episodes):
            for j, b in enumerate(c.episodes):
                if i != j and _overlaps(a, b, ctx):
                    yield Hit(f"the referral of {dmy(a.referral)} starts inside the referral of "
                              f"{dmy(b.referral)} (closed {dmy(b.closure)})", c, a)
