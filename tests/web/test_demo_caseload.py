"""The demo looks like a live front door to someone trying it: each demo user signs in to
a first page with work on it (the Family Help practitioner included), and most running
clocks are on time, with a few breached, not nearly all of them.

Why: a trial user signed in as the Family Help practitioner to an empty list, and saw
almost every contact overdue, which is neither what a working service looks like nor a
fair picture of the breach dashboard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from freezegun import freeze_time
from sqlalchemy import func, select

from tests.web.conftest import sign_in, store_of
from web.demo import DemoSpec, load_demo
from web.users import DEMO_USERS, load_demo_users
from workflow.persistence.tables import ClockRow

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PASSWORD = "Demo-Caseload-Correct-7"
#: What a row of each start page links to: a contact, a partner's request (its answer
#: form), an audit, a user; the head of service's start is a table of the teams.
WORK = re.compile(r'(?:href|action)="/(?:contacts|inbox/requests|audits|admin/users)/\d+'
                  r'|<td class="govuk-table__cell')


@pytest.fixture
def demo(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app with the demo users (a known password) and 150 demo contacts, at NOW."""
    monkeypatch.setenv("FRONTDOOR_DEMO_PASSWORD", PASSWORD)
    with freeze_time(NOW, tick=True):
        store = store_of(app)
        load_demo_users(store.accounts)
        for _ in load_demo(app.extensions["uow"], app.extensions["rules"],
                           DemoSpec(contacts=150, seed=1), NOW, store.read):
            pass
        yield app


def test_every_demo_user_signs_in_to_a_first_page_with_work_on_it(demo: Flask) -> None:
    empty = []
    for username, _name, role, _team, _agency in DEMO_USERS:
        client = demo.test_client()
        assert sign_in(client, username, PASSWORD).status_code == 302, username
        page = client.get("/", follow_redirects=True)
        assert page.status_code == 200, f"{username}: {page.status_code}"
        if not WORK.search(page.get_data(as_text=True)):
            empty.append(f"{username} ({role.value}) at {page.request.path}")
    assert not empty, "first pages with nothing on them: " + ", ".join(empty)


def test_the_family_help_practitioner_holds_families_handed_over_by_the_front_door(
        demo: Flask) -> None:
    client = demo.test_client()
    sign_in(client, "demo.familyhelp", PASSWORD)
    html = client.get("/queue").get_data(as_text=True)
    assert len(set(re.findall(r'href="/contacts/\d+"', html))) >= 3


def test_most_running_clocks_are_on_time_and_only_a_few_breached(demo: Flask) -> None:
    store = store_of(demo)
    with store.read() as session:
        running = session.scalar(select(func.count()).select_from(ClockRow)
                                 .where(ClockRow.stopped_at.is_(None))) or 0
        breached = session.scalar(select(func.count()).select_from(ClockRow)
                                  .where(ClockRow.stopped_at.is_(None),
                                         ClockRow.due_at < NOW)) or 0
    assert running > 100  # a live caseload, not a closed archive
    assert 0 < breached < 0.25 * running  # some breaches to show, far from all
