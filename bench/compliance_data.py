"""Practice-standard clocks on top of ``bench.dashboard_data``'s synthetic history.

The dashboard data has the front door's clocks; this adds what the practice standards
write. Every fourth live assessment becomes a plan (half child protection, half child in
need), joining the old child in need cases the history already holds; each plan gets its
standards running, due from ten days ago to twenty days ahead (so some are missed, some
due soon, most on track), and three earlier visits met or late. One closed contact in
fifty had a plan once and leaves eight stopped standard clocks, so the larger database
has years more standards history, as a council's would.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session

from bench.dashboard_data import CHUNK, NOW
from workflow.persistence.tables import ClockRow, ContactRow

CP = ("cp_visit", "cp_plan_written", "core_group_interval", "supervision")
CIN = ("cin_visit", "cin_plan_written", "cin_review", "supervision")
STOP = {"cp_visit": "cp_child_seen", "cin_visit": "cin_child_seen",
        "cp_plan_written": "plan_written", "cin_plan_written": "plan_written",
        "core_group_interval": "core_group_held", "cin_review": "cin_review_held",
        "supervision": "case_supervised"}


def _clock(cid: int, rule: str, due: datetime, stopped: datetime | None) -> dict[str, Any]:
    result = None if stopped is None else ("met" if stopped <= due else "late")
    return {"contact_id": cid, "rule": rule, "rule_version": f"{rule}@2024-04-01",
            "started_at": due - timedelta(days=14), "due_at": due, "stopped_at": stopped,
            "stop_event": None if stopped is None else STOP[rule], "result": result,
            "note": None}


def _open_plan(cid: int, stage: str, rng: random.Random) -> list[dict[str, Any]]:
    rules = CP if stage == "cp_plan" else CIN
    rows = [_clock(cid, rule, NOW + timedelta(days=rng.uniform(-10, 20)), None)
            for rule in rules]
    visit = rules[0]
    for back in (1, 2, 3):
        due = NOW - timedelta(days=14 * back + rng.uniform(0, 5))
        rows.append(_clock(cid, visit, due, due + timedelta(days=rng.uniform(-5, 2))))
    return rows


def _past_plan(cid: int, received: datetime, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for k in range(8):
        due = received + timedelta(days=30 + 14 * k)
        rows.append(_clock(cid, CIN[k % 4], due, due + timedelta(days=rng.uniform(-6, 3))))
    return rows


def _rows(session: Session, rng: random.Random) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    found = session.execute(select(ContactRow.id, ContactRow.stage, ContactRow.received_at)
                            .where(ContactRow.stage.in_(("cp_plan", "cin_plan"))
                                   | ((ContactRow.stage == "closed") & (ContactRow.id % 50 == 0)))
                            .order_by(ContactRow.id)).all()
    for cid, stage, received in found:
        batch += (_past_plan(cid, received, rng) if stage == "closed"
                  else _open_plan(cid, stage, rng))
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    yield batch


def add_standards(engine: Engine, n: int) -> int:
    """Turn some live assessments into plans and write the standards' clocks; returns the
    clock rows written."""
    rng = random.Random(n + 1)  # noqa: S311 - synthetic data
    written = 0
    with Session(engine) as session:
        live = ContactRow.received_at > NOW - timedelta(days=56)
        for stage, remainder in (("cp_plan", 0), ("cin_plan", 4)):
            session.execute(update(ContactRow).where(
                ContactRow.stage == "assessment", live, ContactRow.id % 8 == remainder)
                .values(stage=stage))
        session.commit()
        for batch in _rows(session, rng):
            if batch:
                session.connection().execute(insert(ClockRow), batch)
                written += len(batch)
        session.commit()
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("ANALYZE"))
        else:
            session.execute(text('ANALYZE "clock"'))
            session.execute(text('ANALYZE "contact"'))
        session.commit()
    return written
