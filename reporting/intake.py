"""What intake reads: the children a new contact's child might already be (the known-child
step), narrowed in SQL by identifier, birthday or surname and ranked by the matcher."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflow.intake.matching import Candidate, match
from workflow.people.records import PersonDetails
from workflow.persistence.meetings import SqlChildHistory

CANDIDATE_LIMIT = 200


def known_child_candidates(session: Session, child: PersonDetails) -> list[Candidate]:
    """Children who may be this one, best first (the worker links one or confirms new)."""
    return match(child, SqlChildHistory(session).candidates(child, CANDIDATE_LIMIT))
