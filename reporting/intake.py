"""What intake reads: the children a new contact's child might already be (the known-child
step), narrowed in SQL by identifier, birthday or surname and ranked by the matcher, their
current postcodes and which have an open case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.intake.matching import Candidate, match
from workflow.people.records import PersonDetails
from workflow.persistence.meetings import SqlChildHistory
from workflow.persistence.tables_people import PersonAddressRow

CANDIDATE_LIMIT = 200


def known_child_candidates(session: Session, child: PersonDetails) -> list[Candidate]:
    """Children who may be this one, best first (the worker links one or confirms new)."""
    return match(child, SqlChildHistory(session).candidates(child, CANDIDATE_LIMIT))


def with_open_case(session: Session, person_ids: list[int]) -> set[int]:
    """Which of these children have an open case (a contact about them goes straight to
    its allocated worker, DOMAIN.md §2). One indexed lookup per candidate shown."""
    history = SqlChildHistory(session)
    return {i for i in person_ids if history.open_case(i) is not None}


def current_postcodes(session: Session, person_ids: list[int]) -> dict[int, str]:
    """Each person's current postcode (what tells two children of one name apart)."""
    rows = session.execute(select(PersonAddressRow.person_id, PersonAddressRow.postcode).where(
        PersonAddressRow.person_id.in_(person_ids), PersonAddressRow.moved_out.is_(None))
        .order_by(PersonAddressRow.id)).all()
    return {r.person_id: r.postcode for r in rows}
