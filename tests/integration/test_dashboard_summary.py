"""The whole-service dashboard reads the running clocks alone (each contact's team,
worker or RAG looked up per clock), and must count exactly what the joined, filtered
summary counts for the same clocks, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from reporting.dashboard import Scope, clock_list, summary
from tests.builders import FRONT_DOOR_WORKER, payload, record_one
from workflow.persistence.tables import ContactRow
from workflow.rules import Rules

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # a Monday
LATER = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)  # the decision clocks are breached by now


def test_counts_by_rag_and_rule_are_the_same_read_alone_or_filtered(
        uow_factory: Callable[[], Any], rules: Rules, engine: Any) -> None:
    for rag in ("red", "red", "amber", None):
        driver = record_one(uow_factory, rules, RECEIVED, RECEIVED)
        driver.fire("start_screening", FRONT_DOOR_WORKER, payload("start_screening", RECEIVED))
        if rag:
            driver.fire("rate", FRONT_DOOR_WORKER, {"rag": rag, "reason": "Synthetic"})

    with Session(engine) as session:
        by_rag = summary(session, LATER, timedelta(hours=24), Scope(), "rag")
        red_only = summary(session, LATER, timedelta(hours=24), Scope(rag="red"), "rag")
        by_rule = summary(session, LATER, timedelta(hours=24), Scope(), "rule")
        red_by_rule = summary(session, LATER, timedelta(hours=24), Scope(rag="red"), "rule")

    counted = {r["key"]: r["breached"] + r["at_risk"] for r in by_rag}
    assert set(counted) == {"red", "amber", None}
    assert counted["red"] > 0 and counted["amber"] > 0
    assert [r for r in by_rag if r["key"] == "red"] == red_only
    assert sum(r["breached"] + r["at_risk"] for r in by_rule) == sum(counted.values())
    assert sum(r["breached"] + r["at_risk"] for r in red_by_rule) == counted["red"]


def test_a_workers_dashboard_counts_and_lists_only_that_workers_running_clocks(
        uow_factory: Callable[[], Any], rules: Rules, engine: Any) -> None:
    drivers = [record_one(uow_factory, rules, RECEIVED, RECEIVED) for _ in range(3)]
    for d in drivers:
        d.fire("start_screening", FRONT_DOOR_WORKER, payload("start_screening", RECEIVED))
    with Session(engine) as session:  # synthetic allocation: two contacts Alice's, one Bob's
        for d, worker in zip(drivers, ("alice", "alice", "bob"), strict=True):
            session.execute(update(ContactRow).where(ContactRow.id == d.contact_id)
                            .values(worker=worker))
        session.commit()

    with Session(engine) as session:
        everyone = summary(session, LATER, timedelta(hours=24), Scope(), "rule")
        alice = summary(session, LATER, timedelta(hours=24), Scope(worker="alice"), "rule")
        rule = alice[0]["key"]
        alice_one_rule = summary(session, LATER, timedelta(hours=24),
                                 Scope(worker="alice", rule=rule), "worker")
        listed = clock_list(session, LATER, timedelta(hours=24), Scope(worker="alice"),
                            "breached")

    def total(rows: list[dict[str, Any]]) -> int:
        return sum(r["breached"] + r["at_risk"] for r in rows)

    assert total(everyone) == 3 * total(alice) // 2 > 0  # Alice holds two of the three
    assert alice_one_rule == [{"key": "alice", "breached": alice[0]["breached"],
                               "at_risk": alice[0]["at_risk"]}]
    assert {r["contact_id"] for r in listed} == {drivers[0].contact_id, drivers[1].contact_id}
    assert all(r["worker"] == "alice" for r in listed)
