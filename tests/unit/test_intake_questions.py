"""Which values at intake are asked about (confirm and continue), on literal dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workflow.intake.commands import NewContact, questions
from workflow.people.records import PersonDetails

NOW = datetime(2026, 12, 1, 10, 31, tzinfo=UTC)
TODAY = date(2026, 12, 1)


def intake(received: datetime, born: date | None = None,
           confirmed: frozenset[str] = frozenset()) -> NewContact:
    child = PersonDetails("Ari", "Example", date_of_birth=born)
    return NewContact(received, "6", [child], concerns="Synthetic", confirmed=confirmed)


@pytest.mark.parametrize(("received", "asked"), [
    (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), None),
    (datetime(2026, 9, 3, 9, 0, tzinfo=UTC), None),  # 89 days: still usual
    (datetime(2026, 8, 1, 9, 0, tzinfo=UTC), "received 122 days ago"),
    (datetime(2019, 3, 4, 9, 0, tzinfo=UTC), "received 7 years ago"),
])
def test_a_contact_received_long_ago_is_asked_about(received: datetime, asked: str | None
                                                     ) -> None:
    found = questions(intake(received), TODAY, NOW).get("received_at")
    assert (found is None) if asked is None else (found is not None and asked in found)


@pytest.mark.parametrize(("born", "asked"), [
    (date(2008, 12, 2), None),  # 17 until tomorrow
    (date(2008, 12, 1), "would be 18"),
    (date(2007, 6, 1), "would be 19"),
    (date(1900, 1, 1), "would be 126"),
])
def test_a_child_who_would_be_an_adult_is_asked_about(born: date, asked: str | None) -> None:
    found = questions(intake(NOW, born), TODAY, NOW).get("children.0.date_of_birth")
    assert (found is None) if asked is None else (found is not None and asked in found)


def test_a_confirmed_value_is_not_asked_again() -> None:
    sent = intake(datetime(2019, 3, 4, tzinfo=UTC), date(2007, 6, 1),
                  frozenset({"received_at", "children.0.date_of_birth"}))
    assert questions(sent, TODAY, NOW) == {}
