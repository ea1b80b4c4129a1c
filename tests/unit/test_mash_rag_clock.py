"""The MASH RAG clock and the partner-request deadlines, against literal times.

Service hours (settings.toml, Worcestershire FFD): Mon-Thu 09:00-17:00, Fri 09:00-16:30.
MASH clocks (timescales.toml): red 4 real hours round the clock, amber 24 working hours,
green 72 working hours, all from the original receipt, also after a re-rating.
Request deadlines (agency_timescales.toml, Merton): red 2 real hours, amber 6 and green
24 working hours from the moment the request is sent.
Every expected instant below was counted by hand on a calendar; London times are written
as UTC with the offset in force on that day (GMT = UTC+0, BST = UTC+1).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.builders import FRONT_DOOR_WORKER, clock, received_contact
from workflow.clocks.clock import ClockResult
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.mash.config import MashConfig, load_mash_config
from workflow.rules import DEFAULT_CONFIG, Rules

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    """A wall-clock time in London, as people read it."""
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


@pytest.fixture(scope="module")
def mash() -> MashConfig:
    return load_mash_config(DEFAULT_CONFIG)


def _rate(engine: Engine, contact: Contact, rag: str, at: datetime,
          reason: str = "Synthetic reason") -> None:
    engine.fire(contact, "rate", FRONT_DOOR_WORKER,
                {"rag": rag, "reason": reason}, at)


def _screened(engine: Engine, received: datetime) -> Contact:
    contact = received_contact(engine, received)
    engine.fire(contact, "start_screening", FRONT_DOOR_WORKER, {}, received)
    return contact


# -- red at 16:00 on a Friday -----------------------------------------------------------
def test_a_red_contact_at_16_00_on_a_friday_is_due_at_20_00_that_evening(
        workflow_engine: Engine) -> None:
    contact = _screened(workflow_engine, london(2026, 3, 6, 16, 0))  # Friday, GMT

    _rate(workflow_engine, contact, "red", london(2026, 3, 6, 16, 5))

    assert clock(contact, "mash_red").due_at == datetime(2026, 3, 6, 20, 0, tzinfo=UTC)


def test_the_same_contact_rated_amber_would_wait_for_the_next_weeks_service_hours(
        workflow_engine: Engine) -> None:
    contact = _screened(workflow_engine, london(2026, 3, 6, 16, 0))

    _rate(workflow_engine, contact, "amber", london(2026, 3, 6, 16, 5))

    # Fri 16:00-16:30 = 0.5 h, Mon 8 h, Tue 8 h, then 7.5 h of Wednesday: 16:30.
    assert clock(contact, "mash_amber").due_at == datetime(2026, 3, 11, 16, 30, tzinfo=UTC)


def test_a_red_request_to_an_agency_sent_at_16_00_on_a_friday_is_due_at_18_00(
        rules: Rules, mash: MashConfig) -> None:
    sent = london(2026, 3, 6, 16, 0)

    due = mash.deadline_rule("red", sent.date()).due(sent, rules.calendar)

    assert due == datetime(2026, 3, 6, 18, 0, tzinfo=UTC)


def test_an_amber_request_sent_at_16_00_on_a_friday_is_due_at_14_30_on_monday(
        rules: Rules, mash: MashConfig) -> None:
    sent = london(2026, 3, 6, 16, 0)

    due = mash.deadline_rule("amber", sent.date()).due(sent, rules.calendar)

    # 0.5 h on Friday, 5.5 h on Monday from 09:00.
    assert due == datetime(2026, 3, 9, 14, 30, tzinfo=UTC)


# -- amber received on a bank holiday ----------------------------------------------------
def test_an_amber_contact_received_on_easter_monday_starts_counting_on_tuesday(
        workflow_engine: Engine) -> None:
    contact = _screened(workflow_engine, london(2026, 4, 6, 10, 0))  # Easter Monday, BST

    _rate(workflow_engine, contact, "amber", london(2026, 4, 6, 10, 30))

    # Tue 7, Wed 8, Thu 9 April, 8 h each from 09:00 BST: due Thu 17:00 BST = 16:00 UTC.
    assert clock(contact, "mash_amber").due_at == datetime(2026, 4, 9, 16, 0, tzinfo=UTC)


def test_a_green_request_sent_on_good_friday_counts_from_tuesday_after_easter(
        rules: Rules, mash: MashConfig) -> None:
    sent = london(2026, 4, 3, 11, 0)  # Good Friday: a bank holiday

    due = mash.deadline_rule("green", sent.date()).due(sent, rules.calendar)

    # Easter Monday is a bank holiday too: Tue 8 h, Wed 8 h, Thu 8 h -> Thu 17:00 BST.
    assert due == datetime(2026, 4, 9, 16, 0, tzinfo=UTC)


# -- re-rating across a weekend -----------------------------------------------------------
def test_re_rating_on_monday_recomputes_the_clock_from_fridays_receipt(
        workflow_engine: Engine) -> None:
    contact = _screened(workflow_engine, london(2026, 3, 6, 15, 0))  # Friday, GMT
    _rate(workflow_engine, contact, "green", london(2026, 3, 6, 15, 10))
    green = clock(contact, "mash_green")

    _rate(workflow_engine, contact, "amber", london(2026, 3, 9, 10, 0), "New police report")

    amber = clock(contact, "mash_amber")
    # From Fri 15:00, not Mon 10:00: Fri 1.5 h, Mon 8 h, Tue 8 h, Wed 6.5 h -> Wed 15:30.
    assert amber.started_at == london(2026, 3, 6, 15, 0)
    assert amber.due_at == datetime(2026, 3, 11, 15, 30, tzinfo=UTC)
    assert (green.result, green.stopped_at) == (ClockResult.SUPERSEDED,
                                                london(2026, 3, 9, 10, 0))
    assert contact.new_events[-1].reason == "New police report"


def test_re_rating_red_after_the_weekend_is_already_late_because_red_ran_all_weekend(
        workflow_engine: Engine) -> None:
    contact = _screened(workflow_engine, london(2026, 3, 6, 15, 0))
    _rate(workflow_engine, contact, "green", london(2026, 3, 6, 15, 10))

    _rate(workflow_engine, contact, "red", london(2026, 3, 9, 9, 0), "Disclosure at school")

    red = clock(contact, "mash_red")
    assert red.due_at == datetime(2026, 3, 6, 19, 0, tzinfo=UTC)
    assert red.is_breached(london(2026, 3, 9, 9, 0))


def test_re_rating_without_a_reason_is_refused_and_the_clock_is_untouched(
        workflow_engine: Engine) -> None:
    from workflow.errors import GuardFailed

    contact = _screened(workflow_engine, london(2026, 3, 6, 15, 0))
    _rate(workflow_engine, contact, "green", london(2026, 3, 6, 15, 10))
    before = (contact.rag, clock(contact, "mash_green").due_at, contact.event_seq)

    with pytest.raises(GuardFailed, match="Give a reason"):
        _rate(workflow_engine, contact, "red", london(2026, 3, 9, 9, 0), reason="  ")

    assert (contact.rag, clock(contact, "mash_green").due_at, contact.event_seq) == before


# -- summer time ----------------------------------------------------------------------------
def test_red_runs_four_real_hours_across_the_spring_change(workflow_engine: Engine) -> None:
    contact = _screened(workflow_engine, london(2026, 3, 28, 23, 30))  # Saturday, GMT

    _rate(workflow_engine, contact, "red", london(2026, 3, 28, 23, 40))

    # 23:30 GMT + 4 h = 03:30 UTC, which is 04:30 BST on the clock on the wall.
    due = clock(contact, "mash_red").due_at
    assert due == datetime(2026, 3, 29, 3, 30, tzinfo=UTC)
    assert due.astimezone(LONDON).hour == 4


def test_amber_counts_service_hours_on_the_wall_clock_across_the_spring_change(
        workflow_engine: Engine) -> None:
    contact = _screened(workflow_engine, london(2026, 3, 27, 14, 0))  # Friday, GMT

    _rate(workflow_engine, contact, "amber", london(2026, 3, 27, 14, 5))

    # Fri 2.5 h, Mon 8 h, Tue 8 h (BST now), Wed 5.5 h -> Wed 1 April 14:30 BST.
    due = clock(contact, "mash_amber").due_at
    assert due == london(2026, 4, 1, 14, 30)
    assert due == datetime(2026, 4, 1, 13, 30, tzinfo=UTC)


def test_red_runs_four_real_hours_across_the_autumn_change(workflow_engine: Engine) -> None:
    contact = _screened(workflow_engine, london(2026, 10, 24, 23, 0))  # Saturday, BST

    _rate(workflow_engine, contact, "red", london(2026, 10, 24, 23, 5))

    # 22:00 UTC + 4 h = 02:00 UTC = 02:00 GMT: the wall clock shows only 3 hours later.
    assert clock(contact, "mash_red").due_at == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


def test_an_amber_request_sent_friday_before_the_spring_change_is_due_monday_in_bst(
        rules: Rules, mash: MashConfig) -> None:
    sent = london(2026, 3, 27, 15, 0)  # Friday, GMT

    due = mash.deadline_rule("amber", sent.date()).due(sent, rules.calendar)

    # Fri 1.5 h, then 4.5 h from 09:00 BST on Monday: 13:30 BST = 12:30 UTC.
    assert due == datetime(2026, 3, 30, 12, 30, tzinfo=UTC)
