"""Threshold decisions on a real database: the levels-of-need rules as the services apply them.

Every decision goes the way the page and the API send it: the worker's submission (level,
outcome, indicators ticked, reasons) is handed to ``workflow.services.handle``, where the
decide action checks it against the catalogue in force on its day and stamps it.
What is checked here is what issue 4 promises: an outcome the chosen level does not allow
is refused; a level below the recommendation needs a reason and then a *different* team
manager's sign-off before the contact moves on (its decision clock keeps running); a
strategy discussion without a recorded reasonable cause is impossible; and a decision
keeps the catalogue version it was made under after a new version is published. Every
refusal leaves the database exactly as it was. Each test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from reporting.consistency import consistency, team_totals
from tests.builders import (
    FRONT_DOOR_WORKER,
    LONDON,
    MASH_CHAIR,
    OTHER_TEAM_MANAGER,
    REASON,
    TEAM_MANAGER,
    OnService,
    record_one,
    walk_to,
)
from tests.integration.stored import stored
from thresholds import CatalogueRegistry, load_catalogue, load_registry
from thresholds.policy import CataloguePolicy
from web import auth
from web.app import create_app
from workflow.errors import GuardFailed, InvalidInput, InvalidTransition, NotPermitted
from workflow.persistence.tables import ClockRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.roles import Actor, Role
from workflow.rules import DEFAULT_CONFIG, Rules, load_rules
from workflow.stages import Stage

Fetch = Callable[[Any], list[Any]]
LEVELS_OF_NEED = Path(__file__).resolve().parents[2] / "config" / "levels_of_need"
#: Two acute needs: the catalogue recommends level 4 (specialist / acute).
ACUTE = ["L4-PC-SAFETY-01", "L4-CD-HEALTH-01"]
#: Four complex needs over two domains: level 3 under version 1; version 2's cumulative
#: escalation (4+ at level 3 over 2+ domains) recommends level 4.
COMPLEX = ["L3-CD-EDUCATION-01", "L3-CD-EMOTIONAL-01", "L3-FE-HOUSING-01", "L3-FE-INCOME-01"]
#: Level 2 early help where level 4 is recommended: an override, with its reason.
STEP_DOWN: dict[str, Any] = {
    "indicators": ACUTE, "level": 2, "outcome": "early_help", "rationale": REASON,
    "override_reason": "Family engaging well with school nurse; risk now managed"}


@pytest.fixture(scope="module")
def registry() -> CatalogueRegistry:
    """Every shipped catalogue: version 2 (2024) is in force on the tests' day in 2026."""
    return load_registry(LEVELS_OF_NEED)


def _at_decision(uow_factory: Callable[[], Any], rules: Rules, now: datetime) -> OnService:
    """A contact received an hour ago, walked to the threshold decision by the services."""
    driver = record_one(uow_factory, rules, now - timedelta(hours=1), now)
    walk_to(driver, Stage.THRESHOLD_DECISION)
    return driver


def _decide(driver: OnService, *, who: Actor = FRONT_DOOR_WORKER, **submitted: Any) -> Stage:
    """Send the worker's decision as the page does: the command path checks and stamps it."""
    return driver.fire("decide", who, submitted)


def _decisions(fetch: Fetch, contact_id: int) -> list[ThresholdDecisionRow]:
    """The contact's threshold decisions, oldest first."""
    return fetch(select(ThresholdDecisionRow).where(ThresholdDecisionRow.contact_id == contact_id)
                 .order_by(ThresholdDecisionRow.id))


def _clock(fetch: Fetch, contact_id: int, rule: str) -> ClockRow | None:
    rows = fetch(select(ClockRow).where(ClockRow.contact_id == contact_id,
                                        ClockRow.rule == rule))
    return rows[-1] if rows else None


# -- the outcome must be one the chosen level allows --------------------------------------
def test_an_outcome_the_chosen_level_does_not_allow_is_refused_and_nothing_changes(
        uow_factory: Callable[[], Any], rules: Rules, engine: Engine, now: datetime) -> None:
    driver = _at_decision(uow_factory, rules, now)
    before = stored(engine, driver.contact_id)

    with pytest.raises(GuardFailed) as refused:
        _decide(driver, indicators=ACUTE, level=4, outcome="early_help", rationale=REASON,
                consent="given")

    assert refused.value.field == "outcome"
    assert "early help is not an outcome at level 4" in refused.value.message.lower()
    assert "referral_to_social_care" in refused.value.message  # says what is allowed
    assert stored(engine, driver.contact_id) == before


