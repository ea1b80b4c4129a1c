"""Multi-agency child protection teams as people meet them: the list warns about a team
lacking a core member of s16EA; a strategy discussion cannot record that team as its
support, and records a complete one with each agency's assistance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from tests.web.conftest import Browser, Contacts, store_of
from tests.web.test_pages import error_summary, hidden_version, page
from tests.web.test_strategy_pages import _discussion_form
from workflow.roles import Role
from workflow.stages import Stage

MEMBERS = (("mac.education", "Eve Teacher", Role.PARTNER, "education", "education", "council"),
           ("social.worker", "", None, None, "social_work", "council"),
           ("mac.health", "Hal Nurse", Role.PARTNER, "health", "health", "icb"),
           ("mac.police", "Pol Officer", Role.PARTNER, "police", "police", "police_force"))


def _ten_minutes_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=10)


@pytest.fixture
def teams(app: Flask) -> None:
    """A complete MACPT, and one without its police officer."""
    accounts = store_of(app).accounts
    for code, name in (("macpt-north", "MACPT North"), ("macpt-south", "MACPT South")):
        accounts.save_team(code, name, "macpt", None)
    for username, display, role, agency, discipline, body in MEMBERS:
        if role is not None:
            accounts.save_account(username, display, role, None, agency, "!no-sign-in")
        accounts.join_macpt("macpt-north", username, discipline, body)
        if discipline != "police":
            accounts.join_macpt("macpt-south", username, discipline, body)


def test_the_list_warns_about_a_team_without_a_police_officer(
        teams: None, signed_in: Callable[[str], Browser]) -> None:
    body = page(signed_in("social_worker").get("/oversight/macpts"))

    north = body[body.index('id="macpt-macpt-north"'):body.index('id="macpt-macpt-south"')]
    south = body[body.index('id="macpt-macpt-south"'):]
    assert "All four core members" in north and "Pol Officer" in north
    assert "Incomplete" in south
    assert ("MACPT South lacks a police officer nominated by the chief officer of police"
            in south)


def test_an_incomplete_team_cannot_be_recorded_as_supporting_a_discussion(
        teams: None, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)
    social_worker = signed_in("social_worker")
    version = hidden_version(social_worker.get(f"/contacts/{contact_id}"))

    response = social_worker.post(
        f"/contacts/{contact_id}/actions/hold_strategy_discussion",
        _discussion_form(version, _ten_minutes_ago(), macpt="macpt-south"))

    assert response.status_code == 422
    assert "lacks a police officer" in error_summary(response)["macpt"]


def test_a_complete_team_and_each_agencys_assistance_are_on_the_discussion(
        teams: None, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)
    social_worker = signed_in("social_worker")
    version = hidden_version(social_worker.get(f"/contacts/{contact_id}"))

    response = social_worker.post(
        f"/contacts/{contact_id}/actions/hold_strategy_discussion",
        _discussion_form(version, _ten_minutes_ago(), macpt="macpt-north",
                         assistance_police="Checked call-outs to the address"),
        follow_redirects=True)

    body = page(response)
    assert response.status_code == 200
    assert "Multi-agency child protection team:</strong> MACPT North" in body
    assert "Assistance from the police:</strong> Checked call-outs to the address" in body
