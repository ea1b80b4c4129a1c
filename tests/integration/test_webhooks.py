"""Outbound webhooks on SQLite and PostgreSQL, delivered over real HTTP to a stand-in
receiver that checks every signature: events of the client's own contacts only, retried
with backoff after a failure with the same event id, never a child's name, and given up
after the last attempt."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from tests.builders import FRONT_DOOR_WORKER, OnService, intake, walk_to
from tests.integration.webhook_receiver import Receiver, serve
from web.webhook_client import urllib_post
from workflow.intake.commands import RecordContact
from workflow.integrations.admin import create_client
from workflow.integrations.clients import ApiClient
from workflow.integrations.webhooks import MAX_ATTEMPTS, EventKind, Sent, new_secret
from workflow.people.records import PersonDetails
from workflow.persistence.integrations import SqlClients
from workflow.persistence.tables_integrations import WebhookDeliveryRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.persistence.webhooks import deliver_due_webhooks, subscribe
from workflow.roles import Actor, Role
from workflow.rules import Rules
from workflow.services import handle
from workflow.stages import Stage

CHILD = PersonDetails("Kit", "Madeup", date_of_birth=date(2019, 5, 1))
AGENCIES = ("police", "health")


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve(Receiver())


def _client(sessions: sessionmaker[Session], agency: str) -> ApiClient:
    client, _token = create_client(SqlClients(sessions), AGENCIES, f"{agency}-system", agency,
                                   "contacts:create contacts:read-own", "admin",
                                   datetime.now(UTC))
    return client


def _subscribe(sessions: sessionmaker[Session], client: ApiClient, url: str, secret: str,
               *events: EventKind) -> None:
    with sessions() as db:
        for event in events:
            subscribe(db, client.id, event, url, secret, datetime.now(UTC))
        db.commit()


def _sent_by(who: Actor, uow_factory: Callable[[], SqlUnitOfWork], rules: Rules,
             now: datetime) -> OnService:
    [made] = handle(uow_factory(), rules, RecordContact(intake(now - timedelta(hours=1), CHILD),
                                                        who, now))
    return OnService(uow_factory, rules, made["id"], made["version"], now)


def _deliveries(sessions: sessionmaker[Session]) -> list[tuple[str, str, int]]:
    with sessions() as db:
        return [(r.event, r.status, r.attempts) for r in db.scalars(
            select(WebhookDeliveryRow).order_by(WebhookDeliveryRow.id))]


def test_a_police_system_hears_of_its_own_contacts_signed_and_retried_after_a_failure(
        sessions: sessionmaker[Session], uow_factory: Callable[[], SqlUnitOfWork],
        rules: Rules, receiver: Receiver) -> None:
    police = _client(sessions, "police")
    receiver.secret, receiver.script = new_secret(), [500]
    _subscribe(sessions, police, receiver.url, receiver.secret,
               EventKind.CONTACT_CREATED, EventKind.CONTACT_DECIDED)
    now = datetime.now(UTC)
    as_police = Actor(police.actor_name, Role.FRONT_DOOR_WORKER, "police")
    sent = _sent_by(as_police, uow_factory, rules, now)
    walk_to(sent, Stage.ASSESSMENT)
    walk_to(_sent_by(FRONT_DOOR_WORKER, uow_factory, rules, now), Stage.ASSESSMENT)

    with sessions() as db:
        first = deliver_due_webhooks(db, now, urllib_post)
        too_soon = deliver_due_webhooks(db, now + timedelta(seconds=30), urllib_post)
        retried = deliver_due_webhooks(db, now + timedelta(seconds=61), urllib_post)

    assert (first.queued, first.delivered, first.retrying) == (2, 1, 1)
    assert (too_soon.queued, too_soon.delivered, too_soon.retrying) == (0, 0, 0)
    assert (retried.delivered, retried.retrying) == (1, 0)
    assert _deliveries(sessions) == [("contact.created", "delivered", 2),
                                     ("contact.decided", "delivered", 1)]
    assert all(d.signed for d in receiver.got)
    created, decided, again = (d.json() for d in receiver.got)
    assert created["id"] == again["id"] == receiver.got[2].event_id  # the receiver de-dups
    assert created["data"]["contact"]["id"] == sent.contact_id
    assert decided["type"] == "contact.decided"
    assert decided["data"]["decision"]["outcome"] == "referral_to_social_care"
    bodies = b"".join(d.body for d in receiver.got)
    assert b"Kit" not in bodies and b"Madeup" not in bodies and b"2019-05-01" not in bodies


def test_a_delivery_with_a_wrong_signature_is_refused_and_retried(
        sessions: sessionmaker[Session], uow_factory: Callable[[], SqlUnitOfWork],
        rules: Rules, receiver: Receiver) -> None:
    police = _client(sessions, "police")
    receiver.secret = new_secret()
    _subscribe(sessions, police, receiver.url, new_secret(), EventKind.CONTACT_CREATED)
    now = datetime.now(UTC)
    _sent_by(Actor(police.actor_name, Role.FRONT_DOOR_WORKER, "police"), uow_factory, rules,
             now)

    with sessions() as db:
        run = deliver_due_webhooks(db, now, urllib_post)

    assert (run.delivered, run.retrying) == (0, 1)
    assert [d.signed for d in receiver.got] == [False]


def test_another_agencys_contacts_are_never_queued_for_a_client(
        sessions: sessionmaker[Session], uow_factory: Callable[[], SqlUnitOfWork],
        rules: Rules) -> None:
    police, health = _client(sessions, "police"), _client(sessions, "health")
    _subscribe(sessions, police, "http://127.0.0.1:5119/unused", new_secret(),
               EventKind.CONTACT_CREATED)
    _sent_by(Actor(health.actor_name, Role.FRONT_DOOR_WORKER, "health"), uow_factory, rules,
             datetime.now(UTC))

    with sessions() as db:
        run = deliver_due_webhooks(db, datetime.now(UTC), lambda *_a: Sent(200))

    assert run.queued == 0 and _deliveries(sessions) == []


def test_a_receiver_that_never_answers_is_given_up_after_the_last_attempt(
        sessions: sessionmaker[Session], uow_factory: Callable[[], SqlUnitOfWork],
        rules: Rules) -> None:
    police = _client(sessions, "police")
    _subscribe(sessions, police, "http://127.0.0.1:5119/gone", new_secret(),
               EventKind.CONTACT_CREATED)
    now = datetime.now(UTC)
    _sent_by(Actor(police.actor_name, Role.FRONT_DOOR_WORKER, "police"), uow_factory, rules,
             now)
    attempts: list[datetime] = []

    def no_answer(*_args: object) -> Sent:
        attempts.append(at)
        return Sent(None)

    with sessions() as db:
        for hour in range(0, 24 * 7):
            at = now + timedelta(hours=hour)
            deliver_due_webhooks(db, at, no_answer)

    assert len(attempts) == MAX_ATTEMPTS
    assert _deliveries(sessions) == [("contact.created", "failed", MAX_ATTEMPTS)]


def test_a_health_system_hears_of_requests_to_its_agency_only_named_by_the_request(
        sessions: sessionmaker[Session], uow_factory: Callable[[], SqlUnitOfWork],
        rules: Rules) -> None:
    health, _token = create_client(SqlClients(sessions), AGENCIES, "health-trust", "health",
                                   "requests:read-own requests:answer", "admin",
                                   datetime.now(UTC))
    _subscribe(sessions, health, "http://127.0.0.1:5119/unused", new_secret(),
               EventKind.REQUEST_CREATED, EventKind.REQUEST_ANSWERED)
    now = datetime.now(UTC)
    driver = _sent_by(FRONT_DOOR_WORKER, uow_factory, rules, now)
    walk_to(driver, Stage.INFORMATION_GATHERING)
    asked = {"question": "Known to the health visitor?", "lawful_basis": "public_task",
             "authorised_by": "Team manager"}
    driver.fire("request_information", FRONT_DOOR_WORKER, asked | {"agency": "police"})
    driver.fire("request_information", FRONT_DOOR_WORKER, asked | {"agency": "health"})
    with sessions() as db:
        request_id = db.scalar(select(InfoRequestRow.id).where(
            InfoRequestRow.agency == "health"))
    driver.fire("answer_request", Actor("hal.health", Role.PARTNER, "health"),
                {"request_id": request_id, "sharing": "shared", "answer": "Seen at clinic",
                 "lawful_basis": "public_task"})
    got: list[bytes] = []

    with sessions() as db:
        deliver_due_webhooks(db, now, lambda _u, body, _h, _t: got.append(body) or Sent(204))

    created, answered = (json.loads(b) for b in got)
    assert (created["type"], answered["type"]) == ("request.created", "request.answered")
    assert created["data"]["request"]["id"] == answered["data"]["request"]["id"] == request_id
    assert answered["data"]["request"]["sharing"] == "shared"
    assert "contact" not in created["data"] and b"Seen at clinic" not in b"".join(got)


def test_the_worker_sends_webhooks_every_minute_without_anyone_running_a_command(
        sessions: sessionmaker[Session], uow_factory: Callable[[], SqlUnitOfWork],
        rules: Rules, receiver: Receiver, database_url: str) -> None:
    """In production nobody runs ``frontdoor webhooks deliver``: the background worker's
    scheduled job does, and a receiver hears of a contact within the minute."""
    from web.jobs import make_worker, registry
    from workflow.jobs.kinds import Every
    from workflow.persistence.store import open_store

    assert registry({}).get("webhooks").schedule == Every(1)
    police = _client(sessions, "police")
    receiver.secret = new_secret()
    _subscribe(sessions, police, receiver.url, receiver.secret, EventKind.CONTACT_CREATED)
    now = datetime.now(UTC)
    _sent_by(Actor(police.actor_name, Role.FRONT_DOOR_WORKER, "police"), uow_factory, rules, now)

    store = open_store(database_url)
    try:
        worker = make_worker(store, rules.config_dir, {}, lambda: rules, name="test-worker")
        ran = 0
        while worker.run_once() and ran < 20:
            ran += 1
    finally:
        store.close()

    assert [d.signed for d in receiver.got] == [True]
    assert _deliveries(sessions) == [("contact.created", "delivered", 1)]