# -- a level below the recommendation: reason, then a different manager's sign-off ---------
def test_a_level_below_the_recommendation_without_a_reason_is_refused_and_nothing_changes(
        uow_factory: Callable[[], Any], rules: Rules, engine: Engine, now: datetime) -> None:
    driver = _at_decision(uow_factory, rules, now)
    before = stored(engine, driver.contact_id)
    no_reason = STEP_DOWN | {"override_reason": "   "}

    with pytest.raises(GuardFailed) as refused:
        _decide(driver, **no_reason)
    assert refused.value.field == "override_reason"
    assert "below the recommended level 4" in refused.value.message
    # Nobody can say the decision is not an override: the stamp is the command path's.
    forged = no_reason | {"is_override": False, "recommended_level": 2}
    with pytest.raises(InvalidInput) as unknown:
        _decide(driver, **forged)

    assert set(unknown.value.errors) == {"is_override", "recommended_level"}
    assert stored(engine, driver.contact_id) == before


def test_an_override_waits_for_a_team_managers_sign_off_with_its_decision_clock_running(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch, now: datetime) -> None:
    driver = _at_decision(uow_factory, rules, now)

    assert _decide(driver, **STEP_DOWN) == Stage.AWAITING_SIGNOFF

    [pending] = _decisions(fetch, driver.contact_id)
    assert pending.status == "awaiting_signoff"  # nothing is in force until it is signed off
    assert (pending.level, pending.recommended_level, pending.is_override) == (2, 4, True)
    assert pending.decided_by == FRONT_DOOR_WORKER.username
    assert (pending.catalogue_id, pending.catalogue_version) == ("worcs-default", 2)
    assert pending.signed_off_by is None
    clock = _clock(fetch, driver.contact_id, "contact_decision")
    assert clock is not None and clock.stopped_at is None  # no decision_made yet
    assert _clock(fetch, driver.contact_id, "referrer_feedback") is None


def test_an_override_cannot_move_on_until_it_is_signed_off(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch, engine: Engine,
        now: datetime) -> None:
    driver = _at_decision(uow_factory, rules, now)
    _decide(driver, **STEP_DOWN)
    before = stored(engine, driver.contact_id)

    with pytest.raises(InvalidTransition):  # no second decision over the pending one
        _decide(driver, indicators=ACUTE, level=4, outcome="referral_to_social_care",
                rationale=REASON, primary_need="N1")
    with pytest.raises(InvalidTransition):
        driver.fire("step_down", FRONT_DOOR_WORKER, {"consent": "given", "reason": REASON})
    for who in (FRONT_DOOR_WORKER, MASH_CHAIR):  # only team managers sign off
        with pytest.raises(NotPermitted):
            driver.fire("sign_off", who, {})
    assert stored(engine, driver.contact_id) == before

    assert driver.fire("sign_off", TEAM_MANAGER, {}) == Stage.EARLY_HELP
    [decision] = _decisions(fetch, driver.contact_id)
    assert (decision.level, decision.outcome, decision.decided_by, decision.signed_off_by,
            decision.status) == (2, "early_help", "fd.worker", "team.manager", "in_force")
    assert decision.signed_off_at == now
    clock = _clock(fetch, driver.contact_id, "contact_decision")
    assert clock is not None and clock.stop_event == "decision_made"
    assert _clock(fetch, driver.contact_id, "referrer_feedback") is not None


def test_a_team_manager_cannot_sign_off_their_own_override(
        uow_factory: Callable[[], Any], rules: Rules, engine: Engine, now: datetime) -> None:
    driver = _at_decision(uow_factory, rules, now)
    _decide(driver, who=TEAM_MANAGER, **STEP_DOWN)
    before = stored(engine, driver.contact_id)

    with pytest.raises(GuardFailed) as refused:
        driver.fire("sign_off", TEAM_MANAGER, {})

    assert refused.value.guard == "signer_is_not_decider"
    assert "different manager" in refused.value.message
    assert stored(engine, driver.contact_id) == before
    assert driver.fire("sign_off", OTHER_TEAM_MANAGER, {}) == Stage.EARLY_HELP


