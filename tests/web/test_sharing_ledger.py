"""A child's information-sharing ledger as a manager reads and exports it: every request and
answer in time order with its basis, what was shared and why not, who decided and who
authorised; refused to everyone else; each view and export in the access log; a CSV whose
name carries no personal data and whose cells cannot run as formulas."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from freezegun import freeze_time
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts
from tests.web.test_mash_pages import page
from workflow.persistence.tables import AccessLogRow, ContactRow
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")
FIRST, LAST = "Wren", "Ledgerwood"
QUESTION = "Any call-outs to the address in the last year? (synthetic)"
REASON = "An investigation is live; telling the family would alert a suspect (synthetic)"


def _child(app: Flask, contact_id: int) -> int:
    with app.extensions["uow"]() as uow:
        return int(uow.session.get(ContactRow, contact_id).child_id)


def _ask(contacts: Contacts, contact_id: int, agency: str, question: str,
         authorised_by: str = "Mo Manager, team manager") -> None:
    contacts.fire(contact_id, "request_information", agency=agency, question=question,
                  lawful_basis="s47_enquiry", authorised_by=authorised_by)


def _open_requests(app: Flask, contact_id: int) -> list[int]:
    with app.extensions["uow"]() as uow:
        return [int(r.id) for r in uow.contacts.get(contact_id).open_requests]


@pytest.fixture
def answered(app: Flask, contacts: Contacts, signed_in: Callable[[str], Browser]) -> int:
    """A child whose contact asked the police and health; the police did not share."""
    contact_id = contacts.at(Stage.INFORMATION_GATHERING, FIRST, LAST)
    _ask(contacts, contact_id, "police", QUESTION)
    _ask(contacts, contact_id, "health", "Registered with a GP? (synthetic)")
    police = min(_open_requests(app, contact_id))
    response = signed_in("partner").post(f"/inbox/requests/{police}/answer", {
        "sharing": "not_shared", "not_shared_reason": REASON,
        "decided_by_name": "Insp. Example", "decided_by_role": "Public protection inspector"})
    assert response.status_code == 302
    return _child(app, contact_id)


def _rows(response: object) -> list[list[str]]:
    return list(csv.reader(io.StringIO(page(response))))


@pytest.mark.parametrize("who", ["manager", "chair"])
def test_a_manager_reads_every_request_and_answer_in_time_order(
        signed_in: Callable[[str], Browser], answered: int, who: str) -> None:
    response = signed_in(who).get(f"/people/{answered}/sharing")

    assert response.status_code == 200
    body = page(response)
    assert f"{FIRST} {LAST}" in body
    assert body.count("Asked of the agency") == 2 and body.count("Answered by the agency") == 1
    assert body.index(QUESTION) < body.index("Registered with a GP?") < body.index(REASON)
    assert "Section 47 enquiry (Children Act 1989 s47)" in body
    assert "Not shared" in body and "Insp. Example, Public protection inspector" in body
    assert "Mo Manager, team manager" in body


@pytest.mark.parametrize("who", ["worker", "social_worker", "partner", "admin"])
def test_anyone_but_a_manager_is_refused_the_ledger_and_its_export_and_it_is_logged(
        signed_in: Callable[[str], Browser], answered: int, db: Callable[[], Session],
        who: str) -> None:
    browser = signed_in(who)

    for path in (f"/people/{answered}/sharing", f"/people/{answered}/sharing.csv"):
        response = browser.get(path)
        assert response.status_code == 403, path
        assert REASON not in page(response)
    with db() as session:
        logged = session.scalars(select(AccessLogRow.outcome).where(
            AccessLogRow.route.like("/people/<int:person_id>/sharing%"))).all()
    assert logged == ["denied", "denied"]


def test_each_view_and_export_is_written_to_the_access_log(
        signed_in: Callable[[str], Browser], answered: int, db: Callable[[], Session]) -> None:
    manager = signed_in("manager")

    manager.get(f"/people/{answered}/sharing")
    manager.get(f"/people/{answered}/sharing.csv")

    with db() as session:
        rows = session.scalars(select(AccessLogRow).where(
            AccessLogRow.username == "team.manager").order_by(AccessLogRow.id)).all()
    assert [(r.child_id, r.route, r.outcome) for r in rows] == [
        (answered, "/people/<int:person_id>/sharing", "viewed"),
        (answered, "/people/<int:person_id>/sharing.csv", "exported")]


def test_the_export_is_an_attachment_named_without_personal_data(
        signed_in: Callable[[str], Browser], answered: int) -> None:
    manager = signed_in("manager")
    moment = datetime.now(UTC)  # the session is live only now, so the day is today's

    with freeze_time(moment):
        response = manager.get(f"/people/{answered}/sharing.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    day = moment.astimezone(LONDON).date()  # the London day, not the UTC one
    assert disposition == (f'attachment; filename="information-sharing-{answered}-'
                           f'{day:%Y-%m-%d}.csv"')
    assert FIRST.lower() not in disposition.lower() and LAST.lower() not in disposition.lower()


def test_the_export_holds_one_row_per_request_and_answer_with_the_ledgers_columns(
        signed_in: Callable[[str], Browser], answered: int) -> None:
    rows = _rows(signed_in("manager").get(f"/people/{answered}/sharing.csv"))

    assert rows[0] == ["Date and time (UK)", "Contact", "Request", "Agency", "Direction",
                       "Question (summary)", "Lawful basis", "Basis detail", "Shared",
                       "Reason not shared", "Decided by (name, role)",
                       "Request authorised by", "Recorded by"]
    assert [r[4] for r in rows[1:]] == ["Asked of the agency", "Asked of the agency",
                                        "Answered by the agency"]
    answer = rows[3]
    assert (answer[3], answer[8], answer[9], answer[10], answer[11], answer[12]) == (
        "Police", "Not shared", REASON, "Insp. Example, Public protection inspector",
        "Mo Manager, team manager", "Pat Police")
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", answer[0])


def test_text_that_a_spreadsheet_would_run_is_written_as_text(
        app: Flask, contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING, FIRST, LAST)
    _ask(contacts, contact_id, "police", '=HYPERLINK("http://evil.example","x")',
         authorised_by="@boss")
    [police] = _open_requests(app, contact_id)
    signed_in("partner").post(f"/inbox/requests/{police}/answer", {
        "sharing": "not_shared", "not_shared_reason": "+cmd|' /C calc'!A0",
        "decided_by_name": "-Insp. Example", "decided_by_role": "Inspector"})

    response = signed_in("manager").get(f"/people/{_child(app, contact_id)}/sharing.csv")

    cells = [cell for row in _rows(response) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells
    assert "'@boss" in cells and "'+cmd|' /C calc'!A0" in cells
    assert "'-Insp. Example, Inspector" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]


def test_the_person_page_links_the_ledger_for_managers_only(
        signed_in: Callable[[str], Browser], answered: int) -> None:
    link = f'href="/people/{answered}/sharing"'

    assert link in page(signed_in("manager").get(f"/people/{answered}"))
    assert link not in page(signed_in("worker").get(f"/people/{answered}"))


def test_a_child_nobody_asked_about_has_an_empty_ledger_and_an_unknown_id_is_404(
        app: Flask, contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    child = _child(app, contacts.one(FIRST, LAST))
    manager = signed_in("manager")

    assert "No information has been requested about this child." in page(
        manager.get(f"/people/{child}/sharing"))
    assert _rows(manager.get(f"/people/{child}/sharing.csv"))[1:] == []
    assert manager.get("/people/999999/sharing").status_code == 404
