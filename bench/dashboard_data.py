"""Synthetic history for ``bench.dashboard``: n contacts at a large county's daily intake.

Both sizes have the same daily intake (~270 contacts a day), so the larger one is simply
years more history: the live caseload (contacts from the last eight weeks, with running
clocks) is the same size in both, and so is one month's KPI volume. Rows are bulk-inserted
with SQL (the service layer would take hours for a million); their shapes match what the
engine writes: clocks for every KPI (decision, both assessment countings, child seen),
a receive and a decide event per contact with the decision's row (the threshold-consistency
KPI reads the decision rows), strategy discussions with their participation grid, and
children who come back (a fifth of contacts are about a child seen before, up to two years
earlier), so the re-referral KPI has re-referrals to find.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from bench.rows import write_rows
from workflow.people.search_keys import person_keys
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_people import PersonNameKeyRow, PersonRow
from workflow.persistence.tables_strategy import (
    AssessmentRow,
    StrategyDiscussionRow,
    StrategyParticipationRow,
)

PER_DAY = 270
LIVE_DAYS = 56
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
BORN = date(2008, 9, 1)  # children's dates of birth spread over the eighteen years after
CHUNK = 20_000
RETURNING = 0.2  # share of contacts about a child seen before
STOP_EVENT = {"contact_decision": "decision_made", "assessment": "assessment_completed",
              "assessment_dfe": "assessment_completed", "child_seen_s17": "child_seen",
              "referral_acknowledgement": "referrer_feedback_given"}
#: One child in this many carries the search keys of their name (enough for the search's
#: plans to read real index ranges without nine million key rows at 1,000,000).
KEYED = 50
TABLES = (PersonRow, PersonNameKeyRow, ContactRow, ClockRow, EventRow, ThresholdDecisionRow,
          StrategyDiscussionRow, StrategyParticipationRow, AssessmentRow)


@dataclass
class Batch:
    """Rows waiting to be inserted, one list per table in ``TABLES`` order."""

    rows: dict[Any, list[dict[str, Any]]] = field(
        default_factory=lambda: {t: [] for t in TABLES})
    discussions: int = 0

    def __len__(self) -> int:
        return len(self.rows[ContactRow])


def _child_of(i: int, n: int, rng: random.Random) -> int:
    """Usually a child of its own; sometimes the child of an older contact (a return)."""
    if rng.random() < RETURNING:
        older = i + rng.randint(PER_DAY * 7, PER_DAY * 730)
        if older <= n:
            return older
    return i


def _contact(i: int, n: int, rng: random.Random) -> dict[str, Any]:
    """The contact i-th from the newest: ids grow with time as the database hands them
    out, so the live caseload holds the highest ids (the plans depend on it)."""
    received = NOW - timedelta(days=i / PER_DAY, minutes=rng.uniform(0, 600))
    live = NOW - received < timedelta(days=LIVE_DAYS)
    stage = rng.choice(("screening", "information_gathering", "assessment")) if live \
        else ("cin_plan" if rng.random() < 0.002 else "closed")  # ~2,000 open CIN cases
    referred = stage in ("assessment", "cin_plan") or rng.random() < 0.3
    return {"id": n + 1 - i, "child_id": n + 1 - _child_of(i, n, rng),
            "received_at": received, "source": "6",
            "stage": stage, "version": 3, "event_seq": 3,
            "rag": rng.choice(("red", "amber", "green")), "team": f"team-{i % 7}",
            "worker": f"worker{i % 40}",
            "referral_at": received + timedelta(hours=20) if referred else None}


def _clock(cid: int, rule: str, start: datetime, due: datetime,
           stopped: datetime | None) -> dict[str, Any]:
    result = None if stopped is None else ("met" if stopped <= due else "late")
    return {"contact_id": cid, "rule": rule, "rule_version": f"{rule}@2023-12-15",
            "started_at": start, "due_at": due, "stopped_at": stopped,
            "stop_event": None if stopped is None else STOP_EVENT[rule],
            "result": result, "note": "Synthetic reason" if result == "late" else None}


def _clocks(contact: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    received, cid = contact["received_at"], contact["id"]
    live = NOW - received < timedelta(days=LIVE_DAYS)  # older work has met its clocks
    due = received + timedelta(days=1, hours=rng.uniform(0, 30))
    stopped = None if live and rng.random() < 0.4 else due + timedelta(hours=rng.uniform(-20, 6))
    rows = [_clock(cid, "contact_decision", received, due, stopped)]
    if contact["referral_at"] is not None:
        start = contact["referral_at"]
        done: datetime | None = start + timedelta(days=rng.uniform(20, 70))
        done = None if done is not None and done > NOW else done
        seen: datetime | None = start + timedelta(days=rng.uniform(1, 8))
        seen = None if seen is not None and seen > NOW else seen
        rows += [_clock(cid, "assessment", start, start + timedelta(days=63), done),
                 _clock(cid, "assessment_dfe", start, start + timedelta(days=62), done),
                 _clock(cid, "child_seen_s17", start, start + timedelta(days=7), seen),
                 _acknowledgement(contact, live)]
    return rows


def _acknowledgement(contact: dict[str, Any], live: bool) -> dict[str, Any]:
    """The referrer's acknowledgement, counted from receipt (no random draw, so the data
    drawn before it stays what it was): one live referral in five not yet acknowledged."""
    received, cid = contact["received_at"], contact["id"]
    waiting = live and cid % 5 == 0
    told = None if waiting else contact["referral_at"] + timedelta(hours=2 + cid % 30)
    return _clock(cid, "referral_acknowledgement", received, received + timedelta(days=1),
                  told)


def _assessment(contact: dict[str, Any], clocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The referral's assessment: authorised when its clock stopped, "child not seen" when
    the child-seen clock had not stopped by then, or for one in nine (a manager's reason
    given: the volume the oversight list and the KPI read)."""
    done, seen = clocks[1]["stopped_at"], clocks[3]["stopped_at"]
    unseen = seen is None or (done is not None and seen > done) or contact["id"] % 9 == 0
    return {"contact_id": contact["id"], "kind": "s17",
            "status": "open" if done is None else "authorised",
            "started_at": contact["referral_at"], "factors": ["21"], "authorised_at": done,
            "authorised_by": None if done is None else "bench.manager",
            "authorised_not_seen": done is not None and unseen,
            "not_seen_reason": "Synthetic reason" if done is not None and unseen else ""}


