"""The schema: the only place table shapes are written down (Alembic reads it).

Indexes follow the read side: the work queue selects on stage, team and worker; the
dashboard and the breach sweep select open clocks by rule and due instant; the returns
select contacts by received and referral dates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from workflow.persistence.types import JSONDoc, UTCDateTime


class Base(DeclarativeBase):
    """Declarative base; ``Base.metadata`` is Alembic's target."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONDoc}


class ContactRow(Base):
    """A contact; ``version`` is the optimistic lock, ``stage`` is written only by the engine."""

    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    intake: Mapped[str | None] = mapped_column(String(24), index=True)
    received_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(4))
    channel: Mapped[str] = mapped_column(String(20), default="phone")
    referrer: Mapped[str] = mapped_column(String(160), default="")
    concerns: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[str] = mapped_column(String(40), default="not_recorded")
    stage: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    event_seq: Mapped[int] = mapped_column(Integer, default=0)
    rag: Mapped[str | None] = mapped_column(String(5))
    team: Mapped[str | None] = mapped_column(String(40), index=True)
    worker: Mapped[str | None] = mapped_column(String(80))
    referral_at: Mapped[datetime | None]
    linked_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    # The census episode's own fields (CINclosureDate comes from the closing event).
    closure_reason: Mapped[str | None] = mapped_column(String(4))
    referral_nfa: Mapped[bool] = mapped_column(default=False)
    open_case_reference: Mapped[str | None] = mapped_column(String(40))
    # What the known-child check found at intake.
    open_case_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    re_referral_of: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    repeat_contacts: Mapped[int | None]
    repeat_window_days: Mapped[int | None]
    # A worker's queue reads their open contacts: by worker then stage, so the years of
    # closed ones behind them are never read (the index serves "by worker" alone too).
    # The KPI series count a year of contacts by the month they came in or became referrals:
    # with the columns they read in the index, the count is read from the index alone
    # (a lookup of each row cost 150-190 ms a series at a million contacts on SQLite). Each
    # still serves a lookup by its first column alone.
    __table_args__ = (Index("ix_contact_worker_stage", "worker", "stage"),
                      Index("ix_contact_received_referral_channel", "received_at",
                            "referral_at", "channel"),
                      Index("ix_contact_referral_child", "referral_at", "child_id"),
                      # A child's contacts, and their referrals in order: the previous referral
                      # of a child is one probe, not a sort of every referral in the window.
                      Index("ix_contact_child_referral", "child_id", "referral_at"))


class EventRow(Base):
    """Append-only history. (contact, seq) is unique, so a lost race cannot write twice."""

    __tablename__ = "contact_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    seq: Mapped[int]
    trigger: Mapped[str] = mapped_column(String(40))
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]]
    __table_args__ = (UniqueConstraint("contact_id", "seq", name="uq_event_contact_seq"),)


class ClockRow(Base):
    """A timescale on a contact; open while ``stopped_at`` is null."""

    __tablename__ = "clock"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    rule_version: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]
    stop_event: Mapped[str | None] = mapped_column(String(60))
    result: Mapped[str | None] = mapped_column(String(20))  # the longest: "not_applicable"
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        # By rule, open or stopped, then due: the open clocks' due instants; and with how and
        # how well each stopped, so a KPI's clocks stopped in a month are read from the index.
        Index("ix_clock_rule_stopped", "rule", "stopped_at", "due_at", "stop_event", "result"),
        Index("ix_clock_due", "due_at"),
        # Open clocks only: the dashboard and the sweep read these, and their number follows
        # the live caseload, not the years of history behind it.
        Index("ix_clock_running", "due_at", sqlite_where=text("stopped_at IS NULL"),
              postgresql_where=text("stopped_at IS NULL")),
        Index("ix_clock_stopped", "stopped_at", "rule"),
        # The practice standards' months: the clocks of a few rules by the month they fell due.
        Index("ix_clock_rule_due", "rule", "due_at"),
        # Each contact's open clocks (the queue's next due instant), open ones only.
        Index("ix_clock_running_contact", "contact_id", "due_at",
              sqlite_where=text("stopped_at IS NULL"), postgresql_where=text("stopped_at IS NULL")),
    )


class UserRow(Base):
    """A person who signs in; a partner practitioner is bound to one agency."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    team: Mapped[str | None] = mapped_column(String(40))
    agency: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    #: Social Work England registration (e.g. "SW123456"), for a registered social worker.
    swe_number: Mapped[str | None] = mapped_column(String(12))
    #: Work e-mail an administrator pre-registers, matched once at a first single sign-on
    #: (tables_identity.UserIdentityRow then holds the provider's subject for good).
    email: Mapped[str | None] = mapped_column(String(254))
    #: Set by an administrator's password reset: the next sign-in must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False,
                                                       server_default=false())
    #: The TOTP secret, sealed (encrypted) by the web layer; None when not enrolled.
    totp_secret: Mapped[str | None] = mapped_column(String(400))
    #: The last 30-second step a code was accepted for: a code is never accepted twice.
    totp_last_step: Mapped[int | None]
    __table_args__ = (UniqueConstraint("email", name="uq_app_user_email"),)


class SessionRow(Base):
    """A server-side sign-in session: logout or an administrator revokes it here."""

    __tablename__ = "user_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginAttemptRow(Base):
    """Failed sign-ins, counted per username to throttle guessing."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime]


class RewritePermitRow(Base):
    """SQLite only: while a row is here (inside one transaction) the append-only tables
    accept UPDATE and DELETE (``workflow.persistence.append_only.rewriting``)."""

    __tablename__ = "rewrite_permit"
    id: Mapped[int] = mapped_column(primary_key=True)
    why: Mapped[str] = mapped_column(Text, default="")


class AccessLogRow(Base):
    """Who viewed which child's record, when, through which route (DOMAIN.md §6)."""

    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    child_id: Mapped[int | None] = mapped_column(index=True)
    contact_id: Mapped[int | None]
    route: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(String(20), default="viewed")
    reason: Mapped[str] = mapped_column(Text, default="")  # why the glass was broken
    # Broken glass is looked up per person and time: which children are open to them now.
    __table_args__ = (Index("ix_access_log_outcome_user_at", "outcome", "username", "at"),)
