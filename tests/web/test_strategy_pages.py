"""Strategy discussions, section 47 and step up on the pages and in the JSON API.

The form draws every agency of the configured grid; a refusal shows its reason at the
right row with what was typed kept and nothing written; an accepted discussion is shown
with its grid; starting section 47 puts the conference target on the contact page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts, all_counts
from tests.web.test_pages import error_summary, hidden_version, page
from web.views import when
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_strategy import StrategyDiscussionRow, StrategyParticipationRow
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")


def _local(moment: datetime) -> str:
    """What a datetime-local input sends (London wall clock)."""
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def _discussion_form(version: int, held: datetime, **rows: str) -> dict[str, Any]:
    """A complete discussion deciding section 47, as the page posts it; ``rows`` override."""
    form = {"version": version, "held_at": _local(held), "chair": "Mo Manager",
            "participation_la_social_worker": "attended", "participation_police": "attended",
            "participation_health": "written", "participation_education": "attended",
            "outcome": "section_47", "reasonable_cause": "Bruising to a baby's face",
            "rationale": "Police and health agree the threshold is met"}
    return form | rows


def test_the_discussion_form_lists_every_agency_of_the_grid_with_what_is_required(
        signed_in: Callable[[str], Browser], contacts: Contacts, app: Flask) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)

    body = page(signed_in("social_worker").get(f"/contacts/{contact_id}"))

    form = body[body.index('id="action-hold_strategy_discussion"'):]
    form = form[:form.index("</form>")]
    for agency in app.extensions["rules"].casework.agencies:
        assert f'name="participation_{agency.id}"' in form
        assert f'name="participation_reason_{agency.id}"' in form
    tags = [" ".join(t.split())
            for t in re.findall(r'<strong class="govuk-tag[^>]*>(.*?)</strong>', form, re.S)]
    assert tags.count("Required") == 3 and tags.count("Expected") == 1
    assert "Invited, did not contribute" in form and "Not invited" in form


def test_police_absent_without_a_reason_is_refused_at_the_form_keeping_what_was_typed(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)
    social_worker = signed_in("social_worker")
    version = hidden_version(social_worker.get(f"/contacts/{contact_id}"))
    with db() as session:
        before = all_counts(session)

    response = social_worker.post(
        f"/contacts/{contact_id}/actions/hold_strategy_discussion",
        _discussion_form(version, datetime.now(UTC), participation_police="not_invited"))

    assert response.status_code == 422
    body = page(response)
    assert error_summary(response) == {  # every error at once, each at its box
        "absence_reason": "Police did not contribute: record why.",
        "participation_reason_police": "Police was not invited: record why."}
    assert 'id="absence_reason"' in body
    assert re.search(r'<option value="not_invited" selected>Not invited</option>', body)
    assert ">Police and health agree the threshold is met</textarea>" in body
    with db() as session:
        after = all_counts(session)
    assert after.pop("access_log") == before.pop("access_log") + 1  # the page was viewed
    assert after == before


def test_an_agency_not_invited_without_its_reason_is_marked_on_its_row(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)
    social_worker = signed_in("social_worker")
    version = hidden_version(social_worker.get(f"/contacts/{contact_id}"))

    response = social_worker.post(
        f"/contacts/{contact_id}/actions/hold_strategy_discussion",
        _discussion_form(version, datetime.now(UTC), participation_education="not_invited"))

    assert response.status_code == 422
    [(target, message)] = error_summary(response).items()
    assert target == "participation_reason_education"
    assert message.endswith("was not invited: record why.")
    assert f'id="{target}"' in page(response)


def test_a_discussion_and_section_47_show_on_the_contact_with_the_conference_target(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)
    social_worker = signed_in("social_worker")
    # This minute: "ten minutes ago" fell before the referral's date just after midnight.
    held = datetime.now(UTC).replace(second=0, microsecond=0)
    version = hidden_version(social_worker.get(f"/contacts/{contact_id}"))
    recorded = social_worker.post(
        f"/contacts/{contact_id}/actions/hold_strategy_discussion",
        _discussion_form(version, held, participation_police="not_invited",
                         participation_reason_police="No offence alleged; briefed after"))
    version = hidden_version(social_worker.get(f"/contacts/{contact_id}"))

    started = social_worker.post(f"/contacts/{contact_id}/actions/start_section_47",
                                 {"version": version, "reasonable_cause": "Bruising"})

    assert (recorded.status_code, started.status_code) == (302, 302)
    rules = app.extensions["rules"]
    due = rules.timescales.rule("icpc", held.date()).due(held, rules.calendar)
    body = page(social_worker.get(f"/contacts/{contact_id}"))
    target = body[body.index('id="icpc-target"'):]
    assert target.startswith(f'id="icpc-target"><strong>{when(due)}</strong>')
    assert "Initiated the section 47 enquiry" in body
    assert "No offence alleged; briefed after" in body
    with db() as session:
        [row] = session.scalars(select(StrategyDiscussionRow)).all()
        grid = session.scalars(select(StrategyParticipationRow)).all()
    assert (row.initiating, row.chair, row.held_at) == (True, "Mo Manager", held)
    assert {p.agency: p.status for p in grid} == {
        "la_social_worker": "attended", "police": "not_invited", "health": "written",
        "education": "attended"}


def test_the_api_records_a_discussion_with_its_grid_as_json(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)
    social_worker = signed_in("social_worker")
    url = f"/api/v1/contacts/{contact_id}/actions/hold_strategy_discussion"
    body = {"version": contacts.version(contact_id),
            "held_at": datetime.now(UTC).isoformat(), "chair": "Mo Manager",
            "participation": {"la_social_worker": "attended", "police": "attended",
                              "health": "invited_no_contribution", "education": "written"},
            "participation_reasons": {"health": "Paediatrician in theatre"},
            "outcome": "continue_s17", "rationale": "No significant harm"}

    bad_status = social_worker.api("POST", url, body | {"participation": {"police": "maybe"}})
    form_keys = social_worker.api("POST", url, body | {"participation_police": "attended"})
    done = social_worker.api("POST", url, body)

    assert (bad_status.status_code, form_keys.status_code, done.status_code) == (422, 422, 200)
    [event] = [e for e in done.get_json()["events"] if e["trigger"] == "hold_strategy_discussion"]
    assert event["payload"]["participation_reasons"] == {"health": "Paediatrician in theatre"}


def test_nfa_after_the_discussion_is_offered_to_a_manager_and_closes_the_contact(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)
    contacts.fire(contact_id, "hold_strategy_discussion", "social_worker", "no_further_action")
    manager = signed_in("manager")
    version = hidden_version(manager.get(f"/contacts/{contact_id}"))

    response = manager.post(f"/contacts/{contact_id}/actions/strategy_no_further_action",
                            {"version": version, "rationale": "Accidental injury explained"})

    assert response.status_code == 302
    body = page(manager.get(f"/contacts/{contact_id}"))
    assert 'id="referral-nfa"' in body and contacts.stage(contact_id) == "closed"


def test_stepping_up_links_the_new_contact_and_the_early_help_one_both_ways(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.EARLY_HELP)
    worker = signed_in("worker")
    version = hidden_version(worker.get(f"/contacts/{contact_id}"))

    response = worker.post(f"/contacts/{contact_id}/actions/step_up",
                           {"version": version, "reason": "Neglect escalating"})

    assert response.status_code == 302
    with db() as session:
        new_id = session.scalar(select(ContactRow.id).where(
            ContactRow.linked_contact_id == contact_id))
    assert new_id is not None
    old_page, new_page = (page(worker.get(f"/contacts/{i}")) for i in (contact_id, new_id))
    assert f'href="/contacts/{new_id}">FD{new_id:07d}</a>' in old_page
    assert f'href="/contacts/{contact_id}">FD{contact_id:07d}</a>' in new_page
    assert "Stepped up from Family Help" in new_page


def test_the_kpi_page_shows_contributions_by_agency(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.STRATEGY_DISCUSSION)
    contacts.fire(contact_id, "hold_strategy_discussion", "social_worker",
                  participation={"la_social_worker": "attended", "police": "attended",
                                 "health": "not_invited", "education": "written"},
                  participation_reasons={"health": "Not known to health"})

    body = page(signed_in("manager").get("/oversight/kpis"))

    card = body[body.index('id="strategy-by-agency"'):]
    row = card[card.index(datetime.now(UTC).astimezone(LONDON).strftime("%b %Y")):]
    row = row[:row.index("</tr>")]
    cells = re.findall(r'numeric">(.*?)</td>', row, re.S)
    assert cells[0] == "1" and cells[1] == "100.0"
    assert "0.0" in cells[2] and "below target" in cells[2]
    assert cells[3] == "100.0" and "0.0" in cells[4]


def test_the_api_returns_a_contacts_discussions_with_their_grid_and_its_assessment(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.SECTION_47)

    body = signed_in("social_worker").get(f"/api/v1/contacts/{contact_id}/casework").get_json()

    [discussion] = body["strategy_discussions"]
    assert (discussion["initiating"], discussion["outcome"]) == (True, "section_47")
    assert {p["agency"]: p["status"] for p in discussion["participation"]} == {
        "la_social_worker": "attended", "police": "attended", "health": "attended",
        "education": "written"}
    [assessment] = body["assessments"]
    assert (assessment["kind"], assessment["status"]) == ("s47", "open")
    assert signed_in("partner").get(f"/api/v1/contacts/{contact_id}/casework"
                                    ).status_code == 403
