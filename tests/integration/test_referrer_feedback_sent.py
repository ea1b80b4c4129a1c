"""Feedback to the referrer, recorded as sent by secure email, goes to GOV.UK Notify (a
stand-in the test runs) once, through the notification outbox and its delivery job, on
SQLite and PostgreSQL; without a feedback template the job gives up at once and the
contact's record says it could not be sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from reporting.referrer_messages import Delivery, referrer_messages
from tests.builders import FRONT_DOOR_WORKER, payload, record_one, walk_to
from tests.integration import test_notification_delivery as breach_delivery
from tests.notify_standin import API_KEY, NotifyStandIn, notify_standin
from tests.web.test_gunicorn import free_port
from web.jobs import JobContext, enqueue_notes, registry
from workflow.jobs.worker import Worker
from workflow.oversight.escalation import load_policy
from workflow.persistence.store import Store
from workflow.persistence.tables import EventRow
from workflow.persistence.tables_jobs import JobRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import DEFAULT_CONFIG, Rules
from workflow.stages import Stage

RECEIVED = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
TOLD = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SWEPT = datetime(2026, 12, 1, 10, 5, tzinfo=UTC)
ADDRESS = "rowan.officer@police.example"
WORDS = "The family are being offered early help; the school will be in touch."
FEEDBACK_TEMPLATE = "44444444-4444-4444-8444-444444444444"
store = breach_delivery.store  # the same fixture: a Store opened on the test's database


@pytest.fixture
def notify() -> Iterator[NotifyStandIn]:
    with notify_standin(free_port()) as standin:
        yield standin


def _worker(store: Store, notify: NotifyStandIn, tmp_path: Path, rules: Rules,
            **templates: str) -> Worker:
    env = {"FRONTDOOR_NOTIFY_API_KEY": API_KEY, "FRONTDOOR_NOTIFY_BASE_URL": notify.url,
           **breach_delivery.TEMPLATES, **templates}
    ctx = JobContext(store, breach_delivery._config(tmp_path), env, lambda: rules,
                     clock=lambda: SWEPT)
    return Worker("w1", store.queue, registry(env), ctx, ctx.clock)


def _told_by_secure_email(uow_factory: Callable[[], SqlUnitOfWork], rules: Rules) -> int:
    driver = record_one(uow_factory, rules, RECEIVED, RECEIVED)
    walk_to(driver, Stage.ASSESSMENT)
    driver.now = TOLD
    driver.fire("give_referrer_feedback", FRONT_DOOR_WORKER, payload(
        "give_referrer_feedback", TOLD, method="secure_email", reason=WORDS,
        referrer_email=ADDRESS))
    return driver.contact_id


def _sweep_and_deliver(store: Store, worker: Worker) -> int:
    """One sweep, its delivery jobs queued and run; how many jobs were queued."""
    store.sweep(SWEPT, load_policy(DEFAULT_CONFIG))
    queued = enqueue_notes(worker.context)
    while worker.run_once():
        pass
    return queued


def _feedback_delivery(engine: Engine, contact_id: int) -> Delivery:
    with Session(engine) as session:
        seq = session.scalar(select(EventRow.seq).where(
            EventRow.contact_id == contact_id, EventRow.trigger == "give_referrer_feedback"))
        return referrer_messages(session, contact_id)[int(seq or 0)]


def test_feedback_by_secure_email_reaches_notify_once_with_the_words_recorded(
        engine: Engine, store: Store, notify: NotifyStandIn, tmp_path: Path, rules: Rules,
        uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    worker = _worker(store, notify, tmp_path, rules,
                     FRONTDOOR_NOTIFY_TEMPLATE_FEEDBACK=FEEDBACK_TEMPLATE)
    contact_id = _told_by_secure_email(uow_factory, rules)

    first = _sweep_and_deliver(store, worker)
    second = _sweep_and_deliver(store, worker)

    assert (first, second) == (1, 0)
    [email] = notify.emails
    assert (email["email_address"], email["template_id"]) == (ADDRESS, FEEDBACK_TEMPLATE)
    assert email["personalisation"]["reference"] == f"FD{contact_id:07d}"
    assert WORDS in email["personalisation"]["message"]
    assert _feedback_delivery(engine, contact_id) == Delivery(ADDRESS, SWEPT, False, "")


def test_without_a_feedback_template_the_job_gives_up_and_the_record_says_why(
        engine: Engine, store: Store, notify: NotifyStandIn, tmp_path: Path, rules: Rules,
        uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    worker = _worker(store, notify, tmp_path, rules)
    contact_id = _told_by_secure_email(uow_factory, rules)

    _sweep_and_deliver(store, worker)

    assert notify.emails == []
    with Session(engine) as session:
        job = session.scalars(select(JobRow).where(JobRow.kind == "notification")).one()
    assert (job.state, job.attempts) == ("dead", 1)
    delivery = _feedback_delivery(engine, contact_id)
    assert (delivery.sent_at, delivery.gave_up) == (None, True)
    assert delivery.error.startswith("NoTemplate: ")
    assert ADDRESS not in job.last_error and WORDS not in job.last_error
    later = SWEPT + timedelta(hours=1)
    store.sweep(later, load_policy(DEFAULT_CONFIG))
    assert enqueue_notes(worker.context) == 0  # given up is not queued again by the sweep
