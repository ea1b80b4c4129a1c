"""The CIN census validation rules the workflow's own data can break, in plain words.

Why here and not only in the DfE's tool: a council finds out in COLLECT, months later,
that a plan started before its conference or a case closed "after assessment" had none.
Checking before the file is written (and naming the child and the referral) lets the
team fix the record while people still remember it. The DfE rule each check mirrors is
named in brackets; the wording is ours.

Each episode check takes an episode and the context and returns messages; each child
check takes the child and its episodes. ``check`` runs them all and returns
``Problem`` rows, one per finding, so the CLI can print them and the UI list them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from reporting.cin_codes import (
    AFTER_ASSESSMENT,
    ASSESSMENT_FACTORS,
    CATEGORIES_OF_ABUSE,
    CLOSURE_REASONS,
    ETHNICITIES,
    GENDERS,
    PRIMARY_NEEDS,
    SOURCE_LABELS,
)
from reporting.cin_episodes import Child, Episode
from workflow.clocks.calendar import WorkingCalendar

ICPC_WORKING_DAYS = 15  # Working Together: ICPC within 15 working days of the s47 start


@dataclass(frozen=True)
class Context:
    """What the rules need besides the records: the collection year and the calendar."""

    year_start: date
    reference_date: date
    calendar: WorkingCalendar


@dataclass(frozen=True)
class Problem:
    """One finding about one child (``child`` is the LAchildID, or "file")."""

    child: str
    message: str

    def __str__(self) -> str:
        return f"{self.child}: {self.message}"


def dmy(day: date) -> str:
    """dd/mm/yyyy: how dates are written for people (and Annex A)."""
    return day.strftime("%d/%m/%Y")


def age_on(born: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return relativedelta(day, born).years


def _dated_activity(e: Episode) -> Iterator[tuple[str, date]]:
    """Every dated thing recorded on an episode, named for a sentence."""
    for a in e.assessments:
        yield "assessment start", a.start
        if a.authorised:
            yield "assessment authorisation", a.authorised
    for s in e.section47s:
        yield "section 47 start", s.start
        if s.icpc:
            yield "initial child protection conference", s.icpc
    for p in e.cp_plans:
        yield "child protection plan start", p.start
        yield from (("child protection review", r) for r in p.reviews)
    for c in e.cin_plans:
        yield "CIN plan start", c.start


# -- episode rules -----------------------------------------------------------------------------

def before_referral(e: Episode, ctx: Context) -> list[str]:
    """Nothing happens before the referral date (DfE 1103, 1104, 1105, 2889, 4015)."""
    return [f"the {what} on {dmy(d)} is before the referral date {dmy(e.referral)}"
            for what, d in _dated_activity(e) if d < e.referral]


def closure_before_referral(e: Episode, ctx: Context) -> list[str]:
    """The closure date is not before the referral date (DfE 8630)."""
    if e.closure and e.closure < e.referral:
        return [f"the closure date {dmy(e.closure)} is before the referral date "
                f"{dmy(e.referral)}"]
    return []


def after_closure(e: Episode, ctx: Context) -> list[str]:
    """No activity after the case was closed (DfE 8565)."""
    if not e.closure:
        return []
    return [f"the {what} on {dmy(d)} is after the case was closed on {dmy(e.closure)}"
            for what, d in _dated_activity(e) if d > e.closure]


def activity_on_nfa(e: Episode, ctx: Context) -> list[str]:
    """No assessment, s47 or plan on a referral closed NFA (DfE 8831, 8832, 4000)."""
    found = [name for name, items in (("an assessment", e.assessments),
                                      ("a section 47 enquiry", e.section47s),
                                      ("a child protection plan", e.cp_plans),
                                      ("a CIN plan", e.cin_plans)) if items]
    if e.nfa and found:
        return [f"the referral was decided 'no further action', yet it has "
                f"{' and '.join(found)}"]
    return []


def one_open_at_a_time(e: Episode, ctx: Context) -> list[str]:
    """At most one open assessment and one open s47 per episode (DfE 8896, 8839)."""
    counts = (("assessments", sum(a.open for a in e.assessments)),
              ("section 47 enquiries", sum(s.open for s in e.section47s)))
    return [f"{n} {what} are open at the same time (at most one may be)"
            for what, n in counts if n > 1]


def plan_starts_at_icpc(e: Episode, ctx: Context) -> list[str]:
    """A plan starting this year starts on the date of its ICPC (DfE 2885)."""
    conferences = {s.icpc for s in e.section47s if s.icpc}
    return [f"the child protection plan starts on {dmy(p.start)}, but no initial child "
            f"protection conference is recorded that day (a plan starts at its ICPC)"
            for p in e.cp_plans if p.start >= ctx.year_start and p.start not in conferences]


def open_since_earlier_year(e: Episode, ctx: Context) -> list[str]:
    """What is still open at the year end started in the year (DfE 8736, 8740)."""
    late = [("assessment", a.start) for a in e.assessments if a.open]
    late += [("section 47 enquiry", s.start) for s in e.section47s if s.open]
    return [f"the {what} started {dmy(d)} is still open at the end of the year but began "
            f"before {dmy(ctx.year_start)}: complete it or record its outcome"
            for what, d in late if d < ctx.year_start]


def after_assessment_closure(e: Episode, ctx: Context) -> list[str]:
    """RC8/RC9 need an assessment and forbid s47s and plans (DfE 8825Q, 2990)."""
    if e.closure_reason not in AFTER_ASSESSMENT:
        return []
    what = f"closed as {e.closure_reason} ({CLOSURE_REASONS[e.closure_reason]})"
    found = []
    if not e.assessments:
        found.append(f"{what} but no assessment is recorded")
    if e.section47s or e.cp_plans or e.cin_plans:
        found.append(f"{what} but it has a section 47 enquiry or a plan, which "
                     f"{'/'.join(AFTER_ASSESSMENT)} forbid")
    return found


def icpc_target(e: Episode, ctx: Context) -> list[str]:
    """The ICPC target is 15 working days after the s47 start (Working Together)."""
    found = []
    for s in e.section47s:
        expected = ctx.calendar.add_working_days(s.start, ICPC_WORKING_DAYS)
        if s.target != expected:
            found.append(f"the ICPC target {dmy(s.target)} is not {ICPC_WORKING_DAYS} working "
                         f"days after the section 47 start {dmy(s.start)} "
                         f"(that is {dmy(expected)})")
    return found


def closure_reason(e: Episode, ctx: Context) -> list[str]:
    """A closed case has a CIN reason for closure (DfE 8805, 8640)."""
    if e.closure and not e.closure_reason:
        return [f"the case was closed on {dmy(e.closure)} without a CIN reason for closure "
                f"(RC1 to RC9): record one"]
    if e.closure_reason and e.closure_reason not in CLOSURE_REASONS:
        return [f"'{e.closure_reason}' is not a CIN reason for closure (RC1 to RC9)"]
    return []


def unfinished_at_closure(e: Episode, ctx: Context) -> list[str]:
    """A closed case has no unfinished assessment or s47 (DfE 8867, 8868)."""
    if not e.closure:
        return []
    found = [f"the case was closed but the assessment started {dmy(a.start)} was never "
             f"authorised" for a in e.assessments if not a.authorised]
    found += [f"the case was closed but the section 47 enquiry started {dmy(s.start)} has "
              f"neither an ICPC nor 'ICPC not required'" for s in e.section47s
              if not s.icpc and not s.not_required]
    return found


def primary_need(e: Episode, ctx: Context) -> list[str]:
    """A referral that went on to further action has a primary need (DfE 8610, 8650)."""
    if e.primary_need is None:
        return [] if e.nfa else ["no primary need code (N0 to N9) is recorded: record it "
                                 "with the decision or the assessment"]
    if e.primary_need not in PRIMARY_NEEDS:
        return [f"'{e.primary_need}' is not a CIN primary need code (N0 to N9)"]
    return []


def codes(e: Episode, ctx: Context) -> list[str]:
    """Source, category of abuse and assessment factors come from the code lists."""
    found = [] if e.source in SOURCE_LABELS else [f"'{e.source}' is not a CIN referral source"]
    found += [f"the child protection plan starting {dmy(p.start)} has no valid initial "
              f"category of abuse ({', '.join(CATEGORIES_OF_ABUSE)})"
              for p in e.cp_plans if p.initial_category not in CATEGORIES_OF_ABUSE]
    found += [f"assessment factor '{f}' is not a 2025-26 code" for a in e.assessments
              for f in a.factors if f not in ASSESSMENT_FACTORS]
    return found


EpisodeRule = Callable[[Episode, Context], list[str]]
EPISODE_RULES: tuple[EpisodeRule, ...] = (
    before_referral, closure_before_referral, after_closure, activity_on_nfa,
    one_open_at_a_time, plan_starts_at_icpc, open_since_earlier_year,
    after_assessment_closure, icpc_target, closure_reason, unfinished_at_closure,
    primary_need, codes,
)


# -- child rules -------------------------------------------------------------------------------

def derived_upn_unknown(child: Child, episodes: Sequence[Episode],
                        reference_date: date) -> str | None:
    """The UPN-unknown reason our records prove, or None (never a guess; see cin_codes)."""
    if child.upn:
        return None
    if episodes and all(e.nfa for e in episodes):
        return "UN7"
    if child.date_of_birth and age_on(child.date_of_birth, reference_date) < 6:
        return "UN1"
    return None


def _identity(child: Child, episodes: Sequence[Episode], ctx: Context) -> list[str]:
    born = child.date_of_birth
    if born is None:
        return ["date of birth is not recorded (the census needs a date of birth)"]
    if born > ctx.reference_date:
        return [f"date of birth {dmy(born)} is after the census reference date"]
    if not child.upn and not derived_upn_unknown(child, episodes, ctx.reference_date):
        return [f"UPN or UPN-unknown reason needed: no UPN is recorded and none of the "
                f"unknown-reason codes follows from our records (the child is "
                f"{age_on(born, ctx.reference_date)} on {dmy(ctx.reference_date)})"]
    return []


def _characteristics(child: Child, episodes: Sequence[Episode], ctx: Context) -> list[str]:
    found = [] if child.gender in GENDERS else [f"gender code '{child.gender}' is not a CIN code"]
    if child.ethnicity not in ETHNICITIES:
        found.append(f"ethnicity code '{child.ethnicity}' is not a CIN code")
    if all(e.nfa for e in episodes):
        return found
    if child.disability is None:
        found.append("disability is not recorded (the census needs 'no disability' or the "
                     "DfE disability codes)")
    return found


def _overlaps(child: Child, episodes: Sequence[Episode], ctx: Context) -> list[str]:
    """Episodes follow one another (DfE 8820, 8815)."""
    found = []
    for before, after in zip(episodes, episodes[1:], strict=False):
        if before.closure is None or after.referral <= before.closure:
            found.append(f"the referral of {dmy(after.referral)} ({after.reference}) starts "
                         f"before the referral of {dmy(before.referral)} ({before.reference}) "
                         f"was closed (episodes must not overlap)")
    return found


ChildRule = Callable[[Child, Sequence[Episode], Context], list[str]]
CHILD_RULES: tuple[ChildRule, ...] = (_identity, _characteristics, _overlaps)


def check_child(child: Child, episodes: Sequence[Episode], ctx: Context) -> list[Problem]:
    """Every finding for one child and its episodes (in referral order)."""
    found = [Problem(child.la_child_id, m) for rule in CHILD_RULES
             for m in rule(child, episodes, ctx)]
    for e in episodes:
        prefix = f"referral of {dmy(e.referral)} ({e.reference}): "
        found += [Problem(child.la_child_id, prefix + m) for rule in EPISODE_RULES
                  for m in rule(e, ctx)]
    return found
