"""What the casework recorders need from persistence, as a protocol (Cosmic Python's ports).

Strategy discussions and assessments are kept as rows beside the contact (for the
contribution KPI and the authorisation queue). They change in the same unit of work as
the event they come from; ``workflow.persistence.casework_repository`` implements this
with SQL, and tests may plug in a fake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Participation:
    """One agency's part in a discussion: attended, written, invited_no_contribution or
    not_invited, and why when it did not contribute."""

    agency: str
    status: str
    reason: str = ""


@dataclass(frozen=True)
class NewDiscussion:
    """A strategy discussion as recorded, with every agency of the grid that was stated."""

    contact_id: int
    event_seq: int
    held_at: datetime
    chair: str
    stage: str
    outcome: str
    rationale: str
    reasonable_cause: str
    absence_reason: str
    recorded_by: str
    recorded_at: datetime
    participation: Sequence[Participation] = ()


class Casework(Protocol):
    def add_discussion(self, new: NewDiscussion) -> int: ...
    def mark_initiating(self, contact_id: int) -> int | None: ...
    def start_assessment(self, contact_id: int, kind: str, started_at: datetime) -> int: ...
    def change_assessment(self, contact_id: int, started_at: datetime,
                          values: Mapping[str, Any]) -> None: ...
