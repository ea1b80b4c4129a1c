"""Record scope: each caseworker opens the front door's work, their teams' cases and their
own, and nothing else without breaking the glass: a reason, logged and reported.

The same rule holds on every route that names a contact or a child (pages and API alike,
checked once before any view runs), on the lists (the queue and the API's list show only
what the person may open), and for the people who have no cases at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts
from tests.web.test_pages import page, queue_refs, ref
from workflow.persistence.tables import AccessLogRow, ContactRow
from workflow.stages import Stage

#: Routes naming one contact, as the page and the API serve it.
CONTACT_ROUTES = ("/contacts/{id}", "/api/v1/contacts/{id}", "/api/v1/contacts/{id}/chronology")
#: Routes naming one child.
CHILD_ROUTES = ("/people/{child}", "/children/{child}/chronology", "/api/v1/people/{child}")


@pytest.fixture
def elsewhere(contacts: Contacts, db: Callable[[], Session]) -> tuple[int, int]:
    """(contact, child) of a case held by another team: past the front door, allocated to
    the builders' assessment team, whose only member here is the social worker."""
    contact_id = contacts.at(Stage.SCREENING, "Elsa", "Where")
    contacts.fire(contact_id, "pass_to_allocated_worker")
    contacts.fire(contact_id, "allocate", who="manager")  # assessment-north / social.worker
    with db() as session:
        row = session.get(ContactRow, contact_id)
        assert row is not None and row.child_id is not None
        return contact_id, row.child_id


def _outcomes(db: Callable[[], Session], child_id: int) -> list[tuple[str, str]]:
    with db() as session:
        return [(r.username, r.outcome) for r in session.scalars(
            select(AccessLogRow).where(AccessLogRow.child_id == child_id)
            .order_by(AccessLogRow.id))]


def _held_by_another_team(contacts: Contacts) -> int:
    """A case past the front door, allocated to a team none of the test people is in."""
    contact_id = contacts.at(Stage.ASSESSMENT, "Otto", "Team")
    contacts.fire(contact_id, "allocate", who="manager", team="front-door",
                  worker="fd.worker")
    return contact_id


@pytest.mark.parametrize("route", CONTACT_ROUTES)
def test_a_social_worker_is_refused_the_front_doors_work_and_it_is_logged(
        route: str, signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING, "Fran", "Front")
    with db() as session:
        child_id = session.get(ContactRow, contact_id).child_id  # type: ignore[union-attr]

    response = signed_in("social_worker").get(route.format(id=contact_id))

    assert response.status_code == 403
    assert "Fran" not in response.get_data(as_text=True)
    assert ("social.worker", "outside_scope") in _outcomes(db, child_id)


@pytest.mark.parametrize("route", CHILD_ROUTES)
def test_a_childs_records_are_refused_outside_every_one_of_their_contacts(
        route: str, signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING, "Fran", "Front")
    with db() as session:
        child_id = session.get(ContactRow, contact_id).child_id  # type: ignore[union-attr]

    refused = signed_in("social_worker").get(route.format(child=child_id))
    allowed = signed_in("worker").get(route.format(child=child_id))

    assert (refused.status_code, allowed.status_code) == (403, 200)


def test_the_front_door_sees_its_work_and_its_hand_overs_but_not_another_teams_case(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        elsewhere: tuple[int, int]) -> None:
    at_front_door = contacts.at(Stage.SCREENING, "Fran", "Front")
    held = _held_by_another_team(contacts)
    worker = signed_in("worker")
    social_worker = signed_in("social_worker")

    assert worker.get(f"/contacts/{at_front_door}").status_code == 200
    assert worker.get(f"/contacts/{elsewhere[0]}").status_code == 200  # passed on by it
    assert worker.get(f"/contacts/{held}").status_code == 200  # its own team's
    assert social_worker.get(f"/contacts/{held}").status_code == 403
    assert social_worker.get(f"/contacts/{elsewhere[0]}").status_code == 200  # their team's


def test_lists_show_only_what_the_person_may_open(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    front = contacts.at(Stage.SCREENING, "Fran", "Front")
    theirs = contacts.at(Stage.ASSESSMENT, "Sol", "Case")  # allocated to the social worker
    held = _held_by_another_team(contacts)
    social_worker = signed_in("social_worker")

    page_refs = set(queue_refs(social_worker.get("/queue?scope=all")))
    api_refs = {c["reference"] for c in social_worker.get(
        "/api/v1/contacts").get_json()["contacts"]}

    assert ref(theirs) in page_refs and ref(theirs) in api_refs
    assert not {ref(front), ref(held)} & (page_refs | api_refs)
    manager_refs = set(queue_refs(signed_in("manager").get("/queue")))
    assert {ref(front), ref(theirs), ref(held)} <= manager_refs  # a manager: the service


def test_breaking_the_glass_needs_a_reason_opens_the_child_and_is_reported(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    held = _held_by_another_team(contacts)
    with db() as session:
        child_id = session.get(ContactRow, held).child_id  # type: ignore[union-attr]
    social_worker = signed_in("social_worker")
    refused = page(social_worker.get(f"/contacts/{held}"))
    assert f'action="/access/contacts/{held}"' in refused

    short = social_worker.post(f"/access/contacts/{held}", {"reason": "need it"})
    assert short.status_code == 422
    assert "at least 10" in page(short)
    assert social_worker.get(f"/contacts/{held}").status_code == 403  # nothing opened

    reason = "Covering for a colleague on leave: the child is in the office now"
    opened = social_worker.post(f"/access/contacts/{held}", {"reason": reason})
    assert opened.headers["Location"] == f"/contacts/{held}"
    assert social_worker.get(f"/contacts/{held}").status_code == 200
    assert social_worker.get(f"/people/{child_id}").status_code == 200  # the child, wholly
    assert ("social.worker", "break_glass") in _outcomes(db, child_id)

    report = page(signed_in("manager").get("/oversight/access"))
    assert reason in report and "Sol Worker" in report


def test_a_manager_reads_and_exports_who_viewed_a_child(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING, "Vic", "Viewed")
    with db() as session:
        child_id = session.get(ContactRow, contact_id).child_id  # type: ignore[union-attr]
    signed_in("worker").get(f"/contacts/{contact_id}")
    signed_in("social_worker").get(f"/contacts/{contact_id}")  # refused: logged too
    manager = signed_in("manager")

    history = page(manager.get(f"/oversight/access/people/{child_id}"))
    exported = manager.get(f"/oversight/access/people/{child_id}.csv")

    assert "Dee Worker" in history and "Refused (outside their cases)" in history
    assert exported.headers["Content-Disposition"].startswith(
        f'attachment; filename="access-{child_id}-')
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0][:3] == ["When (UK time)", "Who", "Username"]
    assert {"fd.worker", "social.worker"} <= {r[2] for r in rows[1:]}
    assert signed_in("worker").get(f"/oversight/access/people/{child_id}").status_code == 403


def test_partners_and_administrators_open_no_case(
        signed_in: Callable[[str], Browser], contacts: Contacts, app: Flask) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    for who in ("partner", "admin"):
        assert signed_in(who).get(f"/contacts/{contact_id}").status_code == 403
