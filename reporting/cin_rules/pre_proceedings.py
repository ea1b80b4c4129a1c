"""Module 5, pre-proceedings and family group decision making (``<PreProceedingsandFGDM>``),
from 2026-27.

The DfE's 2026-27 rules for the module, in its words and item numbers (N00826 …), as Data
to Insight drafted them (GitHub data-to-insight/csc-validator-be-cin, branch
``pre-proceedings-rules``, 8 January 2026): no released validator checks them yet, so the
tests hold these against the DfE's text. Where the draft code reads a rule the other way
round from its own comment (9007), the DfE's text is taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from reporting.census.model import ChildRecord, EpisodeRecord, PreProceedingsRecord, Return
from reporting.cin_rules.base import RETURN, Ctx, Family, Hit, Kind, contact, dmy

family = Family()
YEARS = ("2026-27", None)
STARTED = contact("start_pre_proceedings.started_on", "the date pre-proceedings began")
LETTER = contact("send_letter_before_proceedings.sent_on", "the letter before proceedings")
FGDM = contact("record_fgdm.facilitated", "whether the FGDM meeting was held")
MEETING = contact("hold_pre_proceedings_meeting.held_on", "the pre-proceedings meetings")
OUTCOME = contact("conclude_pre_proceedings.outcome", "the outcome of pre-proceedings")
OUTCOMES = ("A", "B", "C")  # DfE code set CS131 (rule 9011)


def _blocks(e: EpisodeRecord) -> Iterator[PreProceedingsRecord]:
    yield from e.pre_proceedings


def _dated(day: date | None, after: date | None, ctx: Ctx) -> str | None:
    """What is wrong with a date that must be in the year and on or after another."""
    if day is None:
        return None
    if not ctx.in_year(day):
        return f"{dmy(day)} is outside {ctx.year}"
    if after and day < after:
        return f"{dmy(day)} is before {dmy(after)}"
    return None


@family.return_rule("8995Q", "Please check and provide a reason why no module 5 "
                    "(pre-proceedings and FGM) data has been provided for any child.",
                    fields=(), fix=RETURN, kind=Kind.QUERY, years=YEARS)
def _some_module_5(census: Return, ctx: Ctx) -> Iterator[Hit]:
    if not any(e.pre_proceedings for c in census.children for e in c.episodes):
        yield Hit("no child has a pre-proceedings and FGDM block")


@family.return_rule("9000Q", "Please check: If you do not yet collect this data, please leave "
                    "this field blank and provide a reason.", fields=("PPStartDate",),
                    fix=RETURN, kind=Kind.QUERY, years=YEARS)
def _some_start_date(census: Return, ctx: Ctx) -> Iterator[Hit]:
    if not any(p.start for c in census.children for e in c.episodes for p in _blocks(e)):
        yield Hit("no pre-proceedings start date (N00826) is given for any child")


@family.episode_rule("9005", "The date of the legal planning meeting or other decision making "
                     "forum where the LA made the decision to commence pre-proceedings cannot "
                     "fall outside the reporting year.", fields=("PPStartDate",), fix=STARTED,
                     years=YEARS)
def _start_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if p.start and not ctx.in_year(p.start):
            yield f"pre-proceedings began {dmy(p.start)}, outside {ctx.year}"


@family.episode_rule("9006", "The date the letter before proceedings was sent must be within "
                     "the reporting year and after the date pre-proceedings began.",
                     fields=("LBPSentDate",), fix=LETTER, years=YEARS)
def _letter_dated(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if problem := _dated(p.letter_sent, p.start, ctx):
            yield f"letter before proceedings: {problem}"


@family.episode_rule("9007", "You have confirmed that a letter before proceedings was sent. "
                     "Please confirm whether or not a FGDM meeting was offered in the letter.",
                     fields=("FGDMMeetingOffer",), fix=LETTER, years=YEARS)
def _offer_stated(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if p.letter_sent and p.fgdm_offered is None:
            yield f"the letter of {dmy(p.letter_sent)} does not say whether an FGDM was offered"


@family.episode_rule("9008", "The date of the first effective pre-proceedings meeting must be "
                     "within the reporting year.", fields=("InitialPPMeetingDate",),
                     fix=MEETING, years=YEARS)
def _meeting_in_year(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if p.initial_meeting and not ctx.in_year(p.initial_meeting):
            yield f"first meeting {dmy(p.initial_meeting)}, outside {ctx.year}"


@family.episode_rule("9009", "The date when the decision was made to step up or down must be on "
                     "or after the date of the decision to begin pre-proceedings and must fall "
                     "within the reporting year", fields=("StepDecisionDate",), fix=OUTCOME,
                     years=YEARS)
def _decision_dated(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if problem := _dated(p.step_decision, p.start, ctx):
            yield f"decision to step up or down: {problem}"


@family.episode_rule("9010Q", "Please check: You have reported that a FGDM meeting was offered "
                     "in the letter before proceedings. Please confirm whether or not a FGDM "
                     "meeting was facilitated in the pre-proceedings period following this "
                     "offer.", fields=("FGDMMeetingFac",), fix=FGDM, kind=Kind.QUERY,
                     years=YEARS)
def _offer_followed(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if p.fgdm_offered is True and p.fgdm_facilitated is None:
            yield "an FGDM meeting was offered; whether it was held is not recorded"


@family.episode_rule("9011", "The outcome of the pre-proceedings must be reported using a valid "
                     "value", fields=("PPOutcome",), fix=OUTCOME, years=YEARS)
def _outcome_code(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if p.outcome is not None and p.outcome not in OUTCOMES:
            yield f"outcome '{p.outcome}' is not A, B or C"


@family.episode_rule("9012", "The date that the local authority submitted the court application "
                     "to commence care proceedings must fall within the reporting year and be on "
                     "or after the date of the decision to initiate care proceedings.",
                     fields=("CourtAppDate",), fix=OUTCOME, years=YEARS)
def _application_dated(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if problem := _dated(p.court_application, p.step_decision, ctx):
            yield f"court application: {problem}"


@family.episode_rule("9013", "The date on which the letter to initiate care proceedings was "
                     "sent to parents/guardians must fall within the reporting year and be on or "
                     "after the date when the local authority submitted the court application "
                     "to commence care proceedings.", fields=("LetterInitCPDate",), fix=OUTCOME,
                     years=YEARS)
def _initiating_letter_dated(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if problem := _dated(p.letter_initiating, p.court_application, ctx):
            yield f"letter initiating care proceedings: {problem}"


@family.episode_rule("9015Q", "Please check: if review meetings were held  following the "
                     "initial pre-proceedings meeting, the total number held should be "
                     "reported.", fields=("ReviewMeetingsCount",), fix=MEETING,
                     kind=Kind.QUERY, years=YEARS)
def _reviews_counted(e: EpisodeRecord, c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    for p in _blocks(e):
        if p.initial_meeting and p.review_meetings is None:
            yield f"the first meeting was {dmy(p.initial_meeting)}; reviews are not counted"
