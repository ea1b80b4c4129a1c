"""The breach dashboard counts partner agencies' overdue information requests by agency,
and each number opens the requests behind it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts, text_of
from tests.web.test_mash_pages import HEALTH_QUESTION, POLICE_QUESTION, ask
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.stages import Stage


def _words(markup: str) -> str:
    """The page as a reader hears it: tags dropped, white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(markup)))


def _due(db: Callable[[], Session], request_id: int, due: datetime) -> None:
    with db() as session:
        session.execute(update(InfoRequestRow).where(InfoRequestRow.id == request_id)
                        .values(due_at=due))
        session.commit()


def test_overdue_police_request_is_counted_under_police_and_listed_behind_the_number(
        app: Flask, contacts: Contacts, db: Callable[[], Session],
        signed_in: Callable[[str], Browser]) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING, "Robin", "Zebedee")
    police = ask(app, contact_id, "police", POLICE_QUESTION)
    health = ask(app, contact_id, "health", HEALTH_QUESTION)
    now = datetime.now(UTC)
    _due(db, police, now - timedelta(hours=3))
    _due(db, health, now + timedelta(hours=2))
    manager = signed_in("manager")
    page = _words(text_of(manager.get("/oversight")))
    section = page[page.index("Information requests to partner agencies"):]
    health_services = "Health services (ICB, GP, health visiting, school nursing, hospital)"
    assert "Police 1 breached, Police 0 at risk, Police" in section
    assert f"{health_services} 0 breached, {health_services} 1 at risk, {health_services}" \
        in section
    listed = manager.get("/oversight/requests?state=breached&agency=police")
    assert listed.status_code == 200
    assert f"FD{contact_id:07d}" in _words(text_of(listed))
    assert "1 open request, soonest due first" in _words(text_of(listed))
    assert "Agency requests breached: Police" in _words(text_of(listed))
    none = manager.get("/oversight/requests?state=breached&agency=health")
    assert "0 open requests, soonest due first" in _words(text_of(none))


def test_a_worker_cannot_open_the_agency_request_lists_and_a_bad_state_is_a_400(
        signed_in: Callable[[str], Browser]) -> None:
    assert signed_in("worker").get("/oversight/requests").status_code == 403
    assert signed_in("manager").get("/oversight/requests?state=bogus").status_code == 400
