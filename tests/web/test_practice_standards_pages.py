"""The practice standards pages per role: a worker's own cases, a team manager's teams, the
head of service's whole service; nobody outside the line of management sees a colleague's
figures; a child on a child protection plan can be visited from the contact page.

The overdue case is a child protection plan made 20 days ago and never visited: 20
calendar days always hold more than the 10 working days the visiting standard allows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import OnService, walk_to
from tests.web.conftest import Browser, Contacts, person_actor
from tests.web.test_pages import hidden_version
from workflow.contact import reference_for
from workflow.persistence.tables_strategy import VisitRow
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")
CP_VISIT = "Child protection visit, child seen (alone where age allows)"


def _overdue_plan(contacts: Contacts) -> int:
    """A child protection plan held by the social worker (team Assessment 1), made 20 days
    ago with no visit since."""
    past = datetime.now(UTC) - timedelta(days=20)
    [made] = contacts.record(("Bo", "Overdue"), ago=timedelta(days=20, hours=1))
    driver = OnService(contacts.uow, contacts.rules, made["id"], made["version"], past)
    walk_to(driver, Stage.CP_PLAN)
    driver.fire("allocate", person_actor("manager"),
                {"team": "assessment-1", "worker": "social.worker"})
    return int(made["id"])


def test_the_worker_sees_their_missed_visit_and_the_case_behind_it(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = _overdue_plan(contacts)
    social_worker = signed_in("social_worker")

    summary = social_worker.get("/standards")
    behind = social_worker.get("/standards/cases?standard=cp_visit&status=missed")

    assert summary.status_code == 200
    body = summary.get_data(as_text=True)
    assert CP_VISIT in body and "working days late" in body
    assert "the cases allocated to you" in body
    listed = behind.get_data(as_text=True)
    assert reference_for(contact_id) in listed and "Missed" in listed
    assert "cp_visit" not in listed.replace("standard=cp_visit", "")  # words, not rule ids


def test_the_cases_download_as_csv_with_words_and_dates(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = _overdue_plan(contacts)

    response = signed_in("manager2").get("/standards/cases.csv?status=missed")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "Case,Practice standard,Due,Status,By how long,Team,Worker"
    assert any(line.startswith(f'{reference_for(contact_id)},"{CP_VISIT}",') for line in lines)


@pytest.mark.parametrize(("who", "path"), [
    ("social_worker", "/performance?worker=fd.worker"),
    ("social_worker", "/standards/cases?worker=team.manager.two"),
    ("manager", "/standards/cases?team=assessment-1"),
    ("manager", "/performance?worker=social.worker"),
])
def test_nobody_sees_figures_outside_their_line_of_management(
        signed_in: Callable[[str], Browser], who: str, path: str) -> None:
    assert signed_in(who).get(path).status_code == 403


def test_a_manager_of_another_team_is_not_shown_the_social_workers_figures(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    _overdue_plan(contacts)

    other_team = signed_in("manager").get("/performance").get_data(as_text=True)
    own_team = signed_in("manager2").get("/performance").get_data(as_text=True)

    assert "Sol Worker" not in other_team
    assert "Sol Worker" in own_team and "the teams you manage: Assessment 1" in own_team


def test_the_head_of_service_sees_every_team(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    _overdue_plan(contacts)
    head = signed_in("head")

    performance = head.get("/performance").get_data(as_text=True)
    compliance = head.get("/standards").get_data(as_text=True)

    assert "Sol Worker" in performance and "Practice standards by team" in performance
    assert "every team" in compliance and "By team" in compliance and "Assessment 1" in compliance


@pytest.mark.parametrize("who", ["partner", "admin"])
def test_partners_and_administrators_are_refused(signed_in: Callable[[str], Browser],
                                                 who: str) -> None:
    assert signed_in(who).get("/standards").status_code == 403


@pytest.mark.parametrize("query", ["status=late", "standard=no_such_standard"])
def test_a_drill_down_that_names_nothing_known_is_a_clear_400(
        signed_in: Callable[[str], Browser], query: str) -> None:
    assert signed_in("manager2").get(f"/standards/cases?{query}").status_code == 400


def test_a_child_on_a_plan_is_visited_from_the_contact_page_and_meets_the_standard(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.CP_PLAN)
    social_worker = signed_in("social_worker")
    page = social_worker.get(f"/contacts/{contact_id}")
    assert "Record a visit to the child" in page.get_data(as_text=True)
    at = datetime.now(UTC).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")

    refused = social_worker.post(f"/contacts/{contact_id}/actions/record_visit", {
        "version": hidden_version(page), "visited_at": at, "child_seen": "yes",
        "seen_alone": "no"})
    saved = social_worker.post(f"/contacts/{contact_id}/actions/record_visit", {
        "version": hidden_version(page), "visited_at": at, "child_seen": "yes",
        "seen_alone": "no", "not_alone_reason": "Aged 2: seen with her mother"})

    assert refused.status_code == 422
    assert "why the child was not seen alone" in refused.get_data(as_text=True)
    assert saved.status_code in (302, 303)
    with db() as session:
        reasons = session.scalars(select(VisitRow.not_alone_reason).where(
            VisitRow.contact_id == contact_id)).all()
    assert reasons == ["Aged 2: seen with her mother"]


def test_the_kpi_page_shows_each_standard_month_by_month_and_it_downloads(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    _overdue_plan(contacts)
    manager = signed_in("manager2")

    kpis = manager.get("/oversight/kpis").get_data(as_text=True)
    trend = manager.get("/standards/trend.csv")

    assert "Practice standards met in time" in kpis and CP_VISIT in kpis
    lines = trend.get_data(as_text=True).splitlines()
    assert lines[0] == "Practice standard,Month,Fell due,Met in time,Missed,Met in time (%)"
    visits = [line for line in lines if line.startswith(f'"{CP_VISIT}",')]
    assert len(visits) == 12  # twelve months, the one it fell due in missed
    assert [line.split(",")[-4:] for line in visits if not line.endswith(",0,0,0,")] == [
        ["1", "0", "1", "0.0"]]
