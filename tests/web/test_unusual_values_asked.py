"""Unusual but possible values are asked about, not refused and not taken silently.

A contact "received" years ago or a child who would be an adult is usually a typing slip;
the form says what it saw and asks, and the worker confirms and continues when it is right.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.web.conftest import Browser, text_of
from tests.web.test_one_command_path import error_summary
from workflow.persistence.tables import ContactRow

LONDON = ZoneInfo("Europe/London")
FORM = {"source": "6", "channel": "phone", "concerns": "Synthetic concern",
        "consent": "not_recorded", "child-0-first_name": "Ari", "child-0-last_name": "Oldest",
        "child-0-match": "new"}


def contacts_stored(db: Callable[[], Any]) -> int:
    with db() as session:
        return int(session.scalar(select(func.count()).select_from(ContactRow)) or 0)


def test_a_contact_received_years_ago_is_asked_about_then_recorded_once_confirmed(
        signed_in: Callable[[str], Browser], db: Callable[[], Any]) -> None:
    worker = signed_in("worker")
    form = FORM | {"received_at": "2019-03-04T09:00"}

    asked = worker.post("/contacts/new", form)

    body = text_of(asked)
    assert asked.status_code == 422
    assert re.match(r"This contact would have been received \d+ years ago: is the date "
                    r"right\?", error_summary(body)["received_at"])
    assert 'name="confirmed" type="checkbox" value="received_at"' in body
    assert contacts_stored(db) == 0

    confirmed = worker.post("/contacts/new", form | {"confirmed": "received_at"})

    assert confirmed.status_code == 302
    assert contacts_stored(db) == 1


def test_a_child_who_would_be_19_is_asked_about_at_the_date_of_birth(
        signed_in: Callable[[str], Browser], db: Callable[[], Any]) -> None:
    worker = signed_in("worker")
    form = FORM | {"received_at": "", "child-0-date_of_birth": "1990-06-01"}
    form["received_at"] = datetime.now(LONDON).strftime("%Y-%m-%dT%H:%M")

    asked = worker.post("/contacts/new", form)

    summary = error_summary(text_of(asked))
    assert asked.status_code == 422
    assert re.match(r"This child would be 3\d: is the date of birth right\?",
                    summary["child-0-date_of_birth"])
    assert contacts_stored(db) == 0
    assert worker.post("/contacts/new", form | {
        "confirmed": "children.0.date_of_birth"}).status_code == 302


def test_concerns_over_the_limit_say_the_limit(signed_in: Callable[[str], Browser]) -> None:
    response = signed_in("worker").post("/contacts/new", FORM | {
        "received_at": datetime.now(LONDON).strftime("%Y-%m-%dT%H:%M"),
        "concerns": "x" * 10_001})

    assert response.status_code == 422
    assert "10,000 characters or fewer" in error_summary(text_of(response))["concerns"]
