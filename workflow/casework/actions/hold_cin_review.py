"""Record a child in need review: each one meets the review standard and starts the next
interval from its own date (config/practice_standards.toml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.casework.activity import guards, record
from workflow.casework.records import ActivityKind
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Review(Payload):
    held_at: datetime | None = ask("Date and time of the review", Kind.DATETIME)
    note: str = ask("What the review found and decided")


def _record(fired: Fired[Review]) -> None:
    record(fired, ActivityKind.CIN_REVIEW)


ACTION: Action[Review] = Action(
    name="hold_cin_review", order=106, label="Record a child in need review", payload=Review,
    rows=(row((Stage.CIN_PLAN,), None, CASEWORK,
              guards=guards("of the review", "say what the review found and decided"),
              emits=("cin_review_held",)),),
    effect=_record,
)
