"""The CIN census return as its elements say it: one field per DfE element, as written.

Why a model of its own beside the episodes (``reporting.cin_episodes``): the DfE's rules
speak of elements (``<CPPstartDate>``, ``<ReferralNFA>``), and a rule that reads the same
values the file carries cannot disagree with the file. The model is what the XML is
written from and what a file read back becomes, so the rules run alike on both. A value
the file leaves out (or that could not be read) is ``None``.

Fields are named after their elements in snake case; the element each one carries is in
``reporting.census.xml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Header:
    """``<Header>``: ``<CollectionDetails>`` and the (first) ``<Source>``."""

    collection: str | None
    year: str | None
    reference_date: date | None
    source_level: str | None = None
    lea: str | None = None
    software_code: str | None = None
    release: str | None = None
    serial_no: str | None = None
    date_time: datetime | None = None


@dataclass(frozen=True)
class AssessmentRecord:
    """``<Assessments>``; ``factors`` is ``None`` without ``<FactorsIdentifiedAtAssessment>``."""

    start: date | None
    authorised: date | None = None
    internal_review: date | None = None
    factors: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CinPlanRecord:
    """``<CINPlanDates>``."""

    start: date | None
    end: date | None = None


@dataclass(frozen=True)
class Section47Record:
    """``<Section47>``: the enquiry, its conference target and date, or not required."""

    start: date | None
    target: date | None = None
    icpc: date | None = None
    not_required: bool | None = False


@dataclass(frozen=True)
class PlanRecord:
    """``<ChildProtectionPlans>`` with its ``<Reviews>`` (a review without a date: None)."""

    start: date | None
    end: date | None = None
    initial_category: str | None = None
    latest_category: str | None = None
    previous: int | None = 0
    reviews: tuple[date | None, ...] = ()


@dataclass(frozen=True)
class PreProceedingsRecord:
    """``<PreProceedingsandFGDM>`` (module 5, from 2026-27)."""

    start: date | None
    letter_sent: date | None = None
    fgdm_offered: bool | None = None
    fgdm_facilitated: bool | None = None
    initial_meeting: date | None = None
    review_meetings: int | None = None
    step_decision: date | None = None
    outcome: str | None = None
    court_application: date | None = None
    letter_initiating: date | None = None


@dataclass(frozen=True)
class EpisodeRecord:
    """``<CINdetails>``: one referral. ``contact_id`` is ours (where to fix it), not written."""

    referral: date | None
    source: str | None
    nfa: bool | None
    primary_need: str | None = None
    closure: date | None = None
    reason: str | None = None
    icpc: date | None = None
    assessments: tuple[AssessmentRecord, ...] = ()
    cin_plans: tuple[CinPlanRecord, ...] = ()
    section47s: tuple[Section47Record, ...] = ()
    plans: tuple[PlanRecord, ...] = ()
    pre_proceedings: tuple[PreProceedingsRecord, ...] = ()
    contact_id: int | None = None

    @property
    def open(self) -> bool:
        """No closure date (the DfE's "open" episode, NFA or not)."""
        return self.closure is None


@dataclass(frozen=True)
class ChildRecord:
    """``<Child>``: identifiers, characteristics and episodes. ``person_id`` is ours.

    ``sex`` and ``gender_current`` are both kept: the writer puts out the one the year's
    layout names (``<Sex>`` from 2024-25, ``<GenderCurrent>`` before), a file read back
    fills the one it has, and each year's rule 4180 reads its own.
    """

    la_child_id: str | None
    ethnicity: str | None
    episodes: tuple[EpisodeRecord, ...] = ()
    upn: str | None = None
    former_upn: str | None = None
    upn_unknown: str | None = None
    birth: date | None = None
    expected_birth: date | None = None
    sex: str | None = None
    gender_current: str | None = None
    death: date | None = None
    disabilities: tuple[str, ...] = ()
    person_id: int | None = None

    @property
    def unborn(self) -> bool:
        """An expected date of birth and no date of birth (rules 8750, 2886Q)."""
        return self.birth is None and self.expected_birth is not None

    @property
    def further_action(self) -> bool:
        """At least one referral with ``<ReferralNFA>`` false (rules 8540, 8770Q)."""
        return any(e.nfa is False for e in self.episodes)


@dataclass(frozen=True)
class Return:
    """The whole message: the header and every child."""

    header: Header
    children: tuple[ChildRecord, ...]