def test_a_returned_override_goes_back_to_the_worker_who_decides_again(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch, engine: Engine,
        now: datetime) -> None:
    driver = _at_decision(uow_factory, rules, now)
    _decide(driver, **STEP_DOWN)
    before = stored(engine, driver.contact_id)
    with pytest.raises(GuardFailed):  # a return says why
        driver.fire("return_decision", TEAM_MANAGER, {"reason": ""})
    assert stored(engine, driver.contact_id) == before

    back = driver.fire("return_decision", TEAM_MANAGER,
                       {"reason": "Two acute needs: refer for an assessment"})

    assert back == Stage.THRESHOLD_DECISION
    [returned] = _decisions(fetch, driver.contact_id)  # nothing is pending any more
    assert (returned.status, returned.returned_by, returned.return_reason) == (
        "returned", "team.manager", "Two acute needs: refer for an assessment")
    clock = _clock(fetch, driver.contact_id, "contact_decision")
    assert clock is not None and clock.stopped_at is None
    assert _decide(driver, indicators=ACUTE, level=4, outcome="referral_to_social_care",
                   rationale=REASON, primary_need="N1") == Stage.ASSESSMENT
    assert [(d.status, d.level) for d in _decisions(fetch, driver.contact_id)] == [
        ("returned", 2), ("in_force", 4)]  # the returned one stays as history


# -- strategy discussion needs a recorded basis (R (AB & CD) v Haringey [2013]) -------------
def test_a_strategy_discussion_without_a_rationale_or_reasonable_cause_is_impossible(
        uow_factory: Callable[[], Any], rules: Rules, engine: Engine, now: datetime) -> None:
    driver = _at_decision(uow_factory, rules, now)
    before = stored(engine, driver.contact_id)
    strategy: dict[str, Any] = {"indicators": ACUTE, "level": 4, "outcome": "strategy_discussion",
                                "primary_need": "N1"}

    with pytest.raises(GuardFailed) as no_rationale:
        _decide(driver, **strategy, rationale=" ", reasonable_cause=REASON)
    with pytest.raises(GuardFailed) as no_cause:
        _decide(driver, **strategy, rationale=REASON)

    assert no_rationale.value.field == "rationale"
    assert "Haringey" in no_rationale.value.message
    assert (no_cause.value.guard, no_cause.value.field) == (
        "reasonable_cause_given", "reasonable_cause")
    assert stored(engine, driver.contact_id) == before
    assert _decide(driver, **strategy, rationale=REASON,
                   reasonable_cause=REASON) == Stage.STRATEGY_DISCUSSION


