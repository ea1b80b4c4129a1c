"""Assessments (``<Assessments>``): dates in order and in the year, one open at a time, and
the factors identified at a completed assessment.

8670Q counts working days as the DfE does (the reference date is day 1; bank holidays of
England and Wales, no council closures): ``Ctx.working_days_before_end``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from reporting.census.model import ChildRecord, EpisodeRecord
from reporting.cin_codes import ASSESSMENT_FACTORS
from reporting.cin_rules.base import Ctx, Family, Kind, contact, dmy

family = Family()
STARTED = contact("", "the assessment's start (the referral it follows)")
AUTHORISED = contact("complete_assessment.assessment_outcome", "the assessment's authorisation")
FACTORS = contact("submit_assessment.factors", "the factors identified at the assessment")
#: Factors rule 8897Q accepts: today's list and the two retired in 2024-25 (queried by
#: 8945Q and 8950Q rather than refused).
VALID_FACTORS = frozenset(ASSESSMENT_FACTORS) | {"18A", "19A"}


@family.episode_rule("1103", "The assessment start date cannot be before the referral date",
                     fields=("AssessmentActualStartDate", "CINreferralDate"), fix=STARTED)
def _after_referral(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for a in e.assessments:
        if a.start and e.referral and a.start < e.referral:
            yield f"started {dmy(a.start)}, before the referral on {dmy(e.referral)}"


@family.episode_rule("8608", "Assessment Start Date cannot be later than its End Date",
                     fields=("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
                     fix=AUTHORISED)
def _in_order(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for a in e.assessments:
        if a.start and a.authorised and a.authorised < a.start:
            yield f"authorised {dmy(a.authorised)}, before it started on {dmy(a.start)}"


@family.episode_rule("8614", "Parental or child factors at assessment should only be present "
                     "for a completed assessment.",
                     fields=("AssessmentAuthorisationDate", "AssessmentFactors"), fix=FACTORS)
def _factors_when_done(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for a in e.assessments:
        if a.authorised is None and a.factors:
            yield f"the assessment started {dmy(a.start)} is not authorised but has factors"


@family.episode_rule("8670Q", "Please check and either amend data or provide a reason: "
                     "Assessment started more than 45 working days before the end of the census "
                     "year. However, there is no Assessment end date.",
                     fields=("AssessmentActualStartDate",), fix=AUTHORISED, kind=Kind.QUERY,
                     while_recording=False)
def _not_overdue(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    latest = ctx.working_days_before_end(45)
    for a in e.assessments:
        if a.authorised is None and a.start and a.start < latest:
            yield (f"started {dmy(a.start)} and not authorised: more than 45 working days "
                   f"before {dmy(ctx.end)} (started before {dmy(latest)})")


@family.episode_rule("8696", "Assessment end date must fall within the census year",
                     fields=("AssessmentAuthorisationDate", "ReferenceDate"), fix=AUTHORISED)
def _authorised_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for a in e.assessments:
        if a.authorised and not ctx.in_year(a.authorised):
            yield f"authorised {dmy(a.authorised)}, outside {ctx.year}"


@family.episode_rule("8736", "For an Assessment that has not been completed, the start date "
                     "must fall within the census year",
                     fields=("AssessmentAuthorisationDate", "AssessmentActualStartDate"),
                     fix=AUTHORISED)
def _open_started_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for a in e.assessments:
        if a.authorised is None and not (a.start and ctx.in_year(a.start)):
            yield f"open since {dmy(a.start)}, before {ctx.year} began"


@family.episode_rule("8863Q", "An Assessment is shown as starting when there is another "
                     "Assessment ongoing.",
                     fields=("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
                     fix=STARTED, kind=Kind.QUERY)
def _one_at_a_time(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    """No assessment starts on or between another's start and authorisation (or the
    reference date while it is open); two identical rows are one duplicated row."""
    for i, a in enumerate(e.assessments):
        for j, b in enumerate(e.assessments):
            if i == j or (a.start, a.authorised) == (b.start, b.authorised):
                continue
            if a.start and b.start and b.start <= a.start <= (b.authorised or ctx.end):
                yield f"started {dmy(a.start)} while the one started {dmy(b.start)} was open"


@family.episode_rule("8896", "Within one CINDetails group there are 2 or more open "
                     "Assessments groups", fields=("AssessmentAuthorisationDate",),
                     fix=AUTHORISED)
def _one_open(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    open_ones = [a for a in e.assessments if a.authorised is None]
    if len(open_ones) > 1:
        yield f"{len(open_ones)} assessments are open on the referral of {dmy(e.referral)}"


@family.episode_rule("8869", "The assessment factors code “21” cannot be used in conjunction "
                     "with any other assessment factors.", fields=("AssessmentFactors",),
                     fix=FACTORS)
def _twenty_one_alone(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for a in e.assessments:
        if a.factors and "21" in a.factors and len(set(a.factors)) > 1:
            yield f"factor 21 (no factors) is recorded with {', '.join(a.factors)}"


@family.episode_rule("8873Q", "Please check and either amend data or provide a reason: When "
                     "there is only one assessment on the episode and the factors code “21 No "
                     "factors identified” has been used for the completed assessment, the "
                     "reason for closure ‘RC8’ or 'RC9' should be used.",
                     fields=("ReasonForClosure", "AssessmentFactors"),
                     fix=contact("close_case.closure_reason", "the reason for closure"),
                     kind=Kind.QUERY)
def _no_factors_closes(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if (len(e.assessments) == 1 and "21" in (e.assessments[0].factors or ())
            and e.reason not in ("RC8", "RC9")):
        yield f"no factors were found, yet the reason for closure is {e.reason or 'not given'}"


@family.episode_rule("8897Q", "Parental or child factors at assessment information is missing "
                     "from a completed assessment",
                     fields=("AssessmentAuthorisationDate", "AssessmentFactors"), fix=FACTORS,
                     kind=Kind.QUERY)
def _factors_given(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for a in e.assessments:
        if a.authorised and a.authorised >= ctx.start and not (
                set(a.factors or ()) & VALID_FACTORS):
            yield f"authorised {dmy(a.authorised)} with no factors identified"


@family.episode_rule("8898", "The assessment has more than one parental or child factors with "
                     "the same code", fields=("AssessmentFactors",), fix=FACTORS)
def _factor_once(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for a in e.assessments:
        twice = [f for f, n in Counter(a.factors or ()).items() if n > 1]
        if twice:
            yield f"factor {', '.join(twice)} recorded more than once"


def _retired(code: str, instead: str) -> object:
    def check(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
        for a in e.assessments:
            if code in (a.factors or ()):
                yield f"factor {code} is used: record {instead}"

    return check


family.episode_rule("8945Q", "Please check and either amend data or provide a reason: the "
                    "assessment factors code '18A' should not be used ('18B' or '18C' should "
                    "be used instead)", fields=("AssessmentFactors",), fix=FACTORS,
                    kind=Kind.QUERY, years=("2024-25", None))(
    _retired("18A", "18B (child on child) or 18C (adult on child)"))  # type: ignore[arg-type]
family.episode_rule("8950Q", "Please check and either amend data or provide a reason: the "
                    "assessment factors code '19A' should not be used ('19B' or '19C' should "
                    "be used instead)", fields=("AssessmentFactors",), fix=FACTORS,
                    kind=Kind.QUERY, years=("2024-25", None))(
    _retired("19A", "19B (child on child) or 19C (adult on child)"))  # type: ignore[arg-type]


@family.episode_rule("2991Q", "Please check and either amend data or provide a reason: A "
                     "Section 47 module is recorded and there is no assessment on the episode",
                     fields=("CINdetailsID",), fix=STARTED, kind=Kind.QUERY)
def _enquiry_assessed(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if e.section47s and not e.assessments:
        yield f"the referral of {dmy(e.referral)} has a section 47 enquiry and no assessment"
