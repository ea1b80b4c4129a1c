"""The DfE's daily feed from real records: valid against the DfE's own schema, saying what
the census says, and a delta that holds exactly what changed, with the purges the DfE needs.

The data set is tests/integration/returns_dataset.py (Alex, Bea, Cal, Dee). Changes are
made as a person makes them (the people commands, a step on a contact) or, where Front Door
has no command yet (merging two records of one child, a contact moved off the wrong child),
by changing the rows as such a command would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from reporting.dfe_feed_schema import request_schema
from tests.builders import SOCIAL_WORKER, TEAM_MANAGER, fire, payload, record_one, walk_to
from tests.integration.feed_helpers import accept, by_child, child_of, feed, update_person
from tests.integration.returns_dataset import Made, at, build
from workflow.feed.records import FeedKind
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_people import PersonRow
from workflow.ports import UnitOfWork
from workflow.rules import Rules
from workflow.stages import Stage

NOW = at("2026-03-04 10:00")
LATER = at("2026-03-05 10:00")
FULL, DELTA = FeedKind.FULL, FeedKind.DELTA


def valid(bodies: list[dict[str, object]]) -> None:
    """The DfE's request body, checked here with jsonschema directly (not our wrapper)."""
    Draft7Validator(request_schema(), format_checker=Draft7Validator.FORMAT_CHECKER).validate(
        bodies)


@pytest.fixture
def made(uow_factory: Callable[[], UnitOfWork], rules: Rules) -> Made:
    return build(uow_factory, rules)


def lac(engine: Engine, contact_id: int) -> str:
    return f"FDC{child_of(engine, contact_id):07d}"


def change(engine: Engine, statement: object) -> None:
    with Session(engine) as session:
        session.execute(statement)  # type: ignore[call-overload]
        session.commit()


# -- the full feed -----------------------------------------------------------------------------

def test_the_full_feed_validates_and_says_what_the_census_says(engine: Engine,
                                                               made: Made) -> None:
    sent = feed(engine, FULL, NOW)

    bodies = by_child(sent)
    valid(list(bodies.values()))
    assert (sent.refusals, sent.window_start.isoformat()) == ((), "2023-04-01")
    assert set(bodies) == {lac(engine, made.alex_2026), lac(engine, made.bea),
                           lac(engine, made.dee)}  # Cal's contact was never a referral
    alex = bodies[lac(engine, made.alex_2026)]
    first, second = alex["social_care_episodes"]
    assert (first["referral_date"], first["closure_date"], first["closure_reason"],
            first["referral_no_further_action_flag"]) == ("2025-06-11", "2025-06-20", "RC8",
                                                          False)
    assert second["child_and_family_assessments"][0]["factors"] == ["3A", "4B"]
    assert second["child_in_need_plans"][0]["start_date"] == "2026-01-20"
    assert second["care_worker_details"] == [{"worker_id": "SW1234567",
                                              "start_date": "2026-01-06"}]
    assert alex["child_details"]["unique_pupil_number"] == "R885201500001"


def test_section_47_enquiries_and_plans_carry_the_census_dates(engine: Engine,
                                                               made: Made) -> None:
    bodies = by_child(feed(engine, FULL, NOW))

    [bea] = bodies[lac(engine, made.bea)]["social_care_episodes"]
    [dee] = bodies[lac(engine, made.dee)]["social_care_episodes"]
    [held] = bea["section_47_assessments"]
    [not_required] = dee["section_47_assessments"]
    assert (held["start_date"], held["icpc_date"], held["icpc_required_flag"]) == (
        "2026-02-03", "2026-02-20", True)
    assert (not_required["end_date"], not_required["icpc_required_flag"]) == ("2026-02-16",
                                                                             False)
    assert "icpc_date" not in not_required
    assert [p["start_date"] for p in bea["child_protection_plans"]] == ["2026-02-20"]
    assert bodies[lac(engine, made.bea)]["child_details"][
        "unique_pupil_number_unknown_reason"] == "UN1"  # under six, no UPN (as the census)


def test_every_id_in_the_feed_is_one_the_schema_accepts_and_unique(engine: Engine,
                                                                   made: Made) -> None:
    sent = feed(engine, FULL, NOW)

    items = [i for r in sent.records for i in r.items]
    assert len(items) == len(set(items)) == 12


# -- literal cases the schema refuses ----------------------------------------------------------

def test_a_record_the_schema_refuses_is_not_sent_and_is_named_by_la_id_and_path(
        engine: Engine, made: Made) -> None:
    dee = child_of(engine, made.dee)
    change(engine, update(PersonRow).where(PersonRow.id == dee).values(upn="E88520120000"))

    sent = feed(engine, FULL, NOW)

    assert [(r.la_child_id, r.path, r.rule) for r in sent.refusals] == [
        (f"FDC{dee:07d}", "child_details/unique_pupil_number", "minLength 13")]
    assert f"FDC{dee:07d}" not in by_child(sent)
    assert "E88520120000" not in str(sent.refusals[0])  # the value itself is never repeated


