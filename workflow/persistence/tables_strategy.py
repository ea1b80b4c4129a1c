"""Tables of casework after the front door: strategy discussions and assessments.

Why rows of their own when every change is already an event: the improvement plan's
promise ("health, police and education contribute to more than 95% of strategy
discussions") is counted per agency per month, and managers work from a queue of
assessments awaiting authorisation. Both are indexed queries over these rows, never a
scan of event payloads. The rows are written by the service layer in the same
transaction as the event they come from (``workflow.casework.recorders``), and each carries that
event's sequence number, so the two can always be matched up.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base
from workflow.persistence.types import JSONDoc


class StrategyDiscussionRow(Base):
    """One strategy discussion about one child's contact (several per contact may be held).

    ``initiating`` marks the discussion that started a section 47 enquiry: its ``held_at``
    is the census's S47ActualStartDate and, by default, where the ICPC clock starts.
    """

    __tablename__ = "strategy_discussion"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    held_at: Mapped[datetime] = mapped_column(index=True)
    chair: Mapped[str] = mapped_column(String(120))
    stage: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text, default="")
    reasonable_cause: Mapped[str] = mapped_column(Text, default="")
    absence_reason: Mapped[str] = mapped_column(Text, default="")
    initiating: Mapped[bool] = mapped_column(default=False)
    #: True once the action its outcome calls for was taken (or nothing was left to take).
    carried_out: Mapped[bool] = mapped_column(default=True)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
    macpt: Mapped[str | None] = mapped_column(String(40))
    assistance: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    __table_args__ = (UniqueConstraint("contact_id", "event_seq",
                                       name="uq_strategy_discussion_event"),)


class StrategyParticipationRow(Base):
    """How one agency took part in one discussion (the grid's row)."""

    __tablename__ = "strategy_participation"
    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("strategy_discussion.id"))
    agency: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))  # attended | written | invited_... | not_...
    reason: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        UniqueConstraint("discussion_id", "agency", name="uq_strategy_participation_agency"),
        Index("ix_strategy_participation_agency", "agency", "status"),
    )


class AssessmentRow(Base):
    """A single assessment (s17, or the s47 enquiry carried out through it).

    ``status`` moves open → submitted (by its author) → authorised (by another manager), or
    back to open when a manager returns it; ``closed`` when the referral ended without one.
    """

    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    kind: Mapped[str] = mapped_column(String(4))  # s17 | s47
    status: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime]
    author: Mapped[str | None] = mapped_column(String(80))
    submitted_at: Mapped[datetime | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    factors: Mapped[list[str]] = mapped_column(JSONDoc, default=list)  # census codes
    returned_reason: Mapped[str] = mapped_column(Text, default="")
    authorised_by: Mapped[str | None] = mapped_column(String(80))
    authorised_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(30))
    lateness_reason: Mapped[str] = mapped_column(Text, default="")
    primary_need: Mapped[str | None] = mapped_column(String(2))  # revised at assessment
    #: Authorised with the child not seen, and the authorising manager's reason.
    authorised_not_seen: Mapped[bool] = mapped_column(default=False)
    not_seen_reason: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_assessment_status", "status", "submitted_at"),
                      # The KPI of assessments authorised with the child seen: from the index.
                      Index("ix_assessment_authorised_seen", "authorised_at", "status",
                            "authorised_not_seen"))


class Section47Row(Base):
    """A section 47 enquiry: started by its initiating discussion (census
    S47ActualStartDate), closed by the initial conference or by none being needed."""

    __tablename__ = "section_47"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    discussion_id: Mapped[int | None] = mapped_column(ForeignKey("strategy_discussion.id"))
    started_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10))
    conference_at: Mapped[datetime | None]
    plan_made: Mapped[bool | None]
    category: Mapped[str | None] = mapped_column(String(3))
    not_required_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None]
    lead_practitioner: Mapped[str | None] = mapped_column(String(80))
    lead_appointed_at: Mapped[datetime | None]
    macpt: Mapped[str | None] = mapped_column(String(40))
    assistance: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)


class VisitRow(Base):
    """A visit to the child (the child seen, and seen alone where age allows)."""

    __tablename__ = "visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    visited_at: Mapped[datetime]
    child_seen: Mapped[bool]
    seen_alone: Mapped[bool | None]
    by: Mapped[str] = mapped_column(String(80))
    not_alone_reason: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_visit_contact_at", "contact_id", "visited_at"),)


class ChildProtectionPlanRow(Base):
    """A child protection plan: from the initial conference's date to the review that ends it."""

    __tablename__ = "child_protection_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(index=True)
    category: Mapped[str] = mapped_column(String(3))
    ended_at: Mapped[datetime | None]


class PlanMeetingRow(Base):
    """A core group or review conference held on a child protection plan."""

    __tablename__ = "plan_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    held_at: Mapped[datetime]
    plan_continues: Mapped[bool | None]


class StepDownRow(Base):
    """A step down to early help: the family's agreement, the team, the hand-over date."""

    __tablename__ = "early_help_handover"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    event_seq: Mapped[int]
    consent: Mapped[str] = mapped_column(String(20))
    team: Mapped[str] = mapped_column(String(120))
    handover_on: Mapped[date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(index=True)
    from_stage: Mapped[str] = mapped_column(String(40))
    # The Family Help transfer and episode (workflow.casework.records.StepDown).
    service: Mapped[str | None] = mapped_column(String(40))
    practitioner: Mapped[str | None] = mapped_column(String(80))
    from_team: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="accepted")
    answered_by: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None] = mapped_column(index=True)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    assessed_on: Mapped[date | None] = mapped_column(Date)
    assessment_summary: Mapped[str] = mapped_column(Text, default="")
    plan_agreed_on: Mapped[date | None] = mapped_column(Date)
    plan_outcomes: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[date | None] = mapped_column(Date)
    reviews: Mapped[int] = mapped_column(default=0)
    last_review_on: Mapped[date | None] = mapped_column(Date)
