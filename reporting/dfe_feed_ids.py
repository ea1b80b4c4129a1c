"""Stable ids for what the feed sends inside an episode, and the social workers on it.

The DfE keys each assessment, enquiry and plan by an id of ours, so that a later send can
change or purge it. The census's derivation (``reporting.cin_episodes``) builds those
records from their rows in a fixed order, by start and then row id, and carries no ids;
this reads the row ids of the same rows in the same order and pairs them up, checking the
start days match, so a change to that derivation fails loudly here instead of sending one
record's dates under another's id. A child in need plan has no row (it is a span of the
contact's stages), so it is numbered in order of its start: the events are append-only, so
the first plan stays the first.

Workers come from the ``allocate`` events (a case changes hands on the day it is
allocated to someone else) and are named by their Social Work England number, as the DfE
asks; a worker with none recorded is left out rather than sent under another id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.cin_episodes import Episode, local_day
from workflow.persistence.tables import EventRow, UserRow
from workflow.persistence.tables_strategy import (
    AssessmentRow,
    ChildProtectionPlanRow,
    Section47Row,
)

_CHUNK = 500


@dataclass(frozen=True)
class RowIds:
    """One episode's row ids, in the order of the episode's own records, and its workers."""

    assessments: tuple[int, ...] = ()
    section47s: tuple[int, ...] = ()
    plans: tuple[int, ...] = ()
    workers: tuple[dict[str, str], ...] = ()


def _rows(session: Session, table: Any, chunk: list[int], as_at: datetime,
          *where: Any) -> dict[int, list[tuple[int, date]]]:
    found: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for contact_id, row_id, started in session.execute(
            select(table.contact_id, table.id, table.started_at)
            .where(table.contact_id.in_(chunk), table.started_at < as_at, *where)
            .order_by(table.started_at, table.id)):
        found[contact_id].append((row_id, local_day(started)))
    return found


def _paired(kind: str, records: Sequence[Any], rows: list[tuple[int, date]]) -> tuple[int, ...]:
    """The row ids of ``records`` (empty when the episode reports none of them)."""
    if not records:
        return ()
    if [r.start for r in records] != [day for _, day in rows]:
        raise RuntimeError(f"the {kind} rows no longer line up with the census's episode: "
                           "reporting.dfe_feed_ids must follow reporting.cin_episodes")
    return tuple(row_id for row_id, _ in rows)


def _swe_numbers(session: Session) -> dict[str, str]:
    rows = session.execute(select(UserRow.username, UserRow.swe_number)
                           .where(UserRow.swe_number.is_not(None), UserRow.swe_number != ""))
    return {username: swe for username, swe in rows if swe}


def _allocations(session: Session, chunk: list[int], as_at: datetime
                 ) -> dict[int, list[tuple[date, str]]]:
    found: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for event in session.scalars(select(EventRow).where(
            EventRow.contact_id.in_(chunk), EventRow.trigger == "allocate",
            EventRow.at < as_at).order_by(EventRow.at, EventRow.id)):
        worker = (event.payload or {}).get("worker")
        if worker:
            found[event.contact_id].append((local_day(event.at), str(worker)))
    return found


def workers(allocations: Iterable[tuple[date, str]], closure: date | None,
            swe: dict[str, str]) -> tuple[dict[str, str], ...]:
    """``care_worker_details``: who held the case from when to when (SWE numbers only)."""
    spans: list[list[Any]] = []
    for day, username in allocations:
        if spans and spans[-1][0] == username:
            continue
        if spans:
            spans[-1][2] = day
        spans.append([username, day, None])
    if spans and closure is not None:
        spans[-1][2] = closure
    return tuple({"worker_id": swe[name], "start_date": start.isoformat(),
                  **({"end_date": end.isoformat()} if end else {})}
                 for name, start, end in spans if name in swe)


def row_ids(session: Session, episodes: Sequence[Episode], as_at: datetime
            ) -> dict[int, RowIds]:
    """Each episode's row ids and workers, by contact id."""
    found: dict[int, RowIds] = {}
    swe = _swe_numbers(session) if episodes else {}
    ordered = sorted({e.contact_id for e in episodes})
    by_id = {e.contact_id: e for e in episodes}
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i:i + _CHUNK]
        assessments = _rows(session, AssessmentRow, chunk, as_at, AssessmentRow.status != "closed")
        enquiries = _rows(session, Section47Row, chunk, as_at)
        plans = _rows(session, ChildProtectionPlanRow, chunk, as_at)
        allocated = _allocations(session, chunk, as_at)
        for contact_id in chunk:
            e = by_id[contact_id]
            found[contact_id] = RowIds(
                _paired("assessment", e.assessments, assessments[contact_id]),
                _paired("section 47", e.section47s, enquiries[contact_id]),
                _paired("plan", e.cp_plans, plans[contact_id]),
                workers(allocated[contact_id], e.closure, swe))
    return found
