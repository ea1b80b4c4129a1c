"""Delivering queued notifications: to a file, the console, SMTP over TLS, or GOV.UK Notify.

The sweep only queues (a row per message); delivery is separate so that a mail server
being down never blocks or repeats the sweep. Each note is one job on the queue
(``web.jobs``), and :func:`deliver` is what it runs: stamp the send as begun, send, mark
sent. That is **at least once** up to the sink: a worker that dies after the sink accepted
a note and before ``mark_sent`` leaves the note attempted and unsent, and the job is tried
again. Before sending such a note again the sink is asked whether it already has it, by
the note's reference (``frontdoor-note-<id>``): GOV.UK Notify can be asked, so there it is
delivered once; SMTP cannot, so a resend carries the same ``Message-ID`` and mail clients
show one message.

Feedback to a referrer (``workflow.oversight.referrer``) is a note about no clock: its
words are the feedback as the worker recorded it, sent to the address they gave; Notify
takes them as ``((reference))`` and ``((message))`` in the feedback template.

What each sink carries: the file, console and SMTP sinks the words of
``workflow.oversight.messages`` (the timescale's title, the contact reference, the due
time, a sign-in link). Notify, as its guidance asks for messages leaving the council, only
the reference, the due time and the link in its personalisation; its templates (one per
kind of notice) hold the rest. Never a child's name or any case detail.
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from web.notify_gov import NoAddress, NotifySink, notify_from_env
from workflow.config_errors import ConfigError, read_toml
from workflow.contact import reference_for
from workflow.oversight import referrer
from workflow.oversight.messages import Message, compose
from workflow.oversight.outbox import Note, Outbox
from workflow.oversight.referrer import masked

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TLS_MODES = ("starttls", "implicit", "none")


class Sink(Protocol):
    def send(self, note: Note, message: Message) -> None: ...
    def already_sent(self, note: Note) -> bool: ...


@dataclass(frozen=True)
class Wording:
    """What turns a note into a message: timescale titles and where people sign in."""

    titles: Mapping[str, str]
    base_url: str

    def message(self, note: Note) -> Message:
        if note.due_at is None:  # feedback to a referrer: the words as recorded
            return Message(note.subject, note.body, reference_for(note.contact_id), "", "")
        link = f"{self.base_url.rstrip('/')}/contacts/{note.contact_id}"
        return compose(note.kind, self.titles.get(note.rule or ""), note.contact_id,
                       note.due_at, link)


def shown_recipient(note: Note) -> str:
    """Who a line about a note names: a member of staff by username, a referrer only by a
    masked address (``r…@police.example``), so a log line holds no one's address."""
    return masked(note.recipient) if note.kind == referrer.KIND else note.recipient


class FileSink:
    """One line per message in a file (the laptop default)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, note: Note, message: Message) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(f"{note.created_at.isoformat()}\tto={shown_recipient(note)}\t"
                         f"{message.subject}\n")

    def already_sent(self, note: Note) -> bool:
        return False


class ConsoleSink:
    """One line per message on standard error."""

    def send(self, note: Note, message: Message) -> None:
        print(f"notification to={shown_recipient(note)}: {message.subject}", file=sys.stderr)

    def already_sent(self, note: Note) -> bool:
        return False


class SmtpRefused(Exception):
    """The mail server refused a message; the text is its status code only, since a
    server's answer quotes the address it refused (the job's error is on a page)."""


class SmtpSink:
    """Email through the council's mail server, over TLS unless ``smtp_tls = "none"``."""

    def __init__(self, settings: Mapping[str, Any], tls: str, username: str = "",
                 password: str = "") -> None:
        self.settings, self.tls = settings, tls
        self.username, self.password = username, password
        cafile = settings.get("smtp_ca_file")
        self.context = ssl.create_default_context(cafile=str(PROJECT_ROOT / cafile)
                                                  if cafile else None)

    def _connect(self) -> smtplib.SMTP:
        host, port = str(self.settings["smtp_host"]), int(self.settings["smtp_port"])
        if self.tls == "implicit":
            return smtplib.SMTP_SSL(host, port, timeout=10, context=self.context)
        smtp = smtplib.SMTP(host, port, timeout=10)
        if self.tls == "starttls":
            smtp.starttls(context=self.context)  # refuses a server that does not offer it
        return smtp

    def send(self, note: Note, message: Message) -> None:
        if not note.address:
            raise NoAddress(f"notification {note.id}: the recipient has no email address")
        email = EmailMessage()
        email["From"] = self.settings["smtp_sender"]
        email["To"] = note.address
        email["Subject"] = message.subject
        email["Message-ID"] = f"<{note.reference}@frontdoor.invalid>"  # the same on a resend
        email.set_content(message.body)
        with self._connect() as smtp:
            if self.username:
                smtp.login(self.username, self.password)
            try:
                smtp.send_message(email)
            except smtplib.SMTPRecipientsRefused:
                raise SmtpRefused(f"notification {note.id}: the mail server refused the "
                                  "recipient") from None
            except smtplib.SMTPResponseException as error:
                raise SmtpRefused(f"notification {note.id}: the mail server answered "
                                  f"{error.smtp_code}") from None

    def already_sent(self, note: Note) -> bool:
        return False  # SMTP cannot be asked; the Message-ID makes a resend one message


def _smtp_tls(settings: Mapping[str, Any], path: Path) -> str:
    mode = str(settings.get("smtp_tls", "starttls"))
    if mode not in TLS_MODES:
        raise ConfigError(path, "notifications.smtp_tls",
                          f"must be starttls, implicit or none (got {mode!r})", kind="setting")
    return mode


def sink_from_config(config_dir: Path, environ: Mapping[str, str]) -> Sink:
    """The sink named by [notifications] sink in settings.toml (secrets from the environment)."""
    path = config_dir / "settings.toml"
    settings = read_toml(path).get("notifications", {})
    kind = settings.get("sink", "file")
    if kind == "file":
        return FileSink(PROJECT_ROOT / str(settings.get("file", "instance/outbox.log")))
    if kind == "console":
        return ConsoleSink()
    if kind == "smtp":
        return SmtpSink(settings, _smtp_tls(settings, path),
                        environ.get("FRONTDOOR_SMTP_USERNAME", ""),
                        environ.get("FRONTDOOR_SMTP_PASSWORD", ""))
    if kind == "notify":
        return notify_from_env(environ)
    raise ConfigError(path, "notifications.sink",
                      f"must be file, console, smtp or notify (got {kind!r})", kind="setting")


def deliver(outbox: Outbox, sink: Sink, wording: Wording, note_id: int,
            clock: Callable[[], datetime]) -> bool:
    """Deliver one note once; False if it was already sent (or the sink already had it)."""
    note = outbox.note(note_id)
    if note is None or note.sent_at is not None:
        return False
    if note.attempted_at is not None and sink.already_sent(note):
        outbox.mark_sent(note.id, clock())
        return False
    outbox.mark_attempted(note.id, clock())
    sink.send(note, wording.message(note))
    outbox.mark_sent(note.id, clock())
    return True


def deliver_pending(outbox: Outbox, sink: Sink, wording: Wording,
                    clock: Callable[[], datetime], limit: int = 500) -> int:
    """Send up to ``limit`` unsent notes in this process (``frontdoor sweep --deliver``)."""
    return sum(deliver(outbox, sink, wording, note.id, clock) for note in outbox.unsent(limit))


__all__ = ["Sink", "Wording", "NotifySink", "deliver", "deliver_pending", "sink_from_config"]

