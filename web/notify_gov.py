"""GOV.UK Notify as a notification sink, through Notify's own Python client.

Configured from the environment only (the API key is a secret; template ids differ between
a council's trial and live services):

| variable | what |
|---|---|
| FRONTDOOR_NOTIFY_API_KEY | the service's API key (required) |
| FRONTDOOR_NOTIFY_TEMPLATE_WARNING, _BREACH, _ESCALATION | one email template per notice |
| FRONTDOOR_NOTIFY_TEMPLATE_FEEDBACK | feedback to referrers (optional: without it, none is sent) |
| FRONTDOOR_NOTIFY_BASE_URL | Notify's API (default its public one; a stand-in in tests) |
| FRONTDOOR_BASE_URL | where the sign-in link points |

Each template is written in Notify with three placeholders: ``((reference))`` (the contact
reference, FD0000290), ``((due))`` (Tue 1 Dec 17:00, London time) and ``((link))`` (the
sign-in link). Nothing else is sent: no name, no timescale, no case detail, as Notify's
guidance asks of personalisation. The note's own reference (``frontdoor-note-<id>``) goes
as Notify's ``reference``, which is how a resend after a crash is detected.

Feedback to a referrer is the one message that carries what a worker wrote: the feedback
template has ``((reference))`` and ``((message))``, the words the worker recorded as what
the referrer was told (they chose to send it; it is the message itself).
"""

from __future__ import annotations

from collections.abc import Mapping

from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from workflow.jobs.kinds import JobFailed
from workflow.oversight.messages import Message
from workflow.oversight.outbox import Note

PUBLIC_API = "https://api.notifications.service.gov.uk"
KINDS = ("warning", "breach", "escalation")
FEEDBACK = "feedback"


class NotifyConfigError(ValueError):
    """A Notify setting is missing; the message names the variable."""


class NoAddress(JobFailed):
    """A recipient with no email address: no retry can deliver it, so the job is dead at
    once and the administrators' page says why."""


class NoTemplate(JobFailed):
    """No Notify template for this kind of message: a setting to add, not a retry."""


class NotifyRefused(Exception):
    """Notify answered with an error; the text is its status code and error names only."""


class NotifySink:
    """Sends each note as an email through a Notify template."""

    def __init__(self, client: NotificationsAPIClient, templates: Mapping[str, str]) -> None:
        self.client, self.templates = client, templates

    def send(self, note: Note, message: Message) -> None:
        if not note.address:
            raise NoAddress(f"notification {note.id}: the recipient has no email address")
        template = self.templates.get(note.kind)
        if template is None:
            raise NoTemplate(f"notification {note.id}: no GOV.UK Notify template is set for "
                             f"this kind of message (FRONTDOOR_NOTIFY_TEMPLATE_"
                             f"{note.kind.upper()})")
        personalisation = {"reference": message.reference, "message": message.body} \
            if note.kind == FEEDBACK else {"reference": message.reference, "due": message.due,
                                           "link": message.link}
        try:
            self.client.send_email_notification(
                email_address=note.address, template_id=template,
                personalisation=personalisation, reference=note.reference)
        except HTTPError as error:
            raise NotifyRefused(_reason(error)) from None

    def already_sent(self, note: Note) -> bool:
        """Whether Notify already holds a message with this note's reference."""
        try:
            found = self.client.get_all_notifications(reference=note.reference)
        except HTTPError as error:
            raise NotifyRefused(_reason(error)) from None
        return bool(found.get("notifications"))


def _reason(error: HTTPError) -> str:
    """Notify's status and error names (e.g. ``400 BadRequestError``), never a message body
    that might echo an address."""
    names = [str(e.get("error", "")) for e in (error.message or [])
             if isinstance(e, dict)] if isinstance(error.message, list) else []
    return f"GOV.UK Notify answered {error.status_code} {', '.join(names)}".strip()


def notify_from_env(environ: Mapping[str, str]) -> NotifySink:
    """The Notify sink from FRONTDOOR_NOTIFY_* (a missing one is named)."""
    key = environ.get("FRONTDOOR_NOTIFY_API_KEY", "")
    if not key:
        raise NotifyConfigError("FRONTDOOR_NOTIFY_API_KEY must be set for the notify sink")
    templates = {}
    for kind in KINDS:
        name = f"FRONTDOOR_NOTIFY_TEMPLATE_{kind.upper()}"
        if not environ.get(name):
            raise NotifyConfigError(f"{name} must be set to a Notify template id")
        templates[kind] = environ[name]
    if environ.get("FRONTDOOR_NOTIFY_TEMPLATE_FEEDBACK"):
        templates[FEEDBACK] = environ["FRONTDOOR_NOTIFY_TEMPLATE_FEEDBACK"]
    client = NotificationsAPIClient(key, base_url=environ.get("FRONTDOOR_NOTIFY_BASE_URL",
                                                              PUBLIC_API))
    return NotifySink(client, templates)