def _events(contact: dict[str, Any], decided: datetime | None) -> list[dict[str, Any]]:
    base = {"contact_id": contact["id"], "actor": "bench.worker", "role": "front_door_worker",
            "reason": ""}
    rows = [{**base, "seq": 1, "trigger": "receive", "from_stage": None,
             "to_stage": "screening", "at": contact["received_at"], "payload": {}}]
    if decided is not None:
        rows.append({**base, "seq": 2, "trigger": "decide", "from_stage": "screening",
                     "to_stage": contact["stage"], "at": decided,
                     "payload": {"level": 3, "outcome": "targeted_early_help"}})
    return rows


def _decision(contact: dict[str, Any], decided: datetime, rng: random.Random) -> dict[str, Any]:
    """The decision row the ``decide`` event wrote: most match the catalogue's level."""
    matches = rng.random() < 0.85
    return {"contact_id": contact["id"], "event_seq": 2, "level": 3,
            "outcome": "targeted_early_help", "rationale": "Synthetic rationale",
            "catalogue_id": "bench", "catalogue_version": 1,
            "recommended_level": 3 if matches else 2, "is_override": not matches,
            "matches_recommendation": matches, "decided_by": "bench.worker",
            "decided_at": decided, "status": "in_force"}


def _discussion(batch: Batch, contact: dict[str, Any], rng: random.Random) -> None:
    batch.discussions += 1
    held = contact["referral_at"] + timedelta(hours=rng.uniform(2, 30))
    batch.rows[StrategyDiscussionRow].append({
        "id": batch.discussions, "contact_id": contact["id"], "event_seq": 3, "held_at": held,
        "chair": "bench.manager", "stage": "strategy_discussion", "outcome": "section_47",
        "recorded_by": "bench.worker", "recorded_at": held})
    for agency in ("la_social_worker", "police", "health", "education"):
        status = "attended" if rng.random() < 0.9 else rng.choice(
            ("written", "invited_no_contribution", "not_invited"))
        batch.rows[StrategyParticipationRow].append(
            {"discussion_id": batch.discussions, "agency": agency, "status": status})


def _children(n: int, batch: Batch) -> Iterator[Batch]:
    """Every child first: a returning child's contact names an older contact's child."""
    for i in range(1, n + 1):
        last = f"Child{i % 997}"
        batch.rows[PersonRow].append({"id": i, "first_name": "Synth", "last_name": last,
                                      "date_of_birth": BORN + timedelta(days=i * 7919 % 6500),
                                      "created_at": NOW})
        if i % KEYED == 0:
            batch.rows[PersonNameKeyRow] += [{"person_id": i, "key": key}
                                             for key in sorted(person_keys("Synth", last))]
        if len(batch.rows[PersonRow]) >= CHUNK:
            yield batch
    yield batch


def _rows(n: int, rng: random.Random, batch: Batch) -> Iterator[Batch]:
    yield from _children(n, batch)
    for i in range(n, 0, -1):  # oldest first, as the years wrote them
        contact = _contact(i, n, rng)
        clocks = _clocks(contact, rng)
        batch.rows[ContactRow].append(contact)
        batch.rows[ClockRow] += clocks
        decided = clocks[0]["stopped_at"]
        batch.rows[EventRow] += _events(contact, decided)
        if decided is not None:
            batch.rows[ThresholdDecisionRow].append(_decision(contact, decided, rng))
        if contact["referral_at"] is not None:
            batch.rows[AssessmentRow].append(_assessment(contact, clocks))
        if contact["referral_at"] is not None and rng.random() < 0.1:
            _discussion(batch, contact, rng)
        if len(batch) >= CHUNK:
            yield batch
    yield batch


def load(engine: Engine, n: int, fast: bool = False) -> float:
    """Bulk-load n synthetic contacts and analyse the tables; returns seconds taken.

    ``fast``: write through the driver (COPY on PostgreSQL, plain executemany on SQLite)
    with the values SQLAlchemy would bind (``bench.rows``), about ten times quicker at a
    million; the tables' indexes are best built after it (``bench.kept``)."""
    started = time.perf_counter()
    rng = random.Random(n)  # noqa: S311 - synthetic data
    with Session(engine) as session:
        for batch in _rows(n, rng, Batch()):
            connection = session.connection()
            for table in TABLES:
                if batch.rows[table]:
                    if fast:
                        write_rows(connection, table.__table__, batch.rows[table])
                    else:
                        connection.execute(insert(table), batch.rows[table])
                    batch.rows[table].clear()
            session.commit()
        _analyse(session)
        session.commit()
    return time.perf_counter() - started


def _analyse(session: Session) -> None:
    """Fresh planner statistics: SQLite's whole file; PostgreSQL's own tables only (a bare
    ANALYZE there would read every schema in the database)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("ANALYZE"))
        return
    for table in TABLES:
        session.execute(text(f'ANALYZE "{table.__tablename__}"'))
