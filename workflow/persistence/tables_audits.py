"""Tables of case audits and observations of practice.

Why rows of their own, indexed by status, auditor and owner: the audit pages list what
waits for moderation and what an auditor has in draft; a worker's "My work" lists the
actions they own, soonest due first; the learning page reads a quarter's themes. The
auditor's grade and the moderator's sit side by side on one row per question, so what
was changed at moderation, and why, is never overwritten.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class AuditSampleRow(Base):
    """A sample of cases: drawn at random within a team (with its seed), or by rule."""

    __tablename__ = "audit_sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    team: Mapped[str | None] = mapped_column(String(40))
    rule_id: Mapped[str | None] = mapped_column(String(40))
    seed: Mapped[int | None]
    drawn_by: Mapped[str] = mapped_column(String(80))
    drawn_at: Mapped[datetime] = mapped_column(index=True)


class AuditRow(Base):
    """One audit of a case, or one observation of practice, and its moderation."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("audit_sample.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    form_id: Mapped[str] = mapped_column(String(40))
    form_version: Mapped[str] = mapped_column(String(40))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    practitioner: Mapped[str | None] = mapped_column(String(80), index=True)
    auditor: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    overall: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    moderator: Mapped[str | None] = mapped_column(String(80))
    moderated_at: Mapped[datetime | None]
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    response_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)


class AuditGradeRow(Base):
    """The grade of one question, with its evidence, and the moderator's grade and reason."""

    __tablename__ = "audit_grade"
    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"))
    question_id: Mapped[str] = mapped_column(String(60))
    grade: Mapped[str] = mapped_column(String(30), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    moderated_grade: Mapped[str | None] = mapped_column(String(30))
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("audit_id", "question_id",
                                       name="uq_audit_grade_question"),)


class AuditActionRow(Base):
    """An agreed action: what, whose, due when, and when it was done."""

    __tablename__ = "audit_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[date] = mapped_column(Date)
    agreed_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(80))
    done_note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_audit_action_owner_done", "owner", "done_at"),)


class AuditLearningRow(Base):
    """A theme of a quarter's audits; published themes are shown to partners too."""

    __tablename__ = "audit_learning"
    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    theme: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(default=False)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
