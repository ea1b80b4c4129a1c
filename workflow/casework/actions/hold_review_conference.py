"""Record a review child protection conference: the plan continues (the next review
within 6 months) or ends, and the case continues as child in need. Like the initial
conference, it is never dated at a weekend (refused at the date, DfE census rule 8875)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from workflow.bookings.rules import mark_held
from workflow.casework.guards import CONFERENCE_ON_A_WEEKDAY
from workflow.casework.records import PlanMeeting
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import dated, payload_is
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Review(Payload):
    held_at: datetime | None = ask("Date and time held", Kind.DATETIME)
    plan_continues: bool | None = ask("Does the plan continue?", Kind.YES_NO)


def _record(fired: Fired[Review]) -> None:
    p, contact = fired.payload, fired.contact
    held = p.held_at or fired.ctx.now
    contact.put(PlanMeeting("review_conference", held, fired.event.seq, p.plan_continues))
    mark_held(contact, "review_conference")
    plan = contact.plan
    if p.plan_continues is False and plan is not None and plan.is_open:
        contact.put(replace(plan, ended_at=held))


_DATE = (dated("held_at", "it was held"), CONFERENCE_ON_A_WEEKDAY)
ACTION: Action[Review] = Action(
    name="hold_review_conference", order=120, label="Record a review conference", payload=Review,
    rows=(
        row((Stage.CP_PLAN,), None, CASEWORK, when=(payload_is("plan_continues", True),),
            guards=_DATE, emits=("review_conference_held",)),
        row((Stage.CP_PLAN,), Stage.CIN_PLAN, CASEWORK,
            when=(payload_is("plan_continues", False),), guards=_DATE,
            emits=("review_conference_held", "cp_plan_ended", "cin_plan_started")),
    ),
    booked="review_conference", effect=_record,
    help=("plan_continues", "say whether the plan continues"),
)
