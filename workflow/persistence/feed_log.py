"""The feed's send log in SQL: runs, batches, refusals, and the ledger a delta reads.

Each method is its own short transaction, never held open across an HTTP call: the send
waits on the DfE for seconds or minutes, and a SQLite write lock held that long would stop
every worker's change. A batch the DfE accepted updates the ledger rows of its children in
the same transaction that marks it sent, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.feed.ports import Answer, RunStart
from workflow.feed.records import Batch, ChildRecord, Refusal
from workflow.persistence.tables_feed import (
    FeedBatchRow,
    FeedChildRow,
    FeedRefusalRow,
    FeedRunRow,
)

_TEXT = 200  # the refusal columns' width


class SqlFeedLog:
    """The ``FeedLog`` port on the app's database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def start_run(self, run: RunStart, refusals: Sequence[Refusal]) -> None:
        with self.sessions() as db:
            db.add(FeedRunRow(id=run.run_id, kind=run.kind.value, as_at=run.as_at,
                              window_start=run.window_start, started_at=run.started_at,
                              status="running", children=run.children, purges=run.purges,
                              refused=len(refusals), note=""))
            db.flush()
            db.add_all(FeedRefusalRow(run_id=run.run_id, la_child_id=r.la_child_id,
                                      path=r.path[:_TEXT], rule=r.rule[:_TEXT])
                       for r in refusals)
            db.commit()

    def add_batch(self, run_id: str, batch: Batch, at: datetime) -> None:
        with self.sessions() as db:
            db.add(FeedBatchRow(run_id=run_id, seq=batch.seq, batch_id=batch.batch_id,
                                children=batch.children, purges=batch.purges,
                                status="pending", attempts=0, created_at=at))
            db.commit()

    def batch_done(self, run_id: str, batch: Batch, answer: Answer | None, attempts: int,
                   at: datetime) -> None:
        accepted = answer is not None and answer.accepted
        with self.sessions() as db:
            db.execute(update(FeedBatchRow).where(
                FeedBatchRow.run_id == run_id, FeedBatchRow.seq == batch.seq).values(
                status="sent" if accepted else "failed", attempts=attempts,
                response_code=answer.status if answer else None,
                receipt=answer.receipt[:64] if answer and answer.receipt else None,
                finished_at=at))
            if accepted:
                _remember(db, batch, at)
            db.commit()

    def finish_run(self, run_id: str, status: str, at: datetime, note: str = "") -> None:
        with self.sessions() as db:
            db.execute(update(FeedRunRow).where(FeedRunRow.id == run_id).values(
                status=status, finished_at=at, note=note[:200]))
            db.commit()


def _remember(db: Session, batch: Batch, at: datetime) -> None:
    """The ledger now says what the DfE holds for each child in the accepted batch."""
    ids = [r.la_child_id for r in batch.records]
    known = {row.la_child_id: row for row in db.scalars(
        select(FeedChildRow).where(FeedChildRow.la_child_id.in_(ids)))}
    for record in batch.records:
        row = known.get(record.la_child_id)
        if row is None:
            row = FeedChildRow(la_child_id=record.la_child_id)
            db.add(row)
        _write(row, record, batch.batch_id, at)


def _write(row: FeedChildRow, record: ChildRecord, batch_id: str, at: datetime) -> None:
    row.digest, row.items, row.purged = record.digest, list(record.items), record.purge
    row.batch_id, row.sent_at = batch_id, at
