"""The database as the application starts it: the one composition point of persistence.

The app factory and the CLI open a ``Store`` from a URL and take from it what they plug in:
a unit of work per change, a read-only session per page (SQLite: a deferred ``BEGIN``, so
a page or an export never holds the write lock), the accounts, the drafts, the outbox, the
job queue, the DfE feed's log, the schema upgrade and the breach sweep. Nothing else outside
``workflow/persistence`` builds an engine or a session, so the web layer never imports
SQLAlchemy.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from workflow.integrations.webhooks import EventKind, HttpPost, Subscription
from workflow.oversight.escalation import EscalationPolicy
from workflow.oversight.outbox import Note
from workflow.persistence import webhooks
from workflow.persistence.accounts import SqlAccounts
from workflow.persistence.backup import backup, restore
from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.drafts import SqlDrafts
from workflow.persistence.feed_log import SqlFeedLog
from workflow.persistence.integrations import SqlClients
from workflow.persistence.queue import SqlQueue
from workflow.persistence.readiness import database_state
from workflow.persistence.sweep import SweepResult, sweep
from workflow.persistence.tables import ClockRow, ContactRow, UserRow
from workflow.persistence.tables_oversight import NotificationRow
from workflow.persistence.uow import Batch, SqlUnitOfWork


class SqlOutbox:
    """Queued notifications in table ``notification``, with their clock and address."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def _notes(self, where: Any, limit: int) -> list[Note]:
        stmt = (select(NotificationRow, ClockRow.rule, ClockRow.due_at, UserRow.email)
                .outerjoin(ClockRow, ClockRow.id == NotificationRow.clock_id)
                .outerjoin(UserRow, UserRow.username == NotificationRow.recipient)
                .where(where).order_by(NotificationRow.id).limit(limit))
        with self.sessions() as db:
            return [_note(row, rule, due_at, email)
                    for row, rule, due_at, email in db.execute(stmt).all()]

    def unsent(self, limit: int) -> list[Note]:
        return self._notes(NotificationRow.sent_at.is_(None), limit)

    def note(self, note_id: int) -> Note | None:
        found = self._notes(NotificationRow.id == note_id, 1)
        return found[0] if found else None

    def mark_attempted(self, note_id: int, at: datetime) -> None:
        """Stamped before a send, so a crash between send and ``mark_sent`` is visible."""
        with self.sessions() as db:
            db.execute(update(NotificationRow).where(NotificationRow.id == note_id)
                       .values(attempted_at=at))
            db.commit()

    def mark_sent(self, note_id: int, at: datetime) -> None:
        with self.sessions() as db:
            db.execute(update(NotificationRow).where(NotificationRow.id == note_id)
                       .values(sent_at=at))
            db.commit()

    def mark_all_read(self, username: str, at: datetime) -> None:
        """A person marks every one of their unread notifications read."""
        with self.sessions() as db:
            db.execute(update(NotificationRow).where(
                NotificationRow.recipient == username, NotificationRow.read_at.is_(None))
                .values(read_at=at))
            db.commit()


def _note(row: NotificationRow, rule: str | None, due_at: datetime | None,
          email: str | None) -> Note:
    address = email or (row.recipient if "@" in row.recipient else None)
    return Note(row.id, row.kind, row.recipient, address, row.contact_id, rule, due_at,
                row.created_at, row.attempted_at, row.sent_at, row.subject, row.body)


class Store:
    """One database: its engine, its sessions and the adapters built on them."""

    def __init__(self, url: str) -> None:
        self.url = url
        # A readiness probe or a page must not hang for minutes on a database host that is
        # gone: PostgreSQL connections give up after 10 seconds.
        self.engine = make_engine(url, connect_args={"connect_timeout": 10}) \
            if url.startswith("postgresql") else make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.reads = sessionmaker(self.engine.execution_options(readonly=True),
                                  expire_on_commit=False)
        self.accounts = SqlAccounts(self.sessions)
        self.outbox = SqlOutbox(self.sessions)
        self.feed_log = SqlFeedLog(self.sessions)  # the DfE feed's runs, batches, ledger
        self.clients = SqlClients(self.sessions)  # API clients and every use of a token
        self.queue = SqlQueue(self.sessions)  # background jobs (workflow.jobs)
        self.drafts = SqlDrafts(self.sessions)  # unsent long forms (workflow.drafts)

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work (one transaction) for one command."""
        return SqlUnitOfWork(self.sessions)

    def batch(self, size: int = 200) -> Batch:
        """Units of work sharing one transaction, for a bulk load through the command path
        (each command its own savepoint; commit the batch before reading it elsewhere)."""
        return Batch(self.sessions, size)

    def read(self) -> Session:
        """A read-only session for one page or export (the caller closes it)."""
        return self.reads()

    def upgrade(self) -> None:
        """Apply every Alembic migration (creates the database if needed)."""
        from alembic import command
        from alembic.config import Config

        config = Config(str(PROJECT_ROOT / "alembic.ini"))
        config.attributes["url"] = self.url
        command.upgrade(config, "heads")

    def readiness(self) -> str:
        """Whether the database answers and is at the latest migration (``readiness``)."""
        return database_state(self.engine)

    def backup(self, target: Path) -> str:
        """A backup of the whole database at ``target``; which kind of database it was."""
        return backup(self.url, target)

    def restore(self, source: Path, replace: bool = False) -> None:
        """Restore a backup into this database (refused over tables unless ``replace``)."""
        self.engine.dispose()
        restore(self.url, source, replace=replace)

    def contact_count(self) -> int:
        with self.reads() as db:
            return int(db.scalar(select(func.count()).select_from(ContactRow)) or 0)

    def sweep(self, now: datetime, policy: EscalationPolicy) -> SweepResult:
        """One idempotent breach sweep, committed."""
        with self.sessions() as db:
            result = sweep(db, now, policy)
            db.commit()
            return result

    def deliver_webhooks(self, now: datetime, http_post: HttpPost) -> webhooks.DeliveryRun:
        """Queue new events and send the due webhook deliveries (one run, committed)."""
        with self.sessions() as db:
            return webhooks.deliver_due_webhooks(db, now, http_post)

    def subscribe(self, client_id: int, event: EventKind, url: str, secret: str,
                  now: datetime) -> Subscription:
        """A client's new webhook subscription, from now on."""
        with self.sessions() as db:
            made = webhooks.subscribe(db, client_id, event, url, secret, now)
            db.commit()
            return made

    def webhook_subscriptions(self) -> list[Subscription]:
        with self.reads() as db:
            return webhooks.subscriptions(db)

    def webhook_deliveries(self, limit: int = 100) -> list[dict[str, object]]:
        """The latest deliveries, newest first (references and statuses only)."""
        with self.reads() as db:
            return webhooks.deliveries(db, limit)

    def end_subscription(self, subscription_id: int) -> bool:
        with self.sessions() as db:
            ended = webhooks.end_subscription(db, subscription_id)
            db.commit()
            return ended

    def close(self) -> None:
        self.engine.dispose()

    @staticmethod
    def refusal_status(error: BaseException) -> int | None:
        """The HTTP status for a database's refusal of what a caller sent, or None.

        A value the database cannot hold (DataError: too long, out of range, a NUL) is the
        caller's to fix (422); a row that clashes with another (IntegrityError: a duplicate
        or a vanished parent, usually two people at once) is a conflict (409). The edge
        checks should stop both first; this keeps a gap there from becoming a 500.
        """
        if isinstance(error, DataError):
            return 422
        if isinstance(error, IntegrityError):
            return 409
        return None


def open_store(url: str) -> Store:
    """The store for a database URL."""
    return Store(url)
