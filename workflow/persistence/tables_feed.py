"""Tables of the DfE's daily feed: each run, each POST, each refused record, and the ledger
of what the DfE holds.

Why four: a run is what an operator asks about ("did last night's send go?"); a batch is
one POST with its id, status and HTTP code; a refusal names a child's record the schema
refused (LA id and schema path, never the value); and the ledger (``dfe_feed_child``) is
what makes a delta exact: per child, a digest of what the DfE was last sent and the ids of
every episode and record in it, written only when the DfE accepted the batch. None holds
personal data: LA ids, contact references, counts, hashes and HTTP codes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base
from workflow.persistence.types import JSONDoc


class FeedRunRow(Base):
    """One ``frontdoor feed send``: running, then sent, partial, failed or nothing_to_send."""

    __tablename__ = "dfe_feed_run"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # full | delta
    as_at: Mapped[datetime]  # the instant the records were read
    window_start: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    children: Mapped[int] = mapped_column(default=0)
    purges: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(200), default="")


class FeedBatchRow(Base):
    """One POST of up to 100 records (the same bytes always have the same ``batch_id``)."""

    __tablename__ = "dfe_feed_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("dfe_feed_run.id"), index=True)
    seq: Mapped[int]
    batch_id: Mapped[str] = mapped_column(String(36), index=True)
    children: Mapped[int]
    purges: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # sent | failed
    response_code: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    receipt: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("run_id", "seq", name="uq_dfe_feed_batch_seq"),)


class FeedRefusalRow(Base):
    """A child's record the DfE schema refused, so it was not sent."""

    __tablename__ = "dfe_feed_refusal"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("dfe_feed_run.id"), index=True)
    la_child_id: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(200))


class FeedChildRow(Base):
    """What the DfE holds for a child, as of the last batch it accepted with them in it."""

    __tablename__ = "dfe_feed_child"
    la_child_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), default="")
    items: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    purged: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[str] = mapped_column(String(36))
    sent_at: Mapped[datetime]
    __table_args__ = (Index("ix_dfe_feed_child_purged", "purged"),)
