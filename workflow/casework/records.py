"""The records casework keeps beside a contact, each with one home in storage.

A strategy discussion and its agency grid, the section 47 enquiry it may start, the single
assessment (section 17, or the enquiry carried out through it), the visits to the child, a
child protection plan and the conferences that review it, a step down to early help, and
pre-proceedings with its family group decision-making meeting
(``workflow.casework.pre_proceedings``).
Each is a frozen value: an action replaces it with a changed copy (``contact.put``), and the
repository writes what changed in the contact's own transaction. Nothing here is copied
into another place: the contact page, the census and the KPIs all read these.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True)
class Participation:
    """One agency's part in a discussion: attended, written, invited_no_contribution or
    not_invited, and why when it did not contribute."""

    agency: str
    status: str
    reason: str = ""


@dataclass(frozen=True)
class StrategyDiscussion:
    """A strategy discussion as recorded. ``carried_out`` turns true once the action its
    outcome calls for (start s47, continue under s17, close) has been taken; one held
    during an enquiry has nothing left to carry out."""

    event_seq: int
    held_at: datetime
    chair: str
    stage: str
    outcome: str
    rationale: str
    reasonable_cause: str
    absence_reason: str
    recorded_by: str
    recorded_at: datetime
    participation: tuple[Participation, ...] = ()
    initiating: bool = False
    carried_out: bool = False
    #: The multi-agency child protection team that supported it, and each agency's
    #: assistance in its own words (workflow.casework.macpt).
    macpt: str | None = None
    assistance: dict[str, str] = field(default_factory=dict)
    id: int | None = None

    @property
    def pending_outcome(self) -> str | None:
        """The outcome still waiting for the action that carries it out."""
        return None if self.carried_out else self.outcome

    def carried(self, initiating: bool = False) -> StrategyDiscussion:
        """The discussion once its outcome was acted on."""
        return replace(self, carried_out=True, initiating=self.initiating or initiating)


class EnquiryStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Section47:
    """A section 47 enquiry. ``started_at`` is the initiating strategy discussion (census
    S47ActualStartDate); the initial conference, or the decision that none is needed,
    closes it."""

    started_at: datetime
    event_seq: int
    discussion_id: int | None = None
    status: EnquiryStatus = EnquiryStatus.OPEN
    conference_at: datetime | None = None
    plan_made: bool | None = None
    category: str | None = None
    not_required_reason: str = ""
    closed_at: datetime | None = None
    #: The lead child protection practitioner (a social worker) who holds the case from
    #: the enquiry on (Families First Partnership programme, 2025), and when appointed.
    lead_practitioner: str | None = None
    lead_appointed_at: datetime | None = None
    macpt: str | None = None
    assistance: dict[str, str] = field(default_factory=dict)
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is EnquiryStatus.OPEN

    def concluded(self, at: datetime, conference_at: datetime | None, plan_made: bool | None,
                  category: str | None, not_required_reason: str = "") -> Section47:
        """The enquiry closed by its initial conference (or by none being needed)."""
        return replace(self, status=EnquiryStatus.CLOSED, closed_at=at,
                       conference_at=conference_at, plan_made=plan_made, category=category,
                       not_required_reason=not_required_reason)


class AssessmentStatus(StrEnum):
    """open → submitted (by its author) → authorised (by another manager), or back to open
    when returned; closed when the referral ended without one."""

    OPEN = "open"
    SUBMITTED = "submitted"
    AUTHORISED = "authorised"
    CLOSED = "closed"


@dataclass(frozen=True)
class Assessment:
    """The single assessment of a referral (s17, or the s47 enquiry carried out through it)."""

    kind: str  # s17 | s47
    started_at: datetime
    status: AssessmentStatus = AssessmentStatus.OPEN
    author: str | None = None
    submitted_at: datetime | None = None
    summary: str = ""
    factors: tuple[str, ...] = ()
    returned_reason: str = ""
    authorised_by: str | None = None
    authorised_at: datetime | None = None
    outcome: str | None = None
    lateness_reason: str = ""
    #: The CIN census primary need as the assessment found it (None: the decision's stands).
    primary_need: str | None = None
    #: Authorised with the child not seen: never seen during the assessment, or its
    #: child-seen timescale left not met. The authorising manager's reason is required.
    authorised_not_seen: bool = False
    not_seen_reason: str = ""
    id: int | None = None

    @property
    def current(self) -> bool:
        """Still being worked on (open or awaiting authorisation)."""
        return self.status in (AssessmentStatus.OPEN, AssessmentStatus.SUBMITTED)


@dataclass(frozen=True)
class Visit:
    """A visit to the child during an assessment or a plan."""

    event_seq: int
    visited_at: datetime
    child_seen: bool
    seen_alone: bool | None
    by: str
    id: int | None = None
    #: Why a child seen was not seen alone (too young, would not be parted from a parent …).
    not_alone_reason: str = ""


class ActivityKind(StrEnum):
    """Casework the practice standards time, beside visits and plan meetings."""

    PLAN_WRITTEN = "plan_written"
    CIN_REVIEW = "cin_review"
    SUPERVISION = "supervision"
    HANDOVER = "handover"


@dataclass(frozen=True)
class CaseActivity:
    """A plan written or updated, a child in need review, a supervision or a hand-over
    meeting: when it happened, who recorded it, and what was noted."""

    kind: ActivityKind
    happened_at: datetime
    by: str
    event_seq: int
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class ChildProtectionPlan:
    """A child protection plan: it starts on the initial conference's date (census
    CPPstartDate) and ends at the review conference that ends it."""

    started_at: datetime
    category: str
    event_seq: int
    ended_at: datetime | None = None
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class PlanMeeting:
    """A core group or review conference held on a child protection plan."""

    kind: str  # core_group | review_conference
    held_at: datetime
    event_seq: int
    plan_continues: bool | None = None
    id: int | None = None


@dataclass(frozen=True)
class StepDown:
    """A step down to Family Help and the episode that follows it.

    The hand-over: the family's agreement, the receiving service (``service`` its id,
    ``team`` its name as it was at the hand-over, what lists and returns print), the named
    lead practitioner and the date. Then the service's answer (accepted, or returned with a
    reason, which gives the case back to ``by`` and ``from_team``), and on an accepted one
    the family help assessment, the plan and its reviews. A hand-over recorded before
    services were configured has no service or practitioner and counts as accepted.
    """

    event_seq: int
    consent: str
    team: str
    handover_on: date
    by: str
    at: datetime
    from_stage: str
    service: str | None = None
    practitioner: str | None = None
    from_team: str | None = None
    status: str = "accepted"
    answered_by: str | None = None
    answered_at: datetime | None = None
    return_reason: str = ""
    assessed_on: date | None = None
    assessment_summary: str = ""
    plan_agreed_on: date | None = None
    plan_outcomes: str = ""
    next_review_on: date | None = None
    reviews: int = 0
    last_review_on: date | None = None
    id: int | None = None

    @property
    def waiting(self) -> bool:
        """Offered to the service and not yet answered."""
        return self.status == "offered"

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def returned(self) -> bool:
        return self.status == "returned"


@dataclass(frozen=True)
class PreProceedings:
    """One pre-proceedings on a contact, from the decision to start it to its outcome.

    Census elements: ``started_on`` PPStartDate (N00826), ``letter_sent_on`` LBPSentDate
    (N00827), ``fgdm_offered`` FGDMMeetingOffer (N00828), ``fgdm_facilitated``
    FGDMMeetingFac (N00829), ``initial_meeting_on`` InitialPPMeetingDate (N00830),
    ``review_meetings`` ReviewMeetingsCount (N00831), ``decided_on`` StepDecisionDate,
    ``outcome`` PPOutcome (N00833), ``court_application_on`` CourtAppDate (N00834),
    ``letter_initiating_on`` LetterInitCPDate. The rest is the record's own (who, why).
    """

    event_seq: int
    started_on: date
    started_by: str
    reason: str
    letter_sent_on: date | None = None
    fgdm_offered: bool | None = None
    fgdm_not_offered_reason: str = ""
    fgdm_facilitated: bool | None = None
    fgdm_held_on: date | None = None
    fgdm_not_held_reason: str = ""
    initial_meeting_on: date | None = None
    review_meetings: int = 0
    decided_on: date | None = None
    outcome: str | None = None
    court_application_on: date | None = None
    letter_initiating_on: date | None = None
    id: int | None = None

    @property
    def is_open(self) -> bool:
        """Started and not yet concluded."""
        return self.outcome is None