def test_a_refused_child_is_tried_again_by_the_next_delta_until_it_passes(
        engine: Engine, made: Made) -> None:
    dee = child_of(engine, made.dee)
    change(engine, update(PersonRow).where(PersonRow.id == dee).values(upn="E88520120000"))
    accept(engine, feed(engine, FULL, NOW), NOW)
    change(engine, update(PersonRow).where(PersonRow.id == dee).values(upn="E885201200002"))

    again = feed(engine, DELTA, LATER)

    assert list(by_child(again)) == [f"FDC{dee:07d}"]


# -- deltas ------------------------------------------------------------------------------------

def test_the_first_delta_is_a_full_send_and_says_so(engine: Engine, made: Made) -> None:
    sent = feed(engine, DELTA, NOW)

    assert (sent.kind, len(sent.records)) == (FULL, 3)
    assert sent.note == "no earlier successful send: a full send"


def test_a_delta_after_a_successful_send_with_no_change_sends_nothing(
        engine: Engine, made: Made) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)

    assert feed(engine, DELTA, LATER).records == ()
    assert accept(engine, feed(engine, DELTA, LATER), LATER).status == "nothing_to_send"


def test_a_delta_after_a_person_changed_holds_exactly_that_child(
        engine: Engine, made: Made, uow_factory: Callable[[], UnitOfWork],
        rules: Rules) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)
    bea = child_of(engine, made.bea)
    update_person(uow_factory, rules, bea, {"ethnicity": "WIRI"}, at("2026-03-04 15:00"))

    sent = feed(engine, DELTA, LATER)

    assert [(r.la_child_id, r.body["child_details"]["ethnicity"]) for r in sent.records] == [
        (f"FDC{bea:07d}", "WIRI")]


def test_a_delta_after_a_step_on_a_contact_holds_exactly_that_child(
        engine: Engine, made: Made, uow_factory: Callable[[], UnitOfWork],
        rules: Rules) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)
    with uow_factory() as uow:
        version = uow.contacts.get(made.alex_2026).version
    fire(uow_factory(), rules, made.alex_2026, "close_case", TEAM_MANAGER,
         payload("close_case", at("2026-03-04 16:00")), version, at("2026-03-04 16:00"))

    sent = feed(engine, DELTA, LATER)

    [alex] = sent.records
    assert alex.la_child_id == lac(engine, made.alex_2026)
    assert alex.body["social_care_episodes"][1]["closure_reason"] == "RC7"
    valid([alex.body])


def test_a_step_that_changes_nothing_the_dfe_holds_is_not_sent(
        engine: Engine, made: Made, uow_factory: Callable[[], UnitOfWork],
        rules: Rules) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)
    with uow_factory() as uow:
        version = uow.contacts.get(made.bea).version
    fire(uow_factory(), rules, made.bea, "record_visit", SOCIAL_WORKER,
         payload("record_visit", at("2026-03-04 16:00"), "seen"), version,
         at("2026-03-04 16:00"))  # a visit on a plan: the DfE's schema has no place for it

    assert feed(engine, DELTA, LATER).records == ()


# -- purge flags -------------------------------------------------------------------------------

def test_a_person_merged_into_another_is_purged_and_the_survivor_gets_the_episode(
        engine: Engine, made: Made) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)
    dee, bea = child_of(engine, made.dee), child_of(engine, made.bea)
    change(engine, update(ContactRow).where(ContactRow.child_id == dee).values(child_id=bea))

    sent = by_child(feed(engine, DELTA, LATER))

    assert sent[f"FDC{dee:07d}"] == {"la_child_id": f"FDC{dee:07d}", "purge": True}
    assert [e["social_care_episode_id"] for e in sent[f"FDC{bea:07d}"][
        "social_care_episodes"]] == [f"FD{made.bea:07d}", f"FD{made.dee:07d}"]
    assert set(sent) == {f"FDC{dee:07d}", f"FDC{bea:07d}"}
    valid(list(sent.values()))


def test_a_contact_taken_off_a_child_in_error_purges_only_that_episode(
        engine: Engine, made: Made) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)
    alex = lac(engine, made.alex_2025)
    change(engine, update(ContactRow).where(ContactRow.id == made.alex_2025)
           .values(child_id=None))

    [record] = feed(engine, DELTA, LATER).records

    assert record.la_child_id == alex
    assert record.body["social_care_episodes"] == [
        *[e for e in record.body["social_care_episodes"] if "purge" not in e],
        {"social_care_episode_id": f"FD{made.alex_2025:07d}", "purge": True}]
    assert [e["social_care_episode_id"] for e in record.body["social_care_episodes"]][0] == \
        f"FD{made.alex_2026:07d}"
    assert f"FD{made.alex_2025:07d}" not in record.items  # the ledger forgets it once sent


