"""The referrer's acknowledgement clock and the "authorised with the child not seen" flag,
through the service layer on SQLite and PostgreSQL: what is stored, what a refusal leaves
untouched, and what the contact page, the breach dashboard and the KPIs read back.

Dates are literal: received Thu 24 Dec 2026 10:00 (GMT); Christmas Fri 25 and the Boxing
Day substitute Mon 28 are bank holidays, so the acknowledgement is due by the end of Tue
29 Dec (23:59:59 UTC) whenever the referral is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.assessments import authorised_not_seen
from reporting.contact_page import contact_page
from reporting.dashboard import Scope, historic_breaches, summary
from reporting.kpis import KpiDefinition, series
from tests.builders import (
    FRONT_DOOR_WORKER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OnService,
    end_of_london_day,
    payload,
    record_one,
    walk_to,
)
from workflow.errors import GuardFailed
from workflow.persistence.tables import ClockRow, EventRow
from workflow.persistence.tables_strategy import AssessmentRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.stages import Stage

Fetch = Callable[[Any], list[Any]]
UowFactory = Callable[[], SqlUnitOfWork]
RECEIVED = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
DUE = end_of_london_day(date(2026, 12, 29))
ACK = "referral_acknowledgement"
REASON = "Family in a refuge out of area; seen by its own support worker, report on file"


def _referred(uow_factory: UowFactory, rules: Rules, decided: datetime) -> OnService:
    driver = record_one(uow_factory, rules, RECEIVED, RECEIVED)
    driver.now = decided
    walk_to(driver, Stage.ASSESSMENT)
    return driver


def _step(driver: OnService, trigger: str, who: Any, at: datetime,
          variant: str | None = None, **extra: Any) -> None:
    driver.now = at
    driver.fire(trigger, who, payload(trigger, at, variant, **extra))


def _clock(fetch: Fetch, contact_id: int, rule: str) -> ClockRow:
    [row] = fetch(select(ClockRow).where(ClockRow.contact_id == contact_id,
                                         ClockRow.rule == rule))
    return row


# -- the acknowledgement -----------------------------------------------------------------

def test_a_referral_stores_the_acknowledgement_clock_counted_from_receipt(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _referred(uow_factory, rules, datetime(2026, 12, 24, 15, 0, tzinfo=UTC))

    row = _clock(fetch, driver.contact_id, ACK)

    assert (row.started_at, row.due_at, row.rule_version) == (
        RECEIVED, DUE, f"{ACK}@2023-12-15")
    assert row.stopped_at is None


def test_feedback_in_time_stops_it_met_and_the_contact_page_shows_it_by_its_title(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch, engine: Any) -> None:
    driver = _referred(uow_factory, rules, datetime(2026, 12, 24, 15, 0, tzinfo=UTC))
    _step(driver, "give_referrer_feedback", FRONT_DOOR_WORKER,
          datetime(2026, 12, 29, 16, 0, tzinfo=UTC))

    row = _clock(fetch, driver.contact_id, ACK)
    with Session(engine) as session:
        page = contact_page(session, driver.contact_id, datetime(2026, 12, 30, tzinfo=UTC))

    assert (row.result, row.stop_event) == ("met", "referrer_feedback_given")
    assert page is not None
    [line] = [c for c in page.clocks if c.rule == ACK]
    assert (line.result, line.due_at) == ("met", DUE)
    assert rules.timescales.titles()[ACK] == "Referral acknowledged to the referrer"


def test_an_unacknowledged_referral_is_breached_on_the_dashboard_then_a_historic_breach(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch, engine: Any) -> None:
    driver = _referred(uow_factory, rules, datetime(2026, 12, 29, 17, 0, tzinfo=UTC))
    wednesday = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)

    with Session(engine) as session:
        running = {r["key"]: r for r in summary(session, wednesday, timedelta(hours=24),
                                                Scope(), "rule")}
    _step(driver, "give_referrer_feedback", FRONT_DOOR_WORKER, wednesday,
          reason="Referrer on leave; told their duty desk")
    with Session(engine) as session:
        history = historic_breaches(session, RECEIVED, wednesday + timedelta(days=1),
                                    Scope())

    assert running[ACK]["breached"] == 1
    [late] = [h for h in history if h["rule"] == ACK]
    assert (late["result"], late["note"]) == ("late", "Referrer on leave; told their duty desk")


# -- authorised with the child not seen ------------------------------------------------------

def _submitted(uow_factory: UowFactory, rules: Rules, seen: bool) -> OnService:
    driver = _referred(uow_factory, rules, datetime(2026, 12, 24, 15, 0, tzinfo=UTC))
    if seen:
        _step(driver, "record_visit", SOCIAL_WORKER, datetime(2026, 12, 29, 11, 0, tzinfo=UTC),
              "seen")
    _step(driver, "submit_assessment", SOCIAL_WORKER, datetime(2027, 1, 11, 9, 0, tzinfo=UTC))
    return driver


AUTHORISED = datetime(2027, 1, 12, 14, 0, tzinfo=UTC)


def test_authorising_unseen_without_a_reason_is_refused_and_stores_nothing(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch) -> None:
    driver = _submitted(uow_factory, rules, seen=False)
    events_before = len(fetch(select(EventRow)))

    with pytest.raises(GuardFailed) as caught:
        _step(driver, "complete_assessment", TEAM_MANAGER, AUTHORISED, "cin_plan")

    [row] = fetch(select(AssessmentRow).where(AssessmentRow.contact_id == driver.contact_id))
    assert caught.value.field == "not_seen_reason"
    assert (row.status, row.authorised_not_seen, row.not_seen_reason) == ("submitted", False, "")
    assert len(fetch(select(EventRow))) == events_before
    assert _clock(fetch, driver.contact_id, "child_seen_s17").stopped_at is None


def test_authorising_unseen_with_a_reason_flags_the_assessment_and_every_reader_sees_it(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch, engine: Any) -> None:
    driver = _submitted(uow_factory, rules, seen=False)

    _step(driver, "complete_assessment", TEAM_MANAGER, AUTHORISED, "cin_plan",
          not_seen_reason=REASON)

    [row] = fetch(select(AssessmentRow).where(AssessmentRow.contact_id == driver.contact_id))
    clock = _clock(fetch, driver.contact_id, "child_seen_s17")
    with Session(engine) as session:
        page = contact_page(session, driver.contact_id, AUTHORISED)
        listed = authorised_not_seen(session, datetime(2027, 1, 1, tzinfo=UTC),
                                     datetime(2027, 2, 1, tzinfo=UTC))
        [january] = series(session, KpiDefinition("authorised_child_seen", "", 100, ""),
                           [date(2027, 1, 1)])
    assert (row.status, row.authorised_not_seen, row.not_seen_reason) == (
        "authorised", True, REASON)
    assert (clock.result, clock.note) == ("not_met", REASON)
    assert page is not None and page.assessment is not None
    assert (page.assessment.authorised_not_seen, page.assessment.not_seen_reason) == (
        True, REASON)
    assert [(n.contact_id, n.authorised_by, n.reason) for n in listed] == [
        (driver.contact_id, TEAM_MANAGER.username, REASON)]
    assert (january.numerator, january.denominator) == (0, 1)


def test_authorising_after_the_child_was_seen_stores_no_flag(
        uow_factory: UowFactory, rules: Rules, fetch: Fetch, engine: Any) -> None:
    driver = _submitted(uow_factory, rules, seen=True)

    _step(driver, "complete_assessment", TEAM_MANAGER, AUTHORISED, "cin_plan")

    [row] = fetch(select(AssessmentRow).where(AssessmentRow.contact_id == driver.contact_id))
    with Session(engine) as session:
        listed = authorised_not_seen(session, datetime(2027, 1, 1, tzinfo=UTC),
                                     datetime(2027, 2, 1, tzinfo=UTC))
        [january] = series(session, KpiDefinition("authorised_child_seen", "", 100, ""),
                           [date(2027, 1, 1)])
    assert (row.authorised_not_seen, row.not_seen_reason) == (False, "")
    assert listed == []
    assert (january.numerator, january.denominator) == (1, 1)
