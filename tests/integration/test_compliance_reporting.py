"""Compliance and performance read back from stored clocks, on SQLite and PostgreSQL,
against literal dates: two child protection plans from the conference of Thu 20 Aug 2026,
one visited on Thu 3 Sep and one never, read on Wed 9 Sep 2026 (the first visit fell due
on Fri 4 Sep, after the summer bank holiday of Mon 31 Aug)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from reporting.compliance import Compliance, Filters, Oversight, cases_csv
from reporting.performance import performance
from tests.builders import SOCIAL_WORKER, record_one, walk_to
from workflow.contact import reference_for
from workflow.oversight.escalation import EscalationPolicy
from workflow.oversight.messages import compose
from workflow.persistence.sweep import sweep
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.persistence.tables_oversight import NotificationRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.stages import Stage

CONFERENCE = datetime(2026, 8, 20, 10, tzinfo=UTC)
NOW = datetime(2026, 9, 9, 12, tzinfo=UTC)
SERVICE = Oversight("head.service", whole_service=True)


def _plan(uow_factory: Callable[[], SqlUnitOfWork], rules: Rules, engine: Engine,
          team: str, worker: str, visited: datetime | None = None) -> int:
    driver = record_one(uow_factory, rules, CONFERENCE - timedelta(hours=3), CONFERENCE)
    walk_to(driver, Stage.CP_PLAN)
    if visited is not None:
        driver.now = visited
        driver.fire("record_visit", SOCIAL_WORKER, {"visited_at": visited, "child_seen": True,
                                                    "seen_alone": True})
    with Session(engine) as session:  # the allocation as a manager made it
        session.execute(update(ContactRow).where(ContactRow.id == driver.contact_id)
                        .values(team=team, worker=worker))
        session.commit()
    return driver.contact_id


def _cp_visit(lines: list, key: str | None = "cp_visit") -> object:
    return next(line for line in lines if line.key == key)


def test_a_missed_visit_shows_by_how_many_working_days_and_whose_line_it_is_in(
        uow_factory: Callable[[], SqlUnitOfWork], rules: Rules, engine: Engine) -> None:
    missed = _plan(uow_factory, rules, engine, "cp-team-a", "sw.a")
    _plan(uow_factory, rules, engine, "cp-team-b", "sw.b", visited=datetime(2026, 9, 3, 11,
                                                                            tzinfo=UTC))
    c = Compliance(rules.standards, rules.calendar, NOW)

    with Session(engine) as session:
        service = _cp_visit(c.standing(session, SERVICE, "standard"))
        team_b = c.standing(session, Oversight("tm.b", teams=frozenset({"cp-team-b"})),
                            "standard")
        own = c.standing(session, Oversight("sw.a"), "worker")
        rows = c.cases(session, SERVICE, Filters(standard="cp_visit", status="missed"))

    assert (service.missed, service.on_track, service.met, service.late) == (1, 1, 1, 0)
    assert service.worst_late_days == 3  # Mon 7, Tue 8, Wed 9 Sep
    assert _cp_visit(team_b).missed == 0
    assert [line.key for line in own] == ["sw.a"]
    assert [(r["contact_id"], r["due"], r["by_how_long"]) for r in rows] == [
        (missed, "4 September 2026", "3 working days late")]


def test_the_monthly_trend_counts_a_visit_still_not_made_as_missed(
        uow_factory: Callable[[], SqlUnitOfWork], rules: Rules, engine: Engine) -> None:
    _plan(uow_factory, rules, engine, "cp-team-a", "sw.a")
    _plan(uow_factory, rules, engine, "cp-team-b", "sw.b", visited=datetime(2026, 9, 3, 11,
                                                                            tzinfo=UTC))
    c = Compliance(rules.standards, rules.calendar, NOW)

    with Session(engine) as session:
        trend = c.monthly(session, SERVICE, [date(2026, 8, 1), date(2026, 9, 1)],
                          Filters(standard="cp_visit"))

    assert [(m["label"], m["due"], m["met"], m["missed"]) for m in trend] == [
        ("August 2026", 0, 0, 0), ("September 2026", 2, 1, 1)]


def test_performance_counts_each_workers_overdue_visits_and_weighted_caseload(
        uow_factory: Callable[[], SqlUnitOfWork], rules: Rules, engine: Engine) -> None:
    _plan(uow_factory, rules, engine, "cp-team-a", "sw.a")
    _plan(uow_factory, rules, engine, "cp-team-b", "sw.b", visited=datetime(2026, 9, 3, 11,
                                                                            tzinfo=UTC))

    with Session(engine) as session:
        lines = {w.worker: w for w in performance(
            session, SERVICE, frozenset(s.name for s in rules.standards),
            {"cp_plan": 1.5}, rules.calendar, NOW)}
        only_b = performance(session, Oversight("tm.b", teams=frozenset({"cp-team-b"})),
                             frozenset(s.name for s in rules.standards), {}, rules.calendar, NOW)

    assert (lines["sw.a"].visits_overdue, lines["sw.b"].visits_overdue) == (1, 0)
    assert (lines["sw.a"].caseload, lines["sw.a"].weighted) == (1, 1.5)
    assert lines["sw.a"].standards_overdue > lines["sw.b"].standards_overdue
    assert [w.worker for w in only_b] == ["sw.b"]


def test_the_csv_export_cannot_carry_a_formula() -> None:
    text = cases_csv([{"reference": "FD0000001", "standard": "Child protection visit",
                       "due": "4 September 2026", "status_label": "Missed",
                       "by_how_long": "3 working days late", "team": "=HYPERLINK(1)",
                       "worker": "sw.a"}])

    assert text.splitlines()[1].split(",")[5] == "'=HYPERLINK(1)"


def _warned(engine: Engine, rules: Rules, now: datetime) -> list[tuple[str, str]]:
    """Who the sweep warns, and the subject each is sent (worded at delivery, from the
    titles of the timescales and practice standards)."""
    policy = EscalationPolicy(timedelta(hours=24), 0.75, timedelta(hours=24), ())
    titles = rules.timescales.titles()
    with Session(engine) as session:
        sweep(session, now, policy)
        session.commit()
        found = session.execute(
            select(NotificationRow.recipient, NotificationRow.contact_id, ClockRow.rule,
                   ClockRow.due_at)
            .join(ClockRow, ClockRow.id == NotificationRow.clock_id)
            .where(NotificationRow.kind == "warning")).all()
    return [(r.recipient, compose("warning", titles.get(r.rule), r.contact_id, r.due_at,
                                  "https://frontdoor.example/").subject) for r in found]


def test_the_worker_is_warned_before_a_visit_is_missed_in_words(
        uow_factory: Callable[[], SqlUnitOfWork], rules: Rules, engine: Engine) -> None:
    contact_id = _plan(uow_factory, rules, engine, "cp-team-a", "sw.a")
    title = "Child protection visit, child seen (alone where age allows)"

    early = _warned(engine, rules, datetime(2026, 8, 28, 12, tzinfo=UTC))
    late = _warned(engine, rules, datetime(2026, 9, 3, 12, tzinfo=UTC))  # due Fri 4 Sep

    assert not [s for who, s in early if who == "sw.a" and s.startswith(title)]
    [subject] = [s for who, s in late if who == "sw.a" and s.startswith(title)]
    assert reference_for(contact_id) in subject and "due Fri 4 Sep" in subject


def test_a_visit_due_within_its_three_working_days_is_due_soon(
        uow_factory: Callable[[], SqlUnitOfWork], rules: Rules, engine: Engine) -> None:
    _plan(uow_factory, rules, engine, "cp-team-b", "sw.b", visited=datetime(2026, 9, 3, 11,
                                                                            tzinfo=UTC))
    # The next visit is due Thu 17 Sep; on Fri 11 Sep that is 4 working days away, on
    # Mon 14 Sep 3 (15, 16, 17).
    on_track = Compliance(rules.standards, rules.calendar, datetime(2026, 9, 11, 12, tzinfo=UTC))
    soon = Compliance(rules.standards, rules.calendar, datetime(2026, 9, 14, 12, tzinfo=UTC))

    with Session(engine) as session:
        before = _cp_visit(on_track.standing(session, SERVICE, "standard"))
        after = _cp_visit(soon.standing(session, SERVICE, "standard"))
        [row] = soon.cases(session, SERVICE, Filters(standard="cp_visit"))

    assert (before.on_track, before.due_soon) == (1, 0)
    assert (after.on_track, after.due_soon) == (0, 1)
    assert (row["status_label"], row["by_how_long"]) == ("Due soon", "3 working days left")
