"""Who holds which cases: a worker's open contacts, for the day they leave or move team.

Why its own read: before an account is switched off, its open cases must go to someone
else, or they sit allocated to nobody who can act on them. The list names contacts by
reference, stage and team only (the page is for administrators and managers planning a
handover, who need no child's details to do it); the open stages are the caseload's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.contact import reference_for
from workflow.persistence.tables import ContactRow
from workflow.stages import OPEN_STAGES, stage_title


@dataclass(frozen=True)
class Held:
    """One open contact allocated to the worker."""

    contact_id: int
    reference: str
    stage: str
    stage_title: str
    team: str | None
    received_at: datetime


def cases_held(session: Session, username: str) -> list[Held]:
    """The worker's open contacts, oldest first (one indexed query on ``contact.worker``)."""
    rows = session.execute(select(ContactRow.id, ContactRow.stage, ContactRow.team,
                                  ContactRow.received_at).where(
        ContactRow.worker == username, ContactRow.stage.in_([s.value for s in OPEN_STAGES]))
        .order_by(ContactRow.received_at, ContactRow.id)).all()
    return [Held(r.id, reference_for(r.id), r.stage, stage_title(r.stage), r.team,
                 r.received_at) for r in rows]
