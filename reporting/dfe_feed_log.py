"""The DfE feed's send log as an operator reads it: recent runs, their POSTs and refusals.

Nothing here is personal: LA child ids and schema paths for refusals, and for each POST
when, how many children, its batch id, the status and the DfE's HTTP code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.persistence.tables_feed import FeedBatchRow, FeedRefusalRow, FeedRunRow


@dataclass(frozen=True)
class BatchLine:
    seq: int
    batch_id: str
    children: int
    purges: int
    status: str
    response_code: int | None
    attempts: int
    finished_at: datetime | None


@dataclass(frozen=True)
class RunLine:
    run_id: str
    kind: str
    started_at: datetime
    as_at: datetime
    window_start: date
    status: str
    children: int
    purges: int
    refused: int
    note: str
    batches: tuple[BatchLine, ...]
    refusals: tuple[tuple[str, str, str], ...]  # (LA child id, schema path, rule)


def recent_runs(session: Session, limit: int = 10) -> list[RunLine]:
    """The last ``limit`` runs, newest first, each with its batches and refusals."""
    runs = session.scalars(select(FeedRunRow).order_by(FeedRunRow.started_at.desc())
                           .limit(limit)).all()
    ids = [r.id for r in runs]
    batches: dict[str, list[BatchLine]] = {i: [] for i in ids}
    for b in session.scalars(select(FeedBatchRow).where(FeedBatchRow.run_id.in_(ids))
                             .order_by(FeedBatchRow.run_id, FeedBatchRow.seq)):
        batches[b.run_id].append(BatchLine(b.seq, b.batch_id, b.children, b.purges, b.status,
                                           b.response_code, b.attempts, b.finished_at))
    refusals: dict[str, list[tuple[str, str, str]]] = {i: [] for i in ids}
    for f in session.scalars(select(FeedRefusalRow).where(FeedRefusalRow.run_id.in_(ids))
                             .order_by(FeedRefusalRow.id)):
        refusals[f.run_id].append((f.la_child_id, f.path, f.rule))
    return [RunLine(r.id, r.kind, r.started_at, r.as_at, r.window_start, r.status, r.children,
                    r.purges, r.refused, r.note, tuple(batches[r.id]), tuple(refusals[r.id]))
            for r in runs]
