"""An audit as the engine sees it: its form version, grades, moderation and actions.

The statuses, in order: ``not_started`` (in a sample, nobody has begun), ``draft`` (saved,
may change), ``submitted`` (the auditor's grades are final and wait for a second auditor),
``moderated`` (a second auditor agreed or changed the grades: the actions are agreed and
go to their owners).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

STATUSES = {"not_started": "Not started", "draft": "Draft saved", "submitted":
            "Waiting for moderation", "moderated": "Moderated"}


def audit_reference(audit_id: int) -> str:
    """How people name an audit (on screen and as the reason in the access log)."""
    return f"AUD-{audit_id:05d}"


@dataclass(frozen=True)
class Grade:
    """The auditor's grade of one question, with the evidence, and the moderator's."""

    question_id: str
    grade: str
    evidence: str = ""
    moderated_grade: str | None = None
    moderation_reason: str = ""

    @property
    def agreed(self) -> str:
        """The grade that stands: the moderator's where they changed it."""
        return self.moderated_grade or self.grade


@dataclass(frozen=True)
class AgreedAction:
    """Something the practitioner or their manager will do, by a date, tracked to done."""

    text: str
    owner: str
    due_on: date
    id: int | None = None
    done_at: datetime | None = None


@dataclass(frozen=True)
class Audit:
    id: int
    form_id: str
    form_version: str
    kind: str
    status: str
    auditor: str
    practitioner: str | None
    contact_id: int | None
    child_id: int | None
    version: int
    grades: tuple[Grade, ...] = ()
    overall: str | None = None
    moderator: str | None = None
    actions: tuple[AgreedAction, ...] = ()

    @property
    def reference(self) -> str:
        return audit_reference(self.id)
