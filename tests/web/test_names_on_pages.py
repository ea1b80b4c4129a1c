"""Colleagues, teams and agencies by the names people know them by, on every page that
shows one; a count that chooses its own plural; a filter for a team nobody has answered as
a mistake in the filter, not as a refusal.

The test users sign in as ``fd.worker``, ``social.worker`` … and are called Dee Worker,
Sol Worker …; their teams are ``front-door`` ("Front Door") and ``assessment-1``
("Assessment 1"). Each page below once showed the codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import update

from reporting.names import Names
from tests.web.conftest import Browser, Contacts, text_of
from tests.web.test_every_page_in_words import visible_text
from tests.web.test_mash_meetings import open_today
from web.words import plural
from workflow.errors import InvalidInput
from workflow.persistence.tables import UserRow
from workflow.stages import Stage


def _seen(browser: Browser, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    return " ".join(visible_text(text_of(response)).split())


def test_the_decision_on_the_contact_page_names_the_worker_who_made_it(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.ASSESSMENT)

    shown = _seen(signed_in("manager2"), f"/contacts/{contact_id}")

    assert re.search(r"Level \d, [^;]+ by Dee Worker", shown)
    assert "fd.worker" not in shown and "social.worker" not in shown
    assert "Assessment 1 / Sol Worker" in shown  # allocated: team and worker by name


def test_the_visits_table_names_who_visited(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.ASSESSMENT)
    contacts.fire(contact_id, "record_visit", "social_worker", "seen", seen_alone=True)

    shown = _seen(signed_in("manager2"), f"/contacts/{contact_id}/assessment")

    assert "Sol Worker" in shown[shown.index("Visits"):]
    assert "social.worker" not in shown


def test_an_account_no_longer_in_the_directory_reads_former_user(
        signed_in: Callable[[str], Browser], contacts: Contacts, db: Callable[[], Any]) -> None:
    contact_id = contacts.at(Stage.ASSESSMENT)
    with db() as session, session.begin():  # the decider's account is gone from the directory
        session.execute(update(UserRow).where(UserRow.username == "fd.worker")
                        .values(username="gone.worker"))

    shown = _seen(signed_in("manager2"), f"/contacts/{contact_id}")

    assert re.search(r"Level \d, [^;]+ by former user", shown)
    assert "fd.worker" not in shown


def test_the_mash_meeting_and_the_list_of_meetings_name_the_chair(
        signed_in: Callable[[str], Browser]) -> None:
    chair = signed_in("chair")
    meeting_id = open_today(chair)

    assert "Chaired by Cal Chair" in _seen(chair, f"/mash/meetings/{meeting_id}")
    listed = _seen(signed_in("worker"), "/mash/meetings")
    assert "Cal Chair" in listed and "mash.chair" not in listed


def test_the_chronology_names_each_actor_and_their_role(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    child_id = contacts.child_of(contact_id)

    shown = _seen(signed_in("worker"), f"/children/{child_id}/chronology")
    csv = text_of(signed_in("worker").get(f"/children/{child_id}/chronology.csv"))

    assert "Dee Worker (Front door worker)" in shown
    assert "Dee Worker (Front door worker)" in csv and "fd.worker" not in csv


def test_the_clocks_list_counts_in_words_and_names_the_team(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.at(Stage.ASSESSMENT)

    shown = _seen(signed_in("manager"), "/oversight/clocks?state=at_risk")
    empty = _seen(signed_in("manager"), "/oversight/clocks?state=breached&team=nobody")

    assert "(s)" not in shown
    assert re.search(r"\b1 clock, soonest due first|\b\d+ clocks, soonest due first", shown)
    assert "0 clocks, soonest due first" in empty
    assert "assessment-1" not in shown


def test_the_dashboard_names_teams_and_workers_in_its_tables(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.at(Stage.ASSESSMENT)

    shown = _seen(signed_in("manager"), "/oversight")

    assert "Assessment 1" in shown and "Sol Worker" in shown
    assert "assessment-1" not in shown and "social.worker" not in shown


def test_practice_standards_say_whose_teams_by_name(
        signed_in: Callable[[str], Browser]) -> None:
    shown = _seen(signed_in("manager"), "/standards")

    assert "Showing the teams you manage: Front Door." in shown
    assert "front-door" not in shown


def test_a_team_nobody_has_is_a_mistake_in_the_filter_with_the_error_on_the_team_field(
        signed_in: Callable[[str], Browser]) -> None:
    manager = signed_in("manager")
    for url in ("/performance?team=zzz", "/standards?team=zzz"):
        response = manager.get(url)
        html = text_of(response)

        assert response.status_code == 400, url
        assert '<a href="#team">Choose a team from the list</a>' in html
        assert 'id="team"' in html and "govuk-select--error" in html
    assert manager.get("/standards/cases?team=zzz").status_code == 400


def test_a_real_team_outside_the_managers_line_is_still_refused(
        signed_in: Callable[[str], Browser]) -> None:
    assert signed_in("manager").get("/performance?team=assessment-1").status_code == 403
    assert signed_in("manager2").get("/performance?team=assessment-1").status_code == 200


def test_the_team_filter_offers_the_managers_teams_by_name(
        signed_in: Callable[[str], Browser]) -> None:
    html = text_of(signed_in("head").get("/performance"))

    assert re.search(r'<option value="assessment-1"\s*>Assessment 1</option>', html)
    assert re.search(r'<option value="front-door"\s*>Front Door</option>', html)


def test_the_user_list_shows_team_names_and_keeps_the_username_column(
        signed_in: Callable[[str], Browser]) -> None:
    shown = _seen(signed_in("admin"), "/admin/users")

    assert "Dee Worker (fd.worker)" in shown  # the account itself is the subject here
    assert "Front Door" in shown and "front-door" not in shown


def test_the_workflow_page_reads_each_rule_as_a_condition(
        signed_in: Callable[[str], Browser]) -> None:
    shown = _seen(signed_in("worker"), "/workflow")

    assert "The conference date is given; the conference is not before" in shown
    assert "(when the RAG rating is red)" in shown
    assert "Held at given" not in shown and "Macpt has its core members" not in shown
    assert "Icpc counted" not in shown


def test_a_count_chooses_its_own_plural() -> None:
    assert [plural(n, "clock") for n in (0, 1, 2, 192)] == [
        "0 clocks", "1 clock", "2 clocks", "192 clocks"]
    assert plural(1, "child", "children") == "1 child"
    assert plural(3, "child", "children") == "3 children"


def test_a_name_is_looked_up_and_an_unknown_one_still_reads_as_a_person_or_team() -> None:
    names = Names({"fd.worker": "Dee Worker"}, {"front-door": "Front Door"})

    assert names.person("fd.worker") == "Dee Worker"
    assert names.person("gone.worker") == "former user"
    assert names.person("api:Referral portal") == "Referral portal (connected system)"
    assert names.person("sso:entra") == "entra single sign-on"
    assert (names.team("front-door"), names.team("gone-team")) == ("Front Door", "former team")


def test_a_refused_filter_says_what_to_choose_starting_with_a_capital(
        signed_in: Callable[[str], Browser]) -> None:
    manager = signed_in("manager")
    standard = manager.get("/standards?standard=zzz")
    state = manager.get("/oversight/clocks?state=sometime")

    assert standard.status_code == 400 and state.status_code == 400
    assert "Choose a practice standard from the list." in text_of(standard)
    assert "Choose breached or at risk." in text_of(state)


def test_a_rule_written_as_a_fragment_is_refused_as_a_sentence_that_starts_with_a_capital(
        ) -> None:
    refused = InvalidInput({"team": "choose the team to sample", "seed": "Give a seed"})

    assert refused.errors == {"team": "Choose the team to sample", "seed": "Give a seed"}
    assert refused.message == "team: Choose the team to sample; seed: Give a seed"
