"""Notifications delivered through the job queue, once, to GOV.UK Notify (a stand-in the
test runs), carrying only a reference, a due time and a sign-in link: SQLite and PostgreSQL.

The at-least-once boundary: a worker that dies after Notify accepted a note and before
marking it sent leaves it attempted; the retry asks Notify by the note's reference and
marks it sent without a second email.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.builders import record_one
from tests.notify_standin import API_KEY, NotifyStandIn, notify_standin
from web.jobs import JobContext, enqueue_notes, registry
from workflow.jobs.worker import Worker
from workflow.persistence.store import Store, open_store
from workflow.persistence.tables import UserRow
from workflow.persistence.tables_jobs import JobRow
from workflow.persistence.tables_oversight import NotificationRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.roles import Role
from workflow.rules import DEFAULT_CONFIG, Rules

RECEIVED = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # Monday; decision due end of Tue 1 Dec
SWEPT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
PORT = 5131
TEMPLATES = {"FRONTDOOR_NOTIFY_TEMPLATE_WARNING": "11111111-1111-4111-8111-111111111111",
             "FRONTDOOR_NOTIFY_TEMPLATE_BREACH": "22222222-2222-4222-8222-222222222222",
             "FRONTDOOR_NOTIFY_TEMPLATE_ESCALATION": "33333333-3333-4333-8333-333333333333"}


@pytest.fixture
def notify() -> Iterator[NotifyStandIn]:
    with notify_standin(PORT) as standin:
        yield standin


@pytest.fixture
def store(engine: Engine, database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def _config(tmp_path: Path) -> Path:
    """The shipped configuration with the notify sink chosen."""
    folder = tmp_path / "config"
    folder.mkdir()
    for item in DEFAULT_CONFIG.iterdir():
        (folder / item.name).symlink_to(item)
    (folder / "settings.toml").unlink()
    text = (DEFAULT_CONFIG / "settings.toml").read_text(encoding="utf-8")
    (folder / "settings.toml").write_text(text.replace('sink = "file"', 'sink = "notify"'),
                                          encoding="utf-8")
    return folder


@pytest.fixture
def worker(store: Store, notify: NotifyStandIn, tmp_path: Path, rules: Rules) -> Worker:
    env = {"FRONTDOOR_NOTIFY_API_KEY": API_KEY, "FRONTDOOR_NOTIFY_BASE_URL": notify.url,
           "FRONTDOOR_BASE_URL": "https://frontdoor.example.gov.uk", **TEMPLATES}
    ctx = JobContext(store, _config(tmp_path), env, lambda: rules, clock=lambda: SWEPT)
    return Worker("w1", store.queue, registry(env), ctx, ctx.clock)


@pytest.fixture
def overdue_note(uow_factory: Callable[[], SqlUnitOfWork], rules: Rules, engine: Engine,
                 store: Store) -> tuple[int, int]:
    """A contact whose decision is overdue, swept: one breach notice to the team manager
    (the note's id and the contact's)."""
    store.accounts.save_account("team.manager", "Tam Manager", Role.TEAM_MANAGER,
                                "front-door", None, "!no-sign-in")
    with Session(engine) as session:
        session.execute(update(UserRow).where(UserRow.username == "team.manager")
                        .values(email="tam.manager@council.example"))
        session.commit()
    driver = record_one(uow_factory, rules, RECEIVED, RECEIVED)
    from workflow.oversight.escalation import load_policy
    store.sweep(SWEPT, load_policy(DEFAULT_CONFIG))
    with Session(engine) as session:
        note_id = session.scalar(select(NotificationRow.id).where(
            NotificationRow.kind == "breach", NotificationRow.contact_id == driver.contact_id))
    assert note_id is not None
    return int(note_id), driver.contact_id


def _run_all(worker: Worker) -> None:
    while worker.run_once():
        pass


def _sent_at(engine: Engine, note_id: int) -> datetime | None:
    with Session(engine) as session:
        return session.scalar(select(NotificationRow.sent_at).where(
            NotificationRow.id == note_id))


def test_a_breach_goes_to_notify_with_only_a_reference_a_due_time_and_a_link(
        engine: Engine, worker: Worker, notify: NotifyStandIn, overdue_note: tuple[int, int],
        store: Store) -> None:
    note_id, contact_id = overdue_note
    enqueue_notes(worker.context)

    _run_all(worker)

    [email] = notify.emails
    assert email == {
        "email_address": "tam.manager@council.example",
        "template_id": TEMPLATES["FRONTDOOR_NOTIFY_TEMPLATE_BREACH"],
        "personalisation": {"reference": f"FD{contact_id:07d}", "due": "Tue 1 Dec 23:59",
                            "link": f"https://frontdoor.example.gov.uk/contacts/{contact_id}"},
        "reference": f"frontdoor-note-{note_id}"}
    sent = repr(email)
    for personal in ("Alex", "Example", "Synthetic", "contact_decision", "Decision"):
        assert personal not in sent  # no name, no case detail, no timescale, no rule id
    assert _sent_at(engine, note_id) == SWEPT


def test_a_worker_dying_after_notify_accepted_does_not_send_the_email_twice(
        engine: Engine, worker: Worker, notify: NotifyStandIn, overdue_note: tuple[int, int],
        store: Store) -> None:
    note_id, _ = overdue_note
    enqueue_notes(worker.context)
    job = store.queue.claim("dies", SWEPT, {"notification": timedelta(minutes=2)})
    assert job is not None and job.payload == {"note_id": note_id}
    # What the dying worker did: stamped the attempt, Notify accepted ... and it died.
    note = store.outbox.note(note_id)
    assert note is not None
    store.outbox.mark_attempted(note_id, SWEPT)
    worker.context.sink.send(note, worker.context.wording().message(note))
    assert _sent_at(engine, note_id) is None

    worker.clock = worker.context.clock = lambda: SWEPT + timedelta(minutes=3)  # lease gone
    _run_all(worker)

    assert len(notify.by_reference(f"frontdoor-note-{note_id}")) == 1
    assert _sent_at(engine, note_id) is not None
    with Session(engine) as session:
        assert session.scalar(select(JobRow.state).where(JobRow.id == job.id)) == "done"


def test_notify_failing_is_retried_later_and_the_email_goes_once(
        engine: Engine, worker: Worker, notify: NotifyStandIn,
        overdue_note: tuple[int, int]) -> None:
    notify.fail_next = 1
    enqueue_notes(worker.context)

    _run_all(worker)
    assert notify.emails == []
    with Session(engine) as session:
        job = session.scalars(select(JobRow).where(JobRow.kind == "notification")).one()
    assert (job.state, job.last_error) == ("queued",
                                           "NotifyRefused: GOV.UK Notify answered 500 Exception")
    worker.clock = worker.context.clock = lambda: SWEPT + timedelta(minutes=1)
    _run_all(worker)

    assert len(notify.emails) == 1
    assert enqueue_notes(worker.context) == 0  # a delivered note is never queued again


def test_a_recipient_without_an_email_address_is_a_failed_job_at_once_saying_why(
        engine: Engine, worker: Worker, notify: NotifyStandIn,
        overdue_note: tuple[int, int]) -> None:
    note_id, _ = overdue_note
    with Session(engine) as session:
        session.execute(update(UserRow).values(email=None))
        session.commit()
    enqueue_notes(worker.context)

    _run_all(worker)

    with Session(engine) as session:
        job = session.scalars(select(JobRow).where(JobRow.kind == "notification")).one()
    assert (job.state, job.attempts, job.last_error) == (
        "dead", 1, f"NoAddress: notification {note_id}: the recipient has no email address")
    assert notify.emails == []
