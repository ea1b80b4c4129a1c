"""The daily MASH meeting, the chronology, agency performance and the known-child step of
recording a contact, through the pages; and bad input that never gives a server error."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from freezegun import freeze_time
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts, text_of
from tests.web.test_mash_pages import HEALTH_QUESTION, ask, page, state
from workflow.persistence.tables import AccessLogRow, ContactRow
from workflow.persistence.tables_mash import MeetingRow
from workflow.persistence.tables_people import PersonRow
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")


def today() -> str:
    return datetime.now(UTC).astimezone(LONDON).date().isoformat()


def open_today(chair: Browser) -> int:
    response = chair.post("/mash/meetings", {"held_on": today()})
    assert response.status_code == 302, page(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def attend(chair: Browser, meeting_id: int) -> None:
    for agency, name in (("police", "DS Sample"), ("health", "Nurse Example")):
        response = chair.post(f"/mash/meetings/{meeting_id}/attendees",
                              {"agency": agency, "name": name, "position": "Lead"})
        assert response.status_code == 302, page(response)


DECISION = {"outcome": "referral_to_social_care", "level": "",
            "rationale": "Both agencies hold concerns (synthetic)",
            "view-police": "Two call-outs", "view-health": "Missed appointments"}


def test_a_chair_runs_the_meeting_and_the_decision_shows_on_the_contact(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    chair = signed_in("chair")
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    meeting_id = open_today(chair)
    attend(chair, meeting_id)

    assert chair.post(f"/mash/meetings/{meeting_id}/agenda",
                      {"contact_id": contact_id}).status_code == 302
    response = chair.post(f"/mash/meetings/{meeting_id}/decisions",
                          DECISION | {"contact_id": contact_id})

    assert response.status_code == 302, page(response)
    listing = page(signed_in("worker").get("/mash/meetings"))
    assert re.search(r">\s*2\s*<.*>\s*1\s*<.*>\s*1\s*<", listing, re.S)  # attendees, agenda
    contact_page = page(signed_in("worker").get(f"/contacts/{contact_id}"))
    assert "joint recommendation" in contact_page
    assert "Referral to social care (assessment)" in contact_page
    assert f'href="/mash/meetings/{meeting_id}"' in contact_page
    assert "Record the MASH meeting's joint decision" in contact_page  # on the timeline


def test_a_decision_for_a_contact_not_on_the_agenda_is_refused_and_nothing_changes(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    chair = signed_in("chair")
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    meeting_id = open_today(chair)
    attend(chair, meeting_id)
    before = state(db)

    response = chair.post(f"/mash/meetings/{meeting_id}/decisions",
                          DECISION | {"contact_id": contact_id})

    assert response.status_code == 422
    assert f"FD{contact_id:07d} is not on that meeting's agenda" in page(response)
    assert state(db) == before


def test_the_meeting_of_a_day_is_opened_once(signed_in: Callable[[str], Browser],
                                             db: Callable[[], Session]) -> None:
    chair = signed_in("chair")
    open_today(chair)

    response = chair.post("/mash/meetings", {"held_on": today()})

    assert response.status_code == 422 and "is already open" in page(response)
    with db() as session:
        assert session.scalar(select(func.count()).select_from(MeetingRow)) == 1


def test_a_meeting_can_be_booked_up_to_seven_days_ahead_and_no_further(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    """Booking ahead (after a weekend and a bank holiday) is allowed for a week."""
    chair = signed_in("chair")
    with freeze_time(datetime.now(UTC)):  # one "today" for the test and the server
        day = datetime.now(UTC).astimezone(LONDON).date()
        week = chair.post("/mash/meetings", {"held_on": (day + timedelta(days=7)).isoformat()})
        eight = chair.post("/mash/meetings", {"held_on": (day + timedelta(days=8)).isoformat()})

    assert week.status_code == 302, page(week)
    assert eight.status_code == 422
    assert "a meeting can be booked up to 7 days ahead" in page(eight).lower()
    eighth = (day + timedelta(days=8)).isoformat()
    assert f'id="held_on" name="held_on" type="date" value="{eighth}"' in page(eight)  # kept
    with db() as session:
        assert session.scalars(select(MeetingRow.held_on)).all() == [day + timedelta(days=7)]


def test_only_a_chair_runs_the_meeting(signed_in: Callable[[str], Browser]) -> None:
    for who in ("worker", "manager"):
        assert signed_in(who).post("/mash/meetings", {"held_on": today()}).status_code == 403
        assert signed_in(who).get("/mash/meetings").status_code == 200


# -- chronology and agency performance -------------------------------------------------------
def test_the_chronology_lists_every_contact_and_response_and_viewing_it_is_logged(
        signed_in: Callable[[str], Browser], contacts: Contacts, app: Flask,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING, "Quinn", "Yarrowby")
    ask(app, contact_id, "health", HEALTH_QUESTION)
    with db() as session:
        child_id = session.get(ContactRow, contact_id).child_id  # type: ignore[union-attr]
    worker = signed_in("worker")

    body = page(worker.get(f"/children/{child_id}/chronology"))
    csv = worker.get(f"/children/{child_id}/chronology.csv")

    assert "Quinn Yarrowby" in body and "Contact received from 6: Police" in body
    assert "Information requested from Health services" in body and "Rated Amber" in body
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    assert text_of(csv).splitlines()[0].startswith("Date and time (UK),Contact,Kind")
    with db() as session:
        logged = session.scalars(select(AccessLogRow.route).where(
            AccessLogRow.child_id == child_id, AccessLogRow.username == "fd.worker")).all()
    assert {"/children/<int:child_id>/chronology",
            "/children/<int:child_id>/chronology.csv"} <= set(logged)


def test_agency_performance_shows_each_agency_to_managers_and_chairs_only(
        signed_in: Callable[[str], Browser], contacts: Contacts, app: Flask) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    ask(app, contact_id, "health", HEALTH_QUESTION)

    body = page(signed_in("manager").get("/mash/agencies"))

    assert "Health services" in body and re.search(r">\s*1\s*</td>", body)
    assert signed_in("chair").get("/mash/agencies").status_code == 200
    assert signed_in("worker").get("/mash/agencies").status_code == 403


# -- the known-child step of recording a contact -----------------------------------------------
NEW = {"received_at": "", "source": "2A", "channel": "phone", "referrer": "School (synthetic)",
       "concerns": "Synthetic: bruising seen at school", "consent": "not_recorded",
       "child-0-first_name": "Jaydon", "child-0-last_name": "Mokford",
       "child-0-date_of_birth": "2015-03-04"}


def _known_child(contacts: Contacts, db: Callable[[], Session], stage: Stage) -> int:
    contact_id = contacts.at(stage, "Jayden", "Mockford")
    with db() as session:
        child = session.get(PersonRow, session.get(ContactRow, contact_id).child_id)  # type: ignore[union-attr]
        assert child is not None
        child.date_of_birth = datetime(2015, 4, 3).date()
        session.commit()
        return child.id


def _form() -> dict[str, str]:
    return NEW | {"received_at": datetime.now(UTC).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")}


def test_a_known_child_is_offered_and_linking_to_them_with_an_open_case_passes_it_on(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    child_id = _known_child(contacts, db, Stage.ASSESSMENT)
    worker = signed_in("worker")
    before = state(db)

    offered = worker.post("/contacts/new", _form())

    assert offered.status_code == 200 and "Is this a child we already know?" in page(offered)
    assert f'value="{child_id}"' in page(offered) and "Jayden Mockford" in page(offered)
    assert state(db) == before
    linked = worker.post("/contacts/new", _form() | {"child-0-match": str(child_id)})
    assert linked.status_code == 302
    new_id = int(linked.headers["Location"].rsplit("/", 1)[1])
    with db() as session:
        row = session.get(ContactRow, new_id)
        assert row is not None
        assert (row.child_id, row.stage, row.referral_at) == (
            child_id, "passed_to_allocated_worker", None)
        assert session.scalar(select(func.count()).select_from(PersonRow)) == 1
    assert "Open case: this child's case" in page(worker.get(f"/contacts/{new_id}"))
    # Recorded straight into the allocated worker's hands: one event, version 1, and the
    # decision made on receipt (its clock met), not a walk through screening.
    detail = worker.api("GET", f"/api/v1/contacts/{new_id}").get_json()
    assert (detail["version"], [e["trigger"] for e in detail["events"]]) == (1, ["receive"])
    decision = [c for c in detail["clocks"] if c["rule"] == "contact_decision"]
    assert [c["result"] for c in decision] == ["met"]


def test_confirming_a_new_child_records_one_and_a_made_up_choice_is_refused(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    _known_child(contacts, db, Stage.SCREENING)
    worker = signed_in("worker")

    tampered = worker.post("/contacts/new", _form() | {"child-0-match": "99999"})
    assert tampered.status_code == 422 and "Choose one of the children shown" in page(tampered)
    fresh = worker.post("/contacts/new", _form() | {"child-0-match": "new"})

    assert fresh.status_code == 302
    with db() as session:
        assert session.scalar(select(func.count()).select_from(PersonRow)) == 2


# -- bad input never gives a server error ----------------------------------------------------------
@pytest.mark.parametrize(("who", "path", "form"), [
    ("worker", "/contacts/{cid}/actions/request_information",
     {"version": "abc", "agency": "police"}),
    ("worker", "/contacts/{cid}/actions/request_information",
     {"version": "1", "question": "x" * 6000}),
    ("worker", "/contacts/{cid}/actions/chase_request", {"version": "1", "request_id": "999"}),
    ("worker", "/contacts/{cid}/actions/chase_request", {"version": "1", "request_id": "abc"}),
    ("worker", "/contacts/{cid}/actions/withdraw_request",
     {"version": "zz", "request_id": "999", "reason": ""}),
    ("manager", "/contacts/{cid}/actions/close_outstanding_requests",
     {"version": "-1", "reason": "x"}),
    ("manager", "/contacts/999999/actions/close_outstanding_requests",
     {"version": "1", "reason": "x"}),
    ("worker", "/contacts/{cid}/actions/no_such_action", {"version": "1"}),
    ("partner", "/inbox/requests/999/answer", {"answer": "x"}),
    ("partner", "/inbox/requests/abc/answer", {"answer": "x"}),
    ("chair", "/mash/meetings", {"held_on": "31/02/2026"}),
    ("chair", "/mash/meetings", {"held_on": "2999-01-01"}),
    ("chair", "/mash/meetings/999/attendees", {"agency": "police", "name": "X"}),
    ("chair", "/mash/meetings/{mid}/attendees", {"agency": "nobody", "name": ""}),
    ("chair", "/mash/meetings/{mid}/agenda", {"contact_id": "FD0000001"}),
    ("chair", "/mash/meetings/{mid}/agenda", {"contact_id": "999999"}),
    ("chair", "/mash/meetings/{mid}/decisions", {"contact_id": "x", "level": "9"}),
    ("chair", "/mash/meetings/{mid}/decisions", {"contact_id": "{cid}", "level": "nine"}),
])
def test_bad_input_is_refused_without_a_server_error_and_changes_nothing(
        signed_in: Callable[[str], Browser], contacts: Contacts, db: Callable[[], Session],
        who: str, path: str, form: dict[str, str]) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    meeting_id = open_today(signed_in("chair"))
    before = state(db)
    fill = {"cid": contact_id, "mid": meeting_id}

    response = signed_in(who).post(path.format(**fill),
                                   {k: v.format(**fill) for k, v in form.items()})

    assert 400 <= response.status_code < 500, response.status_code
    assert state(db) == before
