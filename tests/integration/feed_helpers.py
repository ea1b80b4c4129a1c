"""Helpers for the DfE feed tests: build a feed from a database, accept it as the DfE would,
and make the changes a person would (through the commands) or a bad import would (rows)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from reporting.dfe_feed import build_feed
from workflow.feed.ports import Answer
from workflow.feed.records import Feed, FeedKind
from workflow.feed.sender import RunResult, send_feed
from workflow.people.commands import UpdatePerson
from workflow.people.rules import load_people_rules
from workflow.persistence.feed_log import SqlFeedLog
from workflow.persistence.tables import ContactRow
from workflow.ports import UnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import DEFAULT_CONFIG, Rules
from workflow.services import handle

EDITOR = Actor("fd.worker", Role.FRONT_DOOR_WORKER)


def feed(engine: Engine, kind: FeedKind, as_at: datetime) -> Feed:
    with Session(engine.execution_options(readonly=True)) as session:
        return build_feed(session, kind, as_at, PEOPLE)


#: The shipped identifier rules (the census's and the feed's UPN-unknown reasons).
PEOPLE = load_people_rules(DEFAULT_CONFIG)


class AcceptEverything:
    """The DfE as a fake that takes every batch (for tests about what is sent)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def token(self) -> str:
        return "fake-token"

    def submit(self, body: bytes, batch_id: str, token: str) -> Answer:
        self.bodies.append(body)
        return Answer(200, receipt="00000000-0000-4000-8000-000000000000")


def accept(engine: Engine, sent: Feed, at: datetime) -> RunResult:
    """Send ``sent`` to a DfE that takes it all, through the real send log."""
    return send_feed(sent, AcceptEverything(), SqlFeedLog(sessionmaker(engine)), lambda: at,
                     lambda seconds: None)


def child_of(engine: Engine, contact_id: int) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(ContactRow.child_id)
                                  .where(ContactRow.id == contact_id)) or 0)


def update_person(uow_factory: Callable[[], UnitOfWork], rules: Rules, person_id: int,
                  changes: dict[str, Any], now: datetime, reason: str = "") -> None:
    with uow_factory() as uow:
        version = uow.people.get(person_id).version
    handle(uow_factory(), rules, UpdatePerson(person_id, changes, reason or "Corrected",
                                              EDITOR, now, version))


def by_child(sent: Feed) -> dict[str, dict[str, Any]]:
    return {r.la_child_id: r.body for r in sent.records}
