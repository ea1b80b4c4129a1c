"""Booking a conference ahead from the contact page: the page says whether the booking is
inside its timescale, the form that records the meeting offers the booked time (and still
refuses it before the day), every error comes at once at its field, and the team's list
of upcoming meetings shows the booking, paged by the database."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from freezegun import freeze_time

from tests.web.conftest import Browser, Contacts, text_of
from tests.web.test_contact_workspace import top
from tests.web.test_every_page_in_words import raw_values, visible_text
from web.words import govuk_datetime
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def frozen() -> Iterator[datetime]:
    """One "now" for the test and the server (the booking rules compare with it)."""
    with freeze_time(datetime.now(UTC)) as clock:
        yield clock().replace(tzinfo=UTC)


def _working_day_ahead(app: Flask, now: datetime, days: int) -> datetime:
    """10am London on the working day ``days`` working days after today."""
    calendar = app.extensions["rules"].calendar
    day = calendar.add_working_days(calendar.local_date(now), days)
    return datetime.combine(day, time(10, 0), tzinfo=LONDON)


def _icpc_due(app: Flask, contact_id: int) -> datetime:
    with app.extensions["uow"]() as uow:
        contact = uow.contacts.get(contact_id)
        return next(c.due_at for c in contact.open_clocks if c.rule == "icpc")


def _book(sw: Browser, contacts: Contacts, contact_id: int, **form: Any) -> Any:
    data = {"version": str(contacts.version(contact_id)), "venue": "Room 2, County Hall",
            "invitees": ["police", "health"]} | form
    return sw.post(f"/contacts/{contact_id}/actions/book_icpc", data)


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%Y-%m-%dT%H:%M}"


@dataclass
class Enquiry:
    """A section 47 enquiry held by the social worker, signed in, at a frozen "now"."""

    app: Flask
    contacts: Contacts
    sw: Browser
    now: datetime
    contact: int

    def ahead(self, days: int) -> datetime:
        return _working_day_ahead(self.app, self.now, days)

    def book(self, starts: datetime, **form: Any) -> Any:
        return _book(self.sw, self.contacts, self.contact, starts_at=_local(starts), **form)

    def fire(self, name: str, **form: Any) -> Any:
        data = {"version": str(self.contacts.version(self.contact))} | form
        return self.sw.post(f"/contacts/{self.contact}/actions/{name}", data)

    def page(self) -> str:
        return text_of(self.sw.get(f"/contacts/{self.contact}"))


@pytest.fixture
def enquiry(app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
            frozen: datetime) -> Enquiry:
    return Enquiry(app, contacts, signed_in("social_worker"), frozen,
                   contacts.at(Stage.SECTION_47))


def test_a_booked_conference_is_said_to_be_within_timescale_with_its_due_date(
        enquiry: Enquiry) -> None:
    starts = enquiry.ahead(3)

    done = enquiry.book(starts)
    panel = top(enquiry.page())

    assert done.status_code == 302, text_of(done)
    due = _icpc_due(enquiry.app, enquiry.contact).astimezone(LONDON)
    assert (f"Initial child protection conference: Booked for {govuk_datetime(starts)} — "
            f"within timescale (due {due:%A %-d %B})") in panel
    assert "Room 2, County Hall" in panel and "Invited: Police, Health" in panel


def test_the_record_form_offers_the_booked_time_and_still_refuses_it_before_the_day(
        enquiry: Enquiry) -> None:
    starts = enquiry.ahead(3)
    enquiry.book(starts)

    body = enquiry.page()
    held = enquiry.fire("hold_icpc", held_at=_local(starts), plan="no")

    assert f'id="hold_icpc-held_at" name="held_at" type="datetime-local" ' \
           f'value="{_local(starts)}"' in body
    assert held.status_code == 422
    assert "cannot be in the future" in html.unescape(text_of(held))
    assert enquiry.contacts.stage(enquiry.contact) == "section_47"


def test_every_error_of_a_booking_comes_at_once_linked_to_its_field(
        enquiry: Enquiry) -> None:
    refused = enquiry.book(enquiry.now - timedelta(days=1), venue="", invitees=["nobody"])

    body = html.unescape(text_of(refused))
    assert refused.status_code == 422
    for field in ("starts_at", "venue", "invitees"):
        assert f'href="#{field}"' in body and f'id="{field}"' in body
    assert "a meeting already held is recorded, not booked" in body
    assert "Say where the meeting is" in body


@pytest.mark.parametrize("starts_at", ["not a date", "2026-13-45T10:00", "0001-01-01T00:00",
                                       "9999-12-31T23:59"])
def test_a_date_nobody_could_mean_is_a_field_error_never_a_server_error(
        signed_in: Callable[[str], Browser], contacts: Contacts, starts_at: str) -> None:
    contact = contacts.at(Stage.SECTION_47)

    refused = _book(signed_in("social_worker"), contacts, contact, starts_at=starts_at,
                    venue="Room\x00 2")

    assert refused.status_code == 422
    assert 'href="#' in text_of(refused)


def test_a_booking_after_the_due_date_asks_why_and_the_page_warns(enquiry: Enquiry) -> None:
    late = enquiry.ahead(20)

    asked = enquiry.book(late)
    done = enquiry.book(late, late_reason="The only date the police can attend")
    panel = top(enquiry.page())

    assert asked.status_code == 422
    assert "Booked after the due date" in html.unescape(text_of(asked))
    assert 'href="#late_reason"' in text_of(asked)
    assert done.status_code == 302
    assert "Warning" in panel
    assert "after the due date" in panel and "The only date the police can attend" in panel


def test_a_rebook_needs_its_reason_and_moves_the_booking(enquiry: Enquiry) -> None:
    enquiry.book(enquiry.ahead(3))
    moved = enquiry.ahead(4)

    refused = enquiry.fire("rebook_meeting", meeting="icpc", starts_at=_local(moved))
    done = enquiry.fire("rebook_meeting", meeting="icpc", starts_at=_local(moved),
                        reason="The chair is on leave")

    assert refused.status_code == 422 and 'href="#reason"' in text_of(refused)
    assert done.status_code == 302
    assert f"Booked for {govuk_datetime(moved)}" in top(enquiry.page())


def test_the_rebook_form_starts_from_the_meeting_booked(enquiry: Enquiry) -> None:
    booked = enquiry.ahead(3)
    enquiry.book(booked)

    body = enquiry.page()
    form = body[body.index('id="action-rebook_meeting"'):]
    form = form[:form.index("</form>")]

    assert '<option value="icpc" selected>' in form
    assert f'name="starts_at" type="datetime-local" value="{_local(booked)}"' in form


def _rows(body: str) -> list[str]:
    table = body[body.find("<tbody"):body.find("</tbody>")]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", r)).split())
            for r in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)]


def test_the_teams_upcoming_meetings_are_listed_soonest_first_a_page_at_a_time(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
        frozen: datetime) -> None:
    sw = signed_in("social_worker")
    later = contacts.at(Stage.SECTION_47, "Bea", "Later")
    sooner = contacts.at(Stage.SECTION_47, "Cy", "Sooner")
    _book(sw, contacts, later, starts_at=_local(_working_day_ahead(app, frozen, 5)))
    _book(sw, contacts, sooner, starts_at=_local(_working_day_ahead(app, frozen, 2)))
    app.config["FRONTDOOR_WEB"]["page_size"], size = 1, app.config["FRONTDOOR_WEB"].get(
        "page_size", 50)
    try:
        first = text_of(sw.get("/meetings/upcoming"))
        second = text_of(sw.get("/meetings/upcoming?page=2"))
    finally:
        app.config["FRONTDOOR_WEB"]["page_size"] = size

    assert "Showing <strong>1</strong> to <strong>1</strong> of <strong>2</strong>" in first
    [row] = _rows(first)
    assert row.startswith("Initial child protection conference Cy Sooner")
    assert "within timescale" in row and "Sol Worker" in row
    assert _rows(second)[0].startswith("Initial child protection conference Bea Later")


def test_the_list_shows_only_cases_the_person_may_open_and_bad_filters_are_field_errors(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
        frozen: datetime) -> None:
    contact = contacts.at(Stage.SECTION_47, "Dot", "Casework")
    _book(signed_in("social_worker"), contacts, contact,
          starts_at=_local(_working_day_ahead(app, frozen, 2)))

    front_door = text_of(signed_in("worker").get("/meetings/upcoming?whose=all"))
    bad = signed_in("social_worker").get("/meetings/upcoming?kind=nothing&whose=x&page=abc")

    assert "Dot Casework" not in front_door
    assert bad.status_code == 200
    body = html.unescape(text_of(bad))
    assert "Choose a kind of meeting from the list" in body and 'href="#kind"' in body
    assert "Dot Casework" in body


def test_a_contact_with_a_booking_and_its_history_reads_in_words(enquiry: Enquiry) -> None:
    enquiry.book(enquiry.ahead(3))
    enquiry.fire("cancel_meeting", meeting="icpc", reason="The family moved")
    enquiry.book(enquiry.ahead(4))

    shown = visible_text(enquiry.page())
    listed = visible_text(text_of(enquiry.sw.get("/meetings/upcoming")))

    assert "The family moved" in shown
    assert raw_values(shown) == [] and raw_values(listed) == []