# -- a decision keeps the version of the rules it was made under -----------------------------
def _signed_in_page(database_url: str, path: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``path`` as the front-door worker sees it, through the real app on this database."""
    monkeypatch.setenv("FRONTDOOR_SECRET_KEY", "integration-tests-" + "k" * 32)
    monkeypatch.setattr(auth, "hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                       parallelism=1))
    app = create_app({"DATABASE_URL": database_url, "TESTING": True,
                      "SESSION_COOKIE_SECURE": False})
    app.extensions["accounts"].save_account(
        "fd.worker", "Dee Worker", Role.FRONT_DOOR_WORKER, "front-door", None,
        auth.hash_password("fd.worker-password-1"))
    try:
        return _get_signed_in(app, path)
    finally:
        app.extensions["store"].close()


def _get_signed_in(app: Flask, path: str) -> str:
    client = app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    found = re.search(r'name="csrf_token"\s+value="([^"]+)"', form)
    assert found
    signed = client.post("/sign-in", data={"csrf_token": found.group(1),
                                           "username": "fd.worker",
                                           "password": "fd.worker-password-1"})
    assert signed.status_code == 302
    page = client.get(path)
    assert page.status_code == 200
    return " ".join(page.get_data(as_text=True).split())


@pytest.fixture(scope="module")
def published_in_2023() -> Rules:
    """The rules as they stood in November 2023: only the 2022 catalogue (version 1)."""
    then = CatalogueRegistry([load_catalogue(LEVELS_OF_NEED / "worcestershire_2022.toml")])
    return load_rules(DEFAULT_CONFIG, CataloguePolicy(then))


@pytest.fixture
def in_2023(uow_factory: Callable[[], Any], published_in_2023: Rules) -> Iterator[OnService]:
    """A contact at its threshold decision on Wed 15 Nov 2023, when version 1 was in force."""
    then = datetime(2023, 11, 15, 11, 0, tzinfo=LONDON)
    yield _at_decision(uow_factory, published_in_2023, then)


def _row_values(row: ThresholdDecisionRow) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in ThresholdDecisionRow.__table__.columns}


def test_a_decision_keeps_its_catalogue_version_after_a_new_one_is_published(
        uow_factory: Callable[[], Any], rules: Rules, fetch: Fetch, now: datetime,
        in_2023: OnService, registry: CatalogueRegistry) -> None:
    assert _decide(in_2023, indicators=COMPLEX, level=3, outcome="targeted_early_help",
                   rationale=REASON, consent="given") == Stage.EARLY_HELP

    assert registry.active_on(now.date()).version == 2  # version 2 (2024) added since
    [old] = _decisions(fetch, in_2023.contact_id)
    assert (old.catalogue_id, old.catalogue_version) == ("worcs-default", 1)
    assert (old.recommended_level, old.is_override, old.status) == (3, False, "in_force")
    kept = _row_values(old)

    today = _at_decision(uow_factory, rules, now)  # the rules in force: both versions
    assert _decide(today, indicators=COMPLEX, level=4, outcome="referral_to_social_care",
                   rationale=REASON, primary_need="N1") == Stage.ASSESSMENT
    [new] = _decisions(fetch, today.contact_id)
    assert (new.catalogue_version, new.recommended_level) == (2, 4)  # escalation
    [again] = _decisions(fetch, in_2023.contact_id)
    assert _row_values(again) == kept


def test_the_contact_page_shows_the_catalogue_version_a_decision_was_made_under(
        database_url: str, in_2023: OnService, monkeypatch: pytest.MonkeyPatch) -> None:
    _decide(in_2023, indicators=COMPLEX, level=3, outcome="targeted_early_help",
            rationale=REASON, consent="given")

    page = _signed_in_page(database_url, f"/contacts/{in_2023.contact_id}", monkeypatch)

    assert "judged against Levels of need, Worcestershire-shaped default (2022), version 1" \
        in page
    assert "(recommended level 3)" in page


# -- consistency: the figures the managers' table and the API report ------------------------
def test_consistency_counts_matches_overrides_and_who_signed_them_off(
        uow_factory: Callable[[], Any], rules: Rules, now: datetime, engine: Engine) -> None:
    matched = _at_decision(uow_factory, rules, now)
    _decide(matched, indicators=ACUTE, level=4, outcome="referral_to_social_care",
            rationale=REASON, primary_need="N1")
    signed, returned, waiting = (_at_decision(uow_factory, rules, now) for _ in range(3))
    for driver in (signed, returned, waiting):
        _decide(driver, **STEP_DOWN)
    signed.fire("sign_off", TEAM_MANAGER, {})
    returned.fire("return_decision", TEAM_MANAGER, {"reason": REASON})
    _decide(returned, who=TEAM_MANAGER, indicators=[], level=1,
            outcome="no_further_action", rationale=REASON)

    with Session(engine) as session:
        rows = consistency(session, now - timedelta(days=1), now + timedelta(days=1))
    by_worker = {r.worker: r for r in rows}

    worker = by_worker["fd.worker"]
    assert (worker.decisions, worker.matching, worker.overrides) == (4, 1, 3)
    assert (dict(worker.signed_off_by), worker.returned, worker.awaiting_signoff) == (
        {"team.manager": 1}, 1, 1)
    assert {k: dict(v) for k, v in worker.outcomes_by_level.items()} == {
        4: {"referral_to_social_care": 1}, 2: {"early_help": 3}}
    manager = by_worker["team.manager"]
    assert (manager.decisions, manager.matching, manager.matching_percent) == (1, 1, 100.0)
    [team] = team_totals(rows)  # no users stored here, so both fall in the "–" team
    assert (team.decisions, team.matching, team.overrides) == (5, 2, 3)


def test_a_referral_without_its_census_primary_need_is_refused_at_that_field(
        uow_factory: Callable[[], Any], rules: Rules, engine: Engine, now: datetime) -> None:
    driver = _at_decision(uow_factory, rules, now)
    before = stored(engine, driver.contact_id)

    with pytest.raises(GuardFailed) as refused:
        _decide(driver, indicators=ACUTE, level=4, outcome="referral_to_social_care",
                rationale=REASON)

    assert (refused.value.guard, refused.value.field) == ("primary_need_chosen",
                                                          "primary_need")
    assert "primary need" in refused.value.message
    assert stored(engine, driver.contact_id) == before
