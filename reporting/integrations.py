"""The read side of the integrations: what a client may learn of a contact it sent (its
stage and the decision in force, never the child's details), and whose a request is."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.contact import reference_for
from workflow.decision.outcomes import OUTCOMES
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.persistence.webhooks import sender_agency

__all__ = ["contact_outcome", "request_agency", "sender_agency"]


def request_agency(session: Session, request_id: int) -> str | None:
    """The agency a request is addressed to (None: there is no such request)."""
    return session.scalar(select(InfoRequestRow.agency).where(InfoRequestRow.id == request_id))


def contact_outcome(session: Session, contact_id: int) -> dict[str, Any] | None:
    """A contact's reference, stage and latest threshold decision (None: no such contact)."""
    contact = session.get(ContactRow, contact_id)
    if contact is None:
        return None
    decision = session.scalar(select(ThresholdDecisionRow).where(
        ThresholdDecisionRow.contact_id == contact_id).order_by(ThresholdDecisionRow.id.desc())
        .limit(1))
    return {"id": contact.id, "reference": reference_for(contact.id), "stage": contact.stage,
            "received_at": contact.received_at, "decision": None if decision is None else {
                "outcome": decision.outcome, "outcome_label": OUTCOMES.get(decision.outcome),
                "level": decision.level, "status": decision.status,
                "decided_at": decision.decided_at}}
