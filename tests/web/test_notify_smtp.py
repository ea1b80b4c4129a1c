"""Email through SMTP is sent over TLS (STARTTLS or implicit TLS), to a real SMTP server the
test runs with a self-signed certificate it makes; a server offering no TLS gets nothing."""

from __future__ import annotations

import dataclasses
import smtplib
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from web.notify import SmtpRefused, SmtpSink, Wording
from workflow.oversight.outbox import Note

STARTTLS_PORT, IMPLICIT_PORT, PLAIN_PORT = 5132, 5133, 5134
NOTE = Note(id=42, kind="breach", recipient="team.manager", address="tam@council.example",
            contact_id=290, rule="contact_decision",
            due_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
            created_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
REFERRER = "rowan.officer@police.example"
FEEDBACK = Note(id=43, kind="feedback", recipient=REFERRER, address=REFERRER, contact_id=290,
                rule=None, due_at=None, created_at=datetime(2026, 12, 1, 10, 5, tzinfo=UTC),
                subject="Feedback on your referral: FD0000290",
                body="Feedback on your referral: FD0000290\n\nEarly help is offered.\n")
WORDING = Wording({"contact_decision": "Decision on a contact"}, "https://fd.example.gov.uk")


class Inbox:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          options: list[str]) -> str:
        if address.startswith("refused"):
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope.content)
        return "250 Message accepted"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def _settings(port: int, cert: Path, tls: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"smtp_host": "127.0.0.1", "smtp_port": port,
                             "smtp_sender": "front-door@council.example",
                             "smtp_ca_file": str(cert)}
    if tls:
        found["smtp_tls"] = tls
    return found


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=STARTTLS_PORT,
                            tls_context=_server_context(certificate), require_starttls=True)
    controller.start()
    yield inbox
    controller.stop()


def test_email_goes_over_starttls_by_default_in_words_with_no_personal_data(
        starttls_server: Inbox, certificate: tuple[Path, Path]) -> None:
    sink = SmtpSink(_settings(STARTTLS_PORT, certificate[0]), "starttls")

    sink.send(NOTE, WORDING.message(NOTE))

    [raw] = starttls_server.messages
    email = message_from_bytes(raw)
    assert email["Subject"] == \
        "Decision on a contact is overdue: FD0000290, due Tue 1 Dec 17:00"
    assert (email["To"], email["Message-ID"]) == ("tam@council.example",
                                                  "<frontdoor-note-42@frontdoor.invalid>")
    assert "https://fd.example.gov.uk/contacts/290" in email.get_payload(decode=True).decode()
    assert b"contact_decision" not in raw


def test_email_goes_over_implicit_tls_when_chosen(certificate: tuple[Path, Path]) -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=IMPLICIT_PORT,
                            ssl_context=_server_context(certificate))
    controller.start()
    try:
        SmtpSink(_settings(IMPLICIT_PORT, certificate[0]), "implicit").send(
            NOTE, WORDING.message(NOTE))
    finally:
        controller.stop()

    assert len(inbox.messages) == 1


def test_a_server_offering_no_tls_is_refused_and_receives_nothing(
        certificate: tuple[Path, Path]) -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=PLAIN_PORT)
    controller.start()
    try:
        with pytest.raises(smtplib.SMTPNotSupportedError):
            SmtpSink(_settings(PLAIN_PORT, certificate[0]), "starttls").send(
                NOTE, WORDING.message(NOTE))
    finally:
        controller.stop()

    assert inbox.messages == []


def test_a_certificate_the_sink_does_not_trust_is_refused(
        starttls_server: Inbox, certificate: tuple[Path, Path]) -> None:
    settings = _settings(STARTTLS_PORT, certificate[0])
    del settings["smtp_ca_file"]  # the system's trust store: the test's certificate is not in it

    with pytest.raises(ssl.SSLCertVerificationError):
        SmtpSink(settings, "starttls").send(NOTE, WORDING.message(NOTE))

    assert starttls_server.messages == []


def test_feedback_to_a_referrer_goes_to_them_with_the_words_recorded(
        starttls_server: Inbox, certificate: tuple[Path, Path]) -> None:
    SmtpSink(_settings(STARTTLS_PORT, certificate[0]), "starttls").send(
        FEEDBACK, WORDING.message(FEEDBACK))

    [raw] = starttls_server.messages
    email = message_from_bytes(raw)
    assert (email["To"], email["Subject"]) == (REFERRER, "Feedback on your referral: FD0000290")
    assert "Early help is offered." in email.get_payload(decode=True).decode()


def test_a_refused_recipient_is_an_error_that_does_not_quote_the_address(
        starttls_server: Inbox, certificate: tuple[Path, Path]) -> None:
    refused = dataclasses.replace(FEEDBACK, address="refused.officer@police.example")

    with pytest.raises(SmtpRefused) as error:
        SmtpSink(_settings(STARTTLS_PORT, certificate[0]), "starttls").send(
            refused, WORDING.message(refused))

    assert str(error.value) == "notification 43: the mail server refused the recipient"
    assert starttls_server.messages == []
