"""The notifications page speaks in words: the timescale's title, the contact reference and
the due time in London, never a rule id such as ``contact_decision``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts, store_of, text_of
from workflow.oversight.escalation import load_policy
from workflow.oversight.messages import due_words
from workflow.persistence.tables import ClockRow


def test_a_team_manager_reads_an_overdue_decision_in_words_and_opens_the_contact(
        app: Flask, contacts: Contacts, signed_in: Callable[[str], Browser],
        db: Callable[[], Session]) -> None:
    contact_id = contacts.one(ago=timedelta(days=10))
    store_of(app).sweep(datetime.now(UTC), load_policy(app.config["CONFIG_DIR"]))
    with db() as session:
        due_at = session.scalar(select(ClockRow.due_at).where(
            ClockRow.contact_id == contact_id, ClockRow.rule == "contact_decision"))
    assert due_at is not None

    page = signed_in("manager").get("/notifications")

    text = text_of(page)
    assert page.status_code == 200
    assert (f"Decision on a contact is overdue: FD{contact_id:07d}, due {due_words(due_at)}"
            in text)
    assert "Overdue" in text
    assert "contact_decision" not in page.get_data(as_text=True)
    assert f'href="/contacts/{contact_id}"' in page.get_data(as_text=True)
    assert "Alex" not in text  # the child's name is never in a notification
