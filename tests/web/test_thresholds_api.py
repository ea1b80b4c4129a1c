"""Levels of need in the JSON API: the catalogue, the consistency table, and the level field.

GET /api/v1/thresholds/catalogue gives any case-working role the catalogue in force
(levels and their outcomes, the escalation rule, indicators grouped by domain), so a
client can put the document in front of a worker. GET /api/v1/thresholds/consistency
gives managers and MASH chairs the month's table: per worker and team, decisions, share
matching the recommendation, overrides and what became of each (who signed it off,
returned, still waiting), outcomes per level. Both are in the OpenAPI document. And the
decide action takes ``level`` as a JSON integer as well as the form's string.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from tests.builders import fire
from tests.web.conftest import Browser, Contacts, person_actor
from web.views import LONDON
from workflow.stages import Stage

ACUTE = ["L4-PC-SAFETY-01", "L4-CD-HEALTH-01"]
RATIONALE = "Two acute needs recorded by the referrer and confirmed by health."
STEP_DOWN = {"indicators": ACUTE, "level": 2, "outcome": "early_help",
             "rationale": RATIONALE, "override_reason": "Risk managed by the school nurse"}
REFERRAL = {"indicators": ACUTE, "level": 4, "outcome": "referral_to_social_care",
            "rationale": RATIONALE, "primary_need": "N1"}


def _errors(response: Any) -> dict[str, Any]:
    """The field-level errors of a 422 body (flask-smorest nests them by location)."""
    body = response.get_json()
    errors = body.get("errors", {})
    return errors.get("json") or errors.get("query") or errors


def _decide(app: Flask, contacts: Contacts, contact_id: int, who: str,
            submitted: dict[str, Any]) -> dict[str, Any]:
    """A decision through the command path, as the page sends it (the catalogue, the
    recommendation and whether it is an override are stamped inside ``handle``)."""
    now = datetime.now(UTC)
    return fire(contacts.uow(), contacts.rules, contact_id, "decide", person_actor(who),
                submitted, contacts.version(contact_id), now)


def _this_month() -> str:
    return datetime.now(UTC).astimezone(LONDON).strftime("%Y-%m")


# -- the catalogue ----------------------------------------------------------------------
@pytest.mark.parametrize("who", ["worker", "chair", "manager", "social_worker"])
def test_every_case_working_role_reads_the_catalogue_in_force(
        who: str, signed_in: Callable[[str], Browser]) -> None:
    response = signed_in(who).get("/api/v1/thresholds/catalogue")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["version"], body["effective_from"]) == (
        "worcs-default", 2, "2024-04-01")
    level_4 = body["levels"][3]
    assert (level_4["number"], level_4["pathway"]) == (4, "social_care")
    assert {"id": "strategy_discussion", "label": "strategy discussion"} in level_4["outcomes"]
    assert body["escalation"] == {"from_level": 3, "count": 4, "domains": 2, "to_level": 4}
    domains = {d["id"]: d for d in body["domains"]}
    assert list(domains) == ["CD", "PC", "FE"]
    assert sum(len(d["indicators"]) for d in domains.values()) >= 60
    safety = next(i for i in domains["PC"]["indicators"] if i["id"] == "L4-PC-SAFETY-01")
    assert (safety["level"], safety["dimension"]) == (4, "safety") and safety["source"]


@pytest.mark.parametrize("who", ["partner", "admin"])
def test_partners_and_administrators_do_not_get_the_catalogue(
        who: str, signed_in: Callable[[str], Browser]) -> None:
    assert signed_in(who).get("/api/v1/thresholds/catalogue").status_code == 403


def test_the_catalogue_of_an_earlier_day_is_the_version_then_in_force(
        signed_in: Callable[[str], Browser]) -> None:
    worker = signed_in("worker")

    then = worker.get("/api/v1/thresholds/catalogue?on=2023-06-01").get_json()
    before_any = worker.get("/api/v1/thresholds/catalogue?on=2001-01-01")

    assert (then["version"], then["escalation"]) == (1, None)
    assert before_any.status_code == 404
    assert "no levels-of-need catalogue is in force on 2001-01-01" in \
        before_any.get_json()["message"]
    assert worker.get("/api/v1/thresholds/catalogue?on=yesterday").status_code == 422


# -- the consistency table --------------------------------------------------------------
def _month_of_decisions(app: Flask, contacts: Contacts) -> None:
    """fd.worker: one decision as recommended, two overrides (one signed off by the second
    manager, one waiting); team.manager: one override returned by the second manager."""
    matched, signed, waiting, returned = (contacts.at(Stage.THRESHOLD_DECISION)
                                          for _ in range(4))
    _decide(app, contacts, matched, "worker", REFERRAL)
    for contact_id in (signed, waiting):
        _decide(app, contacts, contact_id, "worker", STEP_DOWN)
    _decide(app, contacts, returned, "manager", STEP_DOWN)
    contacts.fire(signed, "sign_off", "manager2")
    contacts.fire(returned, "return_decision", "manager2")


@pytest.mark.parametrize("who", ["manager", "chair"])
def test_managers_and_chairs_get_the_months_table_per_worker_and_team(
        who: str, app: Flask, contacts: Contacts,
        signed_in: Callable[[str], Browser]) -> None:
    _month_of_decisions(app, contacts)

    response = signed_in(who).get(f"/api/v1/thresholds/consistency?month={_this_month()}")

    assert response.status_code == 200
    body = response.get_json()
    assert body["month"] == _this_month()
    workers = {w["worker"]: w for w in body["workers"]}
    assert list(workers) == ["team.manager", "fd.worker"]  # lowest matching share first
    worker = workers["fd.worker"]
    assert (worker["team"], worker["decisions"], worker["matching"], worker["overrides"]) \
        == ("front-door", 3, 1, 2)
    assert worker["matching_percent"] == pytest.approx(33.3)
    assert worker["signed_off_by"] == [{"manager": "team.manager.two", "overrides": 1}]
    assert (worker["returned"], worker["awaiting_signoff"]) == (0, 1)
    assert worker["outcomes_by_level"] == [
        {"level": 2, "outcomes": {"early_help": 2}},
        {"level": 4, "outcomes": {"referral_to_social_care": 1}}]
    assert (workers["team.manager"]["returned"], workers["team.manager"]["matching_percent"]) \
        == (1, 0.0)
    [team] = body["teams"]
    assert (team["team"], team["decisions"], team["matching"], team["overrides"],
            team["returned"], team["awaiting_signoff"]) == ("front-door", 4, 1, 3, 1, 1)


def test_a_month_without_decisions_is_an_empty_table_and_no_month_means_this_one(
        app: Flask, contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    _decide(app, contacts, contacts.at(Stage.THRESHOLD_DECISION), "worker", REFERRAL)
    manager = signed_in("manager")

    empty = manager.get("/api/v1/thresholds/consistency?month=2019-02").get_json()
    current = manager.get("/api/v1/thresholds/consistency").get_json()

    assert (empty["month"], empty["workers"], empty["teams"]) == ("2019-02", [], [])
    assert empty["starts_at"].startswith("2019-02-01T00:00:00")
    assert current["month"] == _this_month()
    assert [w["decisions"] for w in current["workers"]] == [1]


@pytest.mark.parametrize("month", ["2026-13", "March", "0001-01", "2026-03-01", ""])
def test_a_month_that_is_not_yyyy_mm_is_refused_with_422_at_the_field(
        month: str, signed_in: Callable[[str], Browser]) -> None:
    response = signed_in("manager").get(f"/api/v1/thresholds/consistency?month={month}")

    assert response.status_code == 422
    assert "month" in _errors(response)


@pytest.mark.parametrize("who", ["worker", "social_worker", "partner", "admin"])
def test_the_table_is_for_managers_and_chairs_only(
        who: str, signed_in: Callable[[str], Browser]) -> None:
    assert signed_in(who).get("/api/v1/thresholds/consistency").status_code == 403


def test_both_routes_and_their_schemas_are_in_the_openapi_document(
        signed_in: Callable[[str], Browser]) -> None:
    doc = signed_in("worker").get("/api/v1/openapi.json").get_json()

    for path, schema in (("/api/v1/thresholds/consistency", "ConsistencyOut"),
                         ("/api/v1/thresholds/catalogue", "CatalogueOut")):
        ok = doc["paths"][path]["get"]["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith(schema)
    schemas = doc["components"]["schemas"]
    assert {"workers", "teams", "month"} <= set(schemas["ConsistencyOut"]["properties"])
    assert {"signed_off_by", "outcomes_by_level", "matching_percent"} <= set(
        schemas["WorkerFiguresOut"]["properties"])
    assert {"levels", "domains", "escalation"} <= set(schemas["CatalogueOut"]["properties"])
    parameters = doc["paths"]["/api/v1/thresholds/consistency"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == ["month"]


# -- the level of need as a JSON integer --------------------------------------------------
@pytest.mark.parametrize("level", [4, "4"], ids=["integer", "string"])
def test_decide_takes_the_level_as_an_integer_or_the_forms_string(
        level: Any, contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)
    body = REFERRAL | {"level": level, "version": contacts.version(contact_id)}

    response = signed_in("worker").api(
        "POST", f"/api/v1/contacts/{contact_id}/actions/decide", body)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["stage"] == "assessment"


@pytest.mark.parametrize("level", [0, 5, "5", 4.5, "4.0", True, "four", None],
                         ids=repr)
def test_a_level_that_is_not_1_to_4_is_refused_at_the_field_and_nothing_changes(
        level: Any, contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)
    version = contacts.version(contact_id)
    body = REFERRAL | {"level": level, "version": version}

    response = signed_in("worker").api(
        "POST", f"/api/v1/contacts/{contact_id}/actions/decide", body)

    assert response.status_code == 422
    assert "level" in _errors(response)
    assert (contacts.stage(contact_id), contacts.version(contact_id)) == (
        "threshold_decision", version)