def test_an_assessment_our_records_no_longer_hold_is_purged_inside_its_episode(
        engine: Engine, made: Made, uow_factory: Callable[[], UnitOfWork],
        rules: Rules) -> None:
    """A strategy discussion decides no further action: the referral is NFA, so the census
    reports no assessment for it, and the one the DfE was sent must go."""
    driver = record_one(uow_factory, rules, at("2026-03-02 09:00"), at("2026-03-02 09:30"))
    walk_to(driver, Stage.STRATEGY_DISCUSSION)
    accept(engine, feed(engine, FULL, NOW), NOW)
    [before] = [r for r in feed(engine, FULL, NOW).records
                if r.la_child_id == lac(engine, driver.contact_id)]
    driver.now = at("2026-03-04 14:00")
    driver.fire("hold_strategy_discussion", SOCIAL_WORKER,
                payload("hold_strategy_discussion", driver.now, "no_further_action"))
    driver.fire("strategy_no_further_action", TEAM_MANAGER,
                payload("strategy_no_further_action", driver.now))

    [record] = feed(engine, DELTA, LATER).records

    [episode] = record.body["social_care_episodes"]
    [assessment] = before.body["social_care_episodes"][0]["child_and_family_assessments"]
    assert episode["child_and_family_assessments"] == [
        {"child_and_family_assessment_id": assessment["child_and_family_assessment_id"],
         "purge": True}]
    assert (episode["referral_no_further_action_flag"], episode["closure_reason"]) == (True,
                                                                                      "RC7")
    valid([record.body])


def test_a_child_whose_identifier_is_withheld_as_more_detrimental_sends_no_details(
        engine: Engine, made: Made, uow_factory: Callable[[], UnitOfWork],
        rules: Rules) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)
    bea = child_of(engine, made.bea)
    update_person(uow_factory, rules, bea, {"identifier_status": "more_detrimental",
                                            "identifier_reason": "Synthetic: risk if linked"},
                  at("2026-03-04 15:00"), reason="Decision recorded by the team manager")

    [record] = feed(engine, DELTA, LATER).records

    assert record.body["child_details"] == {"purge": True}
    assert len(record.body["social_care_episodes"]) == 1  # still counted by the DfE
    text = json.dumps(record.body)
    assert "Bea" not in text and "2021-11-30" not in text and "Sample" not in text
    valid([record.body])


def test_a_child_whose_episodes_all_closed_before_the_window_is_purged_when_it_moves(
        engine: Engine, made: Made, uow_factory: Callable[[], UnitOfWork],
        rules: Rules) -> None:
    with uow_factory() as uow:
        version = uow.contacts.get(made.alex_2026).version
    fire(uow_factory(), rules, made.alex_2026, "close_case", TEAM_MANAGER,
         payload("close_case", at("2026-03-03 16:00")), version, at("2026-03-03 16:00"))
    accept(engine, feed(engine, FULL, NOW), NOW)

    moved_on = feed(engine, DELTA, at("2028-04-03 10:00"))  # window from 1 April 2026

    assert moved_on.note == "the window moved on to 01/04/2026: the whole cohort compared"
    assert by_child(moved_on)[lac(engine, made.alex_2026)] == {
        "la_child_id": lac(engine, made.alex_2026), "purge": True}
    assert lac(engine, made.bea) not in by_child(moved_on)  # still open: nothing changed


def test_an_episode_that_only_left_the_window_is_not_purged(engine: Engine,
                                                            made: Made) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)

    record = by_child(feed(engine, FULL, at("2028-04-03 10:00")))[lac(engine, made.alex_2026)]

    assert [e["social_care_episode_id"] for e in record["social_care_episodes"]] == [
        f"FD{made.alex_2026:07d}"]  # 2025's closed episode left out, not purged


def test_a_full_send_restates_every_child_even_when_nothing_changed(engine: Engine,
                                                                    made: Made) -> None:
    accept(engine, feed(engine, FULL, NOW), NOW)

    assert len(feed(engine, FULL, LATER).records) == 3


# -- the demo data -----------------------------------------------------------------------------

@pytest.fixture
def demo(tmp_path: Path, rules: Rules) -> Iterator[Engine]:
    """The demo data (seed 7, 80 contacts, 'now' fixed) in a temporary SQLite file."""
    from web.demo import DemoSpec, load_demo
    from web.users import load_demo_users
    from workflow.persistence.store import Store

    store = Store(f"sqlite:///{tmp_path / 'demo.db'}")
    metadata().create_all(store.engine)  # type: ignore[attr-defined]
    load_demo_users(store.accounts)
    made = list(load_demo(store.uow, rules, DemoSpec(contacts=80, seed=7),
                          datetime(2026, 3, 4, 10, tzinfo=UTC), store.reads))
    assert made[-1] >= 80
    yield store.engine
    store.close()


def test_the_demo_datas_feed_validates_against_the_dfe_schema(demo: Engine) -> None:
    sent = feed(demo, FULL, NOW)

    assert [str(r) for r in sent.refusals] == []
    assert len(sent.records) > 10
    bodies = [r.body for r in sent.records]
    for start in range(0, len(bodies), 100):
        valid(bodies[start:start + 100])
    assert any(w for b in bodies for e in b["social_care_episodes"]
               for w in e.get("care_worker_details", []))
