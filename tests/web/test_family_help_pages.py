"""The Family Help transfer as each role meets it: the front door hands over, the service's
lead practitioner answers, a returned transfer is back in its sender's queue."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from tests.web.conftest import Browser, Contacts, text_of
from workflow.persistence.tables import ContactRow
from workflow.stages import Stage


def _handed_over(contacts: Contacts) -> int:
    contact_id = contacts.at(Stage.EARLY_HELP)  # the front door decided early help
    contacts.fire(contact_id, "step_down", who="worker")  # to fh-north, Fay Helper
    return contact_id


def test_the_lead_practitioner_sees_the_transfer_and_may_answer_it(
        contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    contact_id = _handed_over(contacts)
    helper = signed_in("family_help")

    page = text_of(helper.get(f"/contacts/{contact_id}"))

    assert "Family Help North" in page and "Waiting for the service to accept" in page
    assert "Accept the family into Family Help" in page
    assert "Return the transfer to its sender" in page


def test_a_returned_transfer_goes_back_to_the_sender_with_the_reason(
        contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    contact_id = _handed_over(contacts)
    contacts.fire(contact_id, "return_transfer", who="family_help",
                  reason="The family lives outside our area")

    worker = signed_in("worker")
    queue = text_of(worker.get("/queue?scope=mine"))
    page = text_of(worker.get(f"/contacts/{contact_id}"))

    assert f"FD{contact_id:07d}" in queue
    assert "Returned by the service" in page and "The family lives outside our area" in page
    assert "Step down to Family Help" in page  # the sender may send it elsewhere


def test_a_social_worker_outside_the_service_may_not_open_the_transfer(
        contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    contact_id = _handed_over(contacts)

    response = signed_in("social_worker").get(f"/contacts/{contact_id}")

    assert response.status_code == 403


def test_the_kpi_page_and_its_download_carry_the_family_help_measures(
        contacts: Contacts, signed_in: Callable[[str], Browser]) -> None:
    contact_id = _handed_over(contacts)
    contacts.fire(contact_id, "accept_transfer", who="family_help")
    manager = signed_in("manager")

    body = text_of(manager.get("/oversight/kpis"))
    download = manager.get("/oversight/kpis.csv")

    assert "Step downs to Family Help (target 20 a month or more)" in body
    assert "Time for a Family Help service to accept a transfer (target 2 working days or " \
           "lower)" in body
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = text_of(download).splitlines()
    assert rows[0].startswith("KPI,Month,Counted,Out of,Figure,Unit,Target")
    this_month = [r for r in rows if r.startswith("Step downs to Family Help,")][-1]
    assert ",1,1,1.0,a month,20," in this_month


def test_a_worker_may_not_download_the_kpis(signed_in: Callable[[str], Browser]) -> None:
    assert signed_in("worker").get("/oversight/kpis.csv").status_code == 403


def test_a_step_up_shows_the_family_help_episode_on_the_new_contact(
        contacts: Contacts, signed_in: Callable[[str], Browser], app: Flask) -> None:
    contact_id = _handed_over(contacts)
    contacts.fire(contact_id, "accept_transfer", who="family_help")
    contacts.fire(contact_id, "step_up", who="manager", reason="Neglect escalating")
    with app.extensions["store"].read() as db:
        new_id = db.scalar(select(ContactRow.id).where(ContactRow.linked_contact_id == contact_id))

    body = text_of(signed_in("worker").get(f"/contacts/{new_id}"))

    card = body[body.index('id="stepped-up-from"'):]
    assert "The Family Help this contact was stepped up from" in body
    assert "Family Help North" in card and "Accepted by the service" in card
    assert "Fay Helper" in card
