"""SQL adapter for the casework port: strategy discussions and assessments.

An assessment row is found by its contact: a contact has at most one assessment that is
not authorised or closed (the census's "one open assessment per episode"), so "the
contact's current assessment" is well defined; a contact recorded before these rows
existed gets one the first time it is needed, started at its referral.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflow.casework.ports import NewDiscussion
from workflow.persistence.tables_strategy import (
    AssessmentRow,
    StrategyDiscussionRow,
    StrategyParticipationRow,
)

#: Statuses of an assessment still being worked on (the others are final).
CURRENT = ("open", "submitted")


class SqlCasework:
    """Discussions and assessments in the contact's own transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_discussion(self, new: NewDiscussion) -> int:
        fields = {k: v for k, v in vars(new).items() if k != "participation"}
        row = StrategyDiscussionRow(**fields, initiating=False)
        self.session.add(row)
        self.session.flush()
        self.session.add_all(StrategyParticipationRow(discussion_id=row.id, agency=p.agency,
                                                      status=p.status, reason=p.reason)
                             for p in new.participation)
        self.session.flush()
        return row.id

    def mark_initiating(self, contact_id: int) -> int | None:
        """The contact's latest discussion starts the section 47 enquiry."""
        latest = self.session.scalar(
            select(StrategyDiscussionRow.id).where(StrategyDiscussionRow.contact_id == contact_id)
            .order_by(StrategyDiscussionRow.id.desc()).limit(1))
        if latest is not None:
            self.session.execute(update(StrategyDiscussionRow)
                                 .where(StrategyDiscussionRow.id == latest)
                                 .values(initiating=True))
        return latest

    def start_assessment(self, contact_id: int, kind: str, started_at: datetime) -> int:
        row = AssessmentRow(contact_id=contact_id, kind=kind, status="open",
                            started_at=started_at, factors=[], summary="",
                            returned_reason="", lateness_reason="")
        self.session.add(row)
        self.session.flush()
        return row.id

    def change_assessment(self, contact_id: int, started_at: datetime,
                          values: Mapping[str, Any]) -> None:
        """Change the contact's current assessment (one is made if none is recorded)."""
        current = self.session.scalar(
            select(AssessmentRow.id).where(AssessmentRow.contact_id == contact_id,
                                           AssessmentRow.status.in_(CURRENT))
            .order_by(AssessmentRow.id.desc()).limit(1))
        if current is None:
            current = self.start_assessment(contact_id, str(values.get("kind", "s17")),
                                            started_at)
        self.session.execute(update(AssessmentRow).where(AssessmentRow.id == current)
                             .values(**values).execution_options(synchronize_session=False))
