"""The census model from the workflow's records: children, their referrals, module 5.

Why here and not in the XML writer: what the census says about a child is decided once
(the UPN or the reason it is missing, the sex in the year's element, previous plans, the
pre-proceedings in the year), then written and checked as it is. Fields the front door
does not hold are never invented: a missing UPN gets an unknown-reason code only where
the DfE's own rules settle it (``workflow.people.upn_unknown``) or a worker recorded one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.census.model import (
    AssessmentRecord,
    ChildRecord,
    CinPlanRecord,
    EpisodeRecord,
    PlanRecord,
    PreProceedingsRecord,
    Section47Record,
)
from reporting.census.spec import YearSpec
from reporting.cin_episodes import Child, Episode, la_child_id
from workflow.people.rules import PeopleRules
from workflow.people.upn_unknown import derive_upn_unknown, upn_unknown_problem
from workflow.people.years import CollectionYear
from workflow.persistence.tables_pre_proceedings import PreProceedingsRow

#: The older <GenderCurrent> codes for the person record's sex (M, F, U) before 2024-25.
GENDER_OF_SEX = {"M": "1", "F": "2", "U": "0"}


def upn_unknown(child: Child, episodes: Sequence[Episode], year: CollectionYear,
                people: PeopleRules) -> str | None:
    """The reason written when there is no UPN: the worker's, when the year's rules accept
    it for this child; else the one the rules settle (UN1 before school age, UN7 when every
    referral ended with no further action); else the worker's all the same (8770Q or 8772
    will say what is wrong with it), else none."""
    if child.upn:
        return None
    all_nfa = bool(episodes) and all(e.nfa for e in episodes)
    stored = child.upn_unknown
    if stored and not upn_unknown_problem(stored, birth_date=child.date_of_birth,
                                          all_referrals_nfa=all_nfa, year=year,
                                          rules=people.school_age):
        return stored
    derived = derive_upn_unknown(has_upn=False, birth_date=child.date_of_birth,
                                 all_referrals_nfa=all_nfa, year=year, rules=people.school_age)
    return derived.value if derived else stored


def _assessments(e: Episode) -> tuple[AssessmentRecord, ...]:
    return tuple(AssessmentRecord(a.start, a.authorised,
                                  factors=a.factors if a.authorised and a.factors else None)
                 for a in e.assessments)


def _plans(e: Episode, earlier: Sequence[date]) -> tuple[PlanRecord, ...]:
    return tuple(PlanRecord(p.start, p.end, p.initial_category, p.latest_category,
                            sum(d < p.start for d in earlier), tuple(p.reviews))
                 for p in e.cp_plans)


def episode_record(e: Episode, earlier: Sequence[date],
                   pre: Sequence[PreProceedingsRecord] = ()) -> EpisodeRecord:
    """One referral as the census reports it."""
    return EpisodeRecord(
        referral=e.referral, source=e.source, nfa=e.nfa, primary_need=e.primary_need,
        closure=e.closure, reason=e.closure_reason if e.closure else None,
        assessments=_assessments(e),
        cin_plans=tuple(CinPlanRecord(c.start, c.end) for c in e.cin_plans),
        section47s=tuple(Section47Record(s.start, s.target, s.icpc, s.not_required)
                         for s in e.section47s),
        plans=_plans(e, earlier), pre_proceedings=tuple(pre), contact_id=e.contact_id)


def child_record(child: Child, episodes: Sequence[Episode], earlier: Sequence[date],
                 spec: YearSpec, people: PeopleRules,
                 pre: dict[int, list[PreProceedingsRecord]] | None = None) -> ChildRecord:
    """The child as the year's census reports them, with their referrals in order."""
    blocks = pre or {}
    return ChildRecord(
        la_child_id=la_child_id(child.id), ethnicity=child.ethnicity or None,
        episodes=tuple(episode_record(e, earlier, blocks.get(e.contact_id, ()))
                       for e in episodes),
        upn=child.upn or None, upn_unknown=upn_unknown(child, episodes, spec.year, people),
        birth=child.date_of_birth,
        expected_birth=None if child.date_of_birth else child.expected_date_of_birth,
        sex=child.sex or None, gender_current=GENDER_OF_SEX.get(child.sex),
        disabilities=tuple(child.disabilities), person_id=child.id)


def _as_at(day: date | None, end: date) -> date | None:
    return day if day is not None and day <= end else None


def _pre_record(row: PreProceedingsRow, end: date) -> PreProceedingsRecord:
    """One pre-proceedings as at the year's end (anything dated after it is not yet)."""
    letter = _as_at(row.letter_sent_on, end)
    meeting = _as_at(row.initial_meeting_on, end)
    decided = _as_at(row.decided_on, end)
    return PreProceedingsRecord(
        start=row.started_on, letter_sent=letter,
        fgdm_offered=row.fgdm_offered if letter else None,
        fgdm_facilitated=row.fgdm_facilitated if letter and row.fgdm_offered else None,
        initial_meeting=meeting, review_meetings=row.review_meetings if meeting else None,
        step_decision=decided, outcome=row.outcome if decided else None,
        court_application=_as_at(row.court_application_on, end) if decided else None,
        letter_initiating=_as_at(row.letter_initiating_on, end) if decided else None)


def load_pre_proceedings(session: Session, contact_ids: Iterable[int], spec: YearSpec
                         ) -> dict[int, list[PreProceedingsRecord]]:
    """Per contact, the pre-proceedings that began in the year (module 5's years only)."""
    found: dict[int, list[PreProceedingsRecord]] = defaultdict(list)
    ids = sorted(set(contact_ids))
    if not spec.has_module_5 or not ids:
        return found
    start, end = spec.year.start, spec.year.reference_date
    for i in range(0, len(ids), 500):
        rows = session.scalars(select(PreProceedingsRow).where(
            PreProceedingsRow.contact_id.in_(ids[i:i + 500]),
            PreProceedingsRow.started_on >= start, PreProceedingsRow.started_on <= end)
            .order_by(PreProceedingsRow.started_on, PreProceedingsRow.id))
        for row in rows:
            found[row.contact_id].append(_pre_record(row, end))
    return found
