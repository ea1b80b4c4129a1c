"""What the feed says of a child beyond the census's ``Child``: names, expected date of
birth, postcode, UASC, a former UPN, and whether the identifier is withheld.

The former UPN and the day a child stopped being an unaccompanied asylum-seeking child are
read from the person's change history (``person_change``: old -> new, when), because the
record itself keeps only the present value; neither is guessed where the history has none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.cin_episodes import local_day
from workflow.people.consistent_identifier import IdentifierStatus
from workflow.persistence.tables_people import PersonAddressRow, PersonChangeRow, PersonRow

UASC = "uasc"  # workflow.people.records.IMMIGRATION_STATUSES
_CHUNK = 500


@dataclass(frozen=True)
class Details:
    """A child's details for ``child_details`` that the census does not report."""

    first_name: str
    surname: str
    expected_date_of_birth: date | None = None
    postcode: str | None = None
    uasc: bool = False
    uasc_end_date: date | None = None
    former_upn: str | None = None
    withheld: bool = False  # s16LC(7): including the identifier would be more detrimental


@dataclass
class _History:
    former_upn: str | None = None
    uasc_ended: date | None = None


def _histories(session: Session, chunk: list[int], as_at: datetime) -> dict[int, _History]:
    found: dict[int, _History] = {}
    for row in session.scalars(select(PersonChangeRow).where(
            PersonChangeRow.person_id.in_(chunk), PersonChangeRow.at < as_at,
            PersonChangeRow.field.in_(("upn", "immigration_status")))
            .order_by(PersonChangeRow.at, PersonChangeRow.id)):
        history = found.setdefault(row.person_id, _History())
        if row.field == "upn" and len(row.old) == 13 and row.old != row.new:
            history.former_upn = row.old
        elif row.field == "immigration_status" and row.old == UASC and row.new != UASC:
            history.uasc_ended = local_day(row.at)
    return found


def _postcodes(session: Session, chunk: list[int]) -> dict[int, str]:
    rows = session.execute(select(PersonAddressRow.person_id, PersonAddressRow.postcode)
                           .where(PersonAddressRow.person_id.in_(chunk),
                                  PersonAddressRow.moved_out.is_(None))
                           .order_by(PersonAddressRow.id))
    return {person_id: postcode for person_id, postcode in rows}  # the latest one wins


def _details(row: PersonRow, postcode: str | None, history: _History) -> Details:
    uasc = row.immigration_status == UASC
    former = history.former_upn if history.former_upn != row.upn else None
    return Details(row.first_name, row.last_name, row.expected_date_of_birth, postcode, uasc,
                   None if uasc else history.uasc_ended, former,
                   row.identifier_status == IdentifierStatus.MORE_DETRIMENTAL.value)


def load_details(session: Session, person_ids: Iterable[int], as_at: datetime
                 ) -> dict[int, Details]:
    """The details of these people (the current address's postcode, if any)."""
    ordered = sorted(set(person_ids))
    found: dict[int, Details] = {}
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i:i + _CHUNK]
        postcodes, histories = _postcodes(session, chunk), _histories(session, chunk, as_at)
        for row in session.scalars(select(PersonRow).where(PersonRow.id.in_(chunk))):
            found[row.id] = _details(row, postcodes.get(row.id),
                                     histories.get(row.id, _History()))
    return found
