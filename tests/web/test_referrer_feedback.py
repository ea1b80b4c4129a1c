"""Feedback to the referrer is a recorded message: how it was given and its words, on the
timeline, and it stops the feedback clock. Told by (secure) email with the referrer's
address, it is also queued once in the notification outbox and sent once, and the
timeline says so; told any other way it is recorded only."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from reporting.contact_page import EventLine
from reporting.referrer_messages import Delivery
from tests.web.conftest import Browser, Contacts, all_counts, store_of, text_of
from tests.web.test_one_command_path import error_summary
from web.notify import FileSink, Wording, deliver_pending
from web.views import sending
from workflow.oversight.escalation import load_policy
from workflow.persistence.tables_oversight import NotificationRow
from workflow.stages import Stage


def test_the_message_to_the_referrer_is_kept_on_the_timeline(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.ASSESSMENT)
    worker = signed_in("social_worker")
    words = "We are assessing the family's needs; the allocated worker will call you."

    done = worker.post(f"/contacts/{contact}/actions/give_referrer_feedback",
                       {"version": str(contacts.version(contact)), "method": "secure_email",
                        "reason": words}, follow_redirects=True)

    body = html.unescape(text_of(done))
    timeline = body[body.index(">Timeline</h2>"):]
    assert words in timeline and "Secure email" in timeline


def test_feedback_without_its_words_says_what_to_write(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.ASSESSMENT)

    refused = signed_in("social_worker").post(
        f"/contacts/{contact}/actions/give_referrer_feedback",
        {"version": str(contacts.version(contact)), "method": "phone"})

    assert refused.status_code == 422
    assert error_summary(text_of(refused))["reason"] == "Write what the referrer was told."


# -- sent to the referrer by email ---------------------------------------------------------

ADDRESS = "rowan.officer@police.example"
WORDS = "The family are being offered early help; the school will be in touch."
DELIVERED = datetime(2026, 12, 1, 10, 31, tzinfo=UTC)  # Tuesday, London is on GMT


def _record(worker: Browser, contacts: Contacts, contact: int, **fields: str) -> TestResponse:
    return worker.post(f"/contacts/{contact}/actions/give_referrer_feedback",
                       {"version": str(contacts.version(contact)), "reason": WORDS, **fields},
                       follow_redirects=True)


def _sweep(app: Flask) -> int:
    result = store_of(app).sweep(datetime.now(UTC), load_policy(app.config["CONFIG_DIR"]))
    return result.referrer_messages


def _timeline(page: TestResponse) -> str:
    body = html.unescape(text_of(page))
    return body[body.index(">Timeline</h2>"):]


def _recorded(session: Session) -> dict[str, int]:
    """Every table's rows but the access log (showing the refused form is a viewing)."""
    return {k: v for k, v in all_counts(session).items() if k != "access_log"}


def _feedback_notes(db: Callable[[], Session]) -> list[NotificationRow]:
    with db() as session:
        return list(session.scalars(select(NotificationRow).where(
            NotificationRow.kind == "feedback")))


def test_feedback_by_secure_email_is_queued_once_and_sent_once_and_the_page_says_so(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session], tmp_path: Path) -> None:
    contact = contacts.at(Stage.ASSESSMENT)
    worker = signed_in("social_worker")

    recorded = _record(worker, contacts, contact, method="secure_email", referrer_email=ADDRESS)
    assert "Not sent yet" in _timeline(recorded)
    assert (_sweep(app), _sweep(app)) == (1, 0)  # the second sweep queues nothing more
    [note] = _feedback_notes(db)
    assert (note.recipient, note.contact_id) == (ADDRESS, contact)
    assert WORDS in note.body

    store, sent_to = store_of(app), tmp_path / "outbox.log"
    sends = [deliver_pending(store.outbox, FileSink(sent_to), Wording({}, "http://x"),
                             lambda: DELIVERED) for _ in range(2)]

    assert sends == [1, 0]  # a second delivery run sends nothing more
    [line] = sent_to.read_text(encoding="utf-8").splitlines()
    assert f"Feedback on your referral: FD{contact:07d}" in line
    assert ADDRESS not in line and WORDS not in line  # the outbox line holds neither
    page = _timeline(worker.get(f"/contacts/{contact}"))
    assert ("Sent by secure email to r…@police.example on Tuesday 1 December 2026 at "
            "10:31am") in page
    assert "Not sent yet" not in page


def test_feedback_by_phone_is_recorded_only(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact = contacts.at(Stage.ASSESSMENT)

    recorded = _record(signed_in("social_worker"), contacts, contact, method="phone",
                       referrer_email=ADDRESS)

    assert _sweep(app) == 0 and _feedback_notes(db) == []
    timeline = _timeline(recorded)
    assert WORDS in timeline and "Not sent yet" not in timeline and "Sent by" not in timeline


def test_a_referrer_email_address_that_is_not_one_is_refused_and_nothing_recorded(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact = contacts.at(Stage.ASSESSMENT)
    with db() as session:
        before = _recorded(session)

    refused = signed_in("social_worker").post(
        f"/contacts/{contact}/actions/give_referrer_feedback",
        {"version": str(contacts.version(contact)), "method": "email", "reason": WORDS,
         "referrer_email": "rowan at police"})

    assert refused.status_code == 422
    assert 'name="referrer_email" type="email"' in refused.get_data(as_text=True)
    assert html.unescape(error_summary(text_of(refused))["referrer_email"]) == (
        "Enter the referrer's email address in the right format, like name@police.example.")
    assert _sweep(app) == 0
    with db() as session:
        assert _recorded(session) == before


def test_feedback_that_could_not_be_sent_says_why_without_the_servers_words() -> None:
    event = EventLine(7, "give_referrer_feedback", "assessment", "assessment", "social.worker",
                      "social_worker", DELIVERED, WORDS,
                      {"method": "email", "reason": WORDS, "referrer_email": ADDRESS})
    refused = Delivery(ADDRESS, None, True, f"SmtpRefused: notification 9: <{ADDRESS}> refused")
    no_template = Delivery(ADDRESS, None, True, "NoTemplate: notification 9: no template")

    assert sending(event, refused) == {"Email to the referrer": (
        "Could not be sent: the email service refused it. Tell the referrer another way and "
        "record it")}
    assert sending(event, no_template)["Email to the referrer"].startswith(
        "Could not be sent: no GOV.UK Notify template is set up for feedback to referrers.")
    assert sending(event, Delivery(ADDRESS, None, False, "")) == {
        "Email to the referrer": "Not sent yet"}
