"""Practice standards (config/practice_standards.toml) against literal dates counted by hand.

Working days are Monday to Friday less the bank holidays of England and Wales (2026: Mon
31 Aug summer bank holiday; Fri 25 Dec, Boxing Day on a Saturday substituted to Mon 28 Dec;
Fri 1 Jan 2027). A standard is due at the end of its day in Europe/London. Recurring
standards start again from the visit, review or meeting that met them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.builders import SOCIAL_WORKER, TEAM_MANAGER, clock, contact_at, end_of_london_day
from workflow.clocks.clock import Clock, ClockResult
from workflow.clocks.standards import load_standards
from workflow.config_errors import ConfigError
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import GuardFailed, NotPermitted
from workflow.roles import Actor, Role
from workflow.rules import DEFAULT_CONFIG
from workflow.stages import Stage

OTHER_WORKER = Actor("social.worker.two", Role.SOCIAL_WORKER)


def _stopped(contact: Contact, rule: str) -> list[Clock]:
    return [c for c in contact.started_clocks + contact.stopped_clocks
            if c.rule == rule and not c.is_open]


def _visit(engine: Engine, contact: Contact, at: datetime, **extra: object) -> None:
    data = {"visited_at": at, "child_seen": True, "seen_alone": True} | extra
    engine.fire(contact, "record_visit", SOCIAL_WORKER, data, at)


# -- child protection visits: every 10 working days ------------------------------------

def test_a_cp_visit_is_due_10_working_days_after_the_conference_skipping_the_bank_holiday(
        workflow_engine: Engine) -> None:
    # ICPC Thu 20 Aug 2026: 21, 24-28 Aug, (31 Aug bank holiday), 1-4 Sep: due Fri 4 Sep.
    contact = contact_at(workflow_engine, Stage.CP_PLAN, datetime(2026, 8, 20, 10, tzinfo=UTC))

    assert clock(contact, "cp_visit").due_at == end_of_london_day(date(2026, 9, 4))


def test_a_cp_visit_on_the_boundary_day_meets_it_and_starts_the_next_interval(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, datetime(2026, 8, 20, 10, tzinfo=UTC))

    _visit(workflow_engine, contact, datetime(2026, 9, 4, 15, 30, tzinfo=UTC))

    [met] = _stopped(contact, "cp_visit")
    assert met.result is ClockResult.MET
    # From Fri 4 Sep: 7-11, 14-18 Sep: due Fri 18 Sep.
    assert clock(contact, "cp_visit").due_at == end_of_london_day(date(2026, 9, 18))


def test_a_cp_visit_the_working_day_after_the_boundary_is_late(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, datetime(2026, 8, 20, 10, tzinfo=UTC))

    _visit(workflow_engine, contact, datetime(2026, 9, 7, 9, tzinfo=UTC))

    assert [c.result for c in _stopped(contact, "cp_visit")] == [ClockResult.LATE]


def test_a_child_seen_but_not_alone_needs_the_reason_and_it_is_kept(
        workflow_engine: Engine) -> None:
    at = datetime(2026, 8, 24, 10, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.CP_PLAN, datetime(2026, 8, 20, 10, tzinfo=UTC))

    with pytest.raises(GuardFailed, match="why the child was not seen alone"):
        _visit(workflow_engine, contact, at, seen_alone=False)
    _visit(workflow_engine, contact, at, seen_alone=False, not_alone_reason="Aged 2")

    assert contact.visits[-1].not_alone_reason == "Aged 2"
    assert [c.result for c in _stopped(contact, "cp_visit")] == [ClockResult.MET]


def test_a_visit_with_the_child_not_seen_does_not_meet_the_visit_standard(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, datetime(2026, 8, 20, 10, tzinfo=UTC))

    _visit(workflow_engine, contact, datetime(2026, 8, 24, 10, tzinfo=UTC), child_seen=False)

    assert _stopped(contact, "cp_visit") == []


# -- child in need: visits every 4 weeks, plan, reviews every 3 months -------------------

def test_a_cin_visit_4_weeks_on_across_the_end_of_summer_time_is_due_on_that_london_day(
        workflow_engine: Engine) -> None:
    # Plan from Mon 12 Oct 2026 (BST); clocks go back Sun 25 Oct: due Mon 9 Nov (GMT).
    contact = contact_at(workflow_engine, Stage.CIN_PLAN, datetime(2026, 10, 12, 9, tzinfo=UTC))

    due = clock(contact, "cin_visit").due_at
    assert due == end_of_london_day(date(2026, 11, 9))
    assert due == datetime(2026, 11, 9, 23, 59, 59, 999999, tzinfo=UTC)


def test_the_cin_plan_is_due_10_working_days_on_skipping_christmas_and_new_year(
        workflow_engine: Engine) -> None:
    # From Thu 17 Dec 2026: 18, 21-24 Dec, (25, 28 Dec), 29-31 Dec, (1 Jan), 4-5 Jan.
    contact = contact_at(workflow_engine, Stage.CIN_PLAN, datetime(2026, 12, 17, 11, tzinfo=UTC))

    assert clock(contact, "cin_plan_written").due_at == end_of_london_day(date(2027, 1, 5))


def test_writing_the_plan_meets_the_plan_standard(workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CIN_PLAN, datetime(2026, 12, 17, 11, tzinfo=UTC))
    at = datetime(2027, 1, 5, 16, tzinfo=UTC)

    workflow_engine.fire(contact, "record_plan", SOCIAL_WORKER,
                         {"held_at": at, "note": "Plan agreed with the family"}, at)

    assert [c.result for c in _stopped(contact, "cin_plan_written")] == [ClockResult.MET]


def test_a_cin_review_is_due_3_months_on_and_the_next_counts_from_the_review(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CIN_PLAN, datetime(2026, 11, 30, 10, tzinfo=UTC))
    # 30 Nov + 3 months: February 2027 is shorter, so its last day.
    assert clock(contact, "cin_review").due_at == end_of_london_day(date(2027, 2, 28))
    at = datetime(2027, 1, 15, 10, tzinfo=UTC)

    workflow_engine.fire(contact, "hold_cin_review", SOCIAL_WORKER,
                         {"held_at": at, "note": "Progress on the plan"}, at)

    assert [c.result for c in _stopped(contact, "cin_review")] == [ClockResult.MET]
    assert clock(contact, "cin_review").due_at == end_of_london_day(date(2027, 4, 15))


# -- core groups and supervision --------------------------------------------------------

def test_core_groups_meet_within_6_weeks_of_the_last(workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, datetime(2026, 8, 20, 10, tzinfo=UTC))
    held = datetime(2026, 9, 1, 13, tzinfo=UTC)

    workflow_engine.fire(contact, "hold_core_group", SOCIAL_WORKER, {"held_at": held}, held)

    assert clock(contact, "core_group_interval").due_at == end_of_london_day(date(2026, 10, 13))


def test_only_a_team_manager_records_supervision_and_it_starts_the_next_interval(
        workflow_engine: Engine) -> None:
    contact = contact_at(workflow_engine, Stage.CP_PLAN, datetime(2026, 8, 20, 10, tzinfo=UTC))
    at = datetime(2026, 9, 10, 14, tzinfo=UTC)
    data = {"held_at": at, "note": "Safety plan reviewed"}

    with pytest.raises(NotPermitted):
        workflow_engine.fire(contact, "record_supervision", SOCIAL_WORKER, data, at)
    workflow_engine.fire(contact, "record_supervision", TEAM_MANAGER, data, at)

    assert [c.result for c in _stopped(contact, "supervision")] == [ClockResult.MET]
    assert clock(contact, "supervision").due_at == end_of_london_day(date(2026, 10, 8))


# -- allocation and transfer -----------------------------------------------------------

def test_allocation_is_due_2_working_days_after_the_referral_skipping_the_bank_holiday(
        workflow_engine: Engine) -> None:
    # Referral accepted Fri 28 Aug 2026: (31 Aug bank holiday), 1, 2 Sep: due Wed 2 Sep.
    at = datetime(2026, 8, 28, 10, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, at)
    assert clock(contact, "allocation").due_at == end_of_london_day(date(2026, 9, 2))

    workflow_engine.fire(contact, "allocate", TEAM_MANAGER, {"worker": "social.worker"},
                         at + timedelta(days=5))

    assert [c.result for c in _stopped(contact, "allocation")] == [ClockResult.MET]


def test_moving_a_case_to_another_worker_asks_for_a_handover_meeting(
        workflow_engine: Engine) -> None:
    at = datetime(2026, 9, 1, 10, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.ASSESSMENT, at)
    workflow_engine.fire(contact, "allocate", TEAM_MANAGER, {"worker": "social.worker"}, at)
    assert "transfer_handover" not in {c.rule for c in contact.open_clocks}

    workflow_engine.fire(contact, "allocate", TEAM_MANAGER, {"worker": OTHER_WORKER.username}, at)
    # Tue 1 Sep 2026 + 5 working days: Tue 8 Sep.
    assert clock(contact, "transfer_handover").due_at == end_of_london_day(date(2026, 9, 8))
    workflow_engine.fire(contact, "record_handover", OTHER_WORKER,
                         {"held_at": at, "note": "Both workers and the manager"}, at)

    assert [c.result for c in _stopped(contact, "transfer_handover")] == [ClockResult.MET]


def test_closing_the_plan_stops_its_standards_without_a_breach(workflow_engine: Engine) -> None:
    at = datetime(2026, 10, 12, 9, tzinfo=UTC)
    contact = contact_at(workflow_engine, Stage.CIN_PLAN, at)

    workflow_engine.fire(contact, "close_case", TEAM_MANAGER,
                         {"closure_reason": "RC7", "reason": "Plan completed"}, at)

    results = {c.result for c in _stopped(contact, "cin_visit") + _stopped(contact, "cin_review")}
    assert results == {ClockResult.NOT_APPLICABLE}


# -- the file is checked ------------------------------------------------------------------

def test_every_standard_in_the_file_names_its_source_and_a_reference() -> None:
    standards = load_standards(DEFAULT_CONFIG / "practice_standards.toml")

    assert {s.name for s in standards} >= {"allocation", "transfer_handover", "cin_visit",
                                          "cp_visit", "cin_plan_written", "cp_plan_written",
                                          "cin_review", "core_group_interval", "supervision"}
    assert all(s.source and s.reference for s in standards)


_ENTRY = """[[standard]]
name = "cin_visit"
title = "Child in need visited"
limit = 4
unit = "{unit}"
convention = "start_day_is_day_0"
starts_on = ["cin_plan_started"]
stops_on = ["cin_child_seen"]
recurring = true
due_soon = 3
source = "{source}"
reference = "Practice standards 2026, 3"
effective_from = 2024-04-01
local = true
"""


@pytest.mark.parametrize(("unit", "source", "problem"), [
    ("working_hours", "local: visits", "unit must be one of working_days, calendar_weeks"),
    ("calendar_weeks", "statutory: WT2023", "source must begin 'local: ' when local is true"),
])
def test_a_wrong_standard_stops_start_up_naming_the_file_and_the_standard(
        tmp_path: Path, unit: str, source: str, problem: str) -> None:
    path = tmp_path / "practice_standards.toml"
    path.write_text(_ENTRY.format(unit=unit, source=source))

    with pytest.raises(ConfigError) as caught:
        load_standards(path)

    assert f"standard 'cin_visit': {problem}" in str(caught.value)
