"""Delivering queued notifications from the outbox: to a file, the console, or SMTP.

The sweep only queues (a row per message); delivery is separate so that a mail server
being down never blocks or repeats the sweep. Each message is marked sent after its sink
accepted it. Messages carry a contact reference and a timescale name, never a child's
name, so an email or a log line holds no personal data.
"""

from __future__ import annotations

import smtplib
import sys
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from workflow.config_errors import ConfigError, read_toml
from workflow.oversight.outbox import Note, Outbox

PROJECT_ROOT = Path(__file__).resolve().parents[1]
Sink = Callable[[Note], None]


def _file_sink(path: Path) -> Sink:
    def send(note: Note) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"{note.created_at.isoformat()}\tto={note.recipient}\t{note.subject}\n")

    return send


def _console_sink(note: Note) -> None:
    print(f"notification to={note.recipient}: {note.subject}", file=sys.stderr)


def _smtp_sink(settings: dict[str, Any]) -> Sink:
    def send(note: Note) -> None:
        message = EmailMessage()
        message["From"] = settings["smtp_sender"]
        message["To"] = note.recipient
        message["Subject"] = note.subject
        message.set_content(note.body)
        with smtplib.SMTP(settings["smtp_host"], int(settings["smtp_port"]), timeout=10) as smtp:
            smtp.send_message(message)

    return send


def sink_from_config(config_dir: Path) -> Sink:
    """The sink named by [notifications] sink in settings.toml."""
    path = config_dir / "settings.toml"
    settings = read_toml(path).get("notifications", {})
    kind = settings.get("sink", "file")
    if kind == "file":
        return _file_sink(PROJECT_ROOT / str(settings.get("file", "instance/outbox.log")))
    if kind == "console":
        return _console_sink
    if kind == "smtp":
        return _smtp_sink(settings)
    raise ConfigError(path, "notifications.sink", f"must be file, console or smtp (got {kind!r})",
                      kind="setting")


def deliver_pending(outbox: Outbox, sink: Sink, now: datetime, limit: int = 500) -> int:
    """Send up to ``limit`` unsent notifications, marking each sent; returns how many."""
    pending = outbox.unsent(limit)
    for note in pending:
        sink(note)
        outbox.mark_sent(note.id, now)
    return len(pending)
