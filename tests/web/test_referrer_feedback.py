"""Feedback to the referrer is a recorded message: how it was given and its words, on the
timeline, and it stops the feedback clock."""

from __future__ import annotations

import html
from collections.abc import Callable

from tests.web.conftest import Browser, Contacts, text_of
from tests.web.test_one_command_path import error_summary
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
