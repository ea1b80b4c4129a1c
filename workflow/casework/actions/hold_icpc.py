"""Record the initial child protection conference: when, and whether it made a plan.

Within 15 working days of the strategy discussion that initiated the enquiry (Working
Together); never before the enquiry started, never at a weekend (DfE census rule 8875). A
plan starts on the conference's date (census CPPstartDate) with its initial category.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.bookings.rules import mark_held
from workflow.casework.guards import CONFERENCE_NOT_BEFORE_ENQUIRY, CONFERENCE_ON_A_WEEKDAY
from workflow.casework.records import ChildProtectionPlan
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import dated, one_of, payload_is
from workflow.roles import CASEWORK
from workflow.stages import Stage

CATEGORIES_OF_ABUSE = {"NEG": "Neglect", "PHY": "Physical abuse", "SAB": "Sexual abuse",
                       "EMO": "Emotional abuse", "MUL": "Multiple"}


@dataclass(frozen=True)
class Conference(Payload):
    held_at: datetime | None = ask("Date and time held", Kind.DATETIME)
    plan: bool | None = ask("Did the conference make a child protection plan?", Kind.YES_NO)
    category: str | None = ask("Initial category of abuse", Kind.SELECT,
                               tuple((c, f"{c}: {t}") for c, t in CATEGORIES_OF_ABUSE.items()))


def _conclude(fired: Fired[Conference]) -> None:
    p, contact = fired.payload, fired.contact
    held = p.held_at or fired.ctx.now
    mark_held(contact, "icpc")
    enquiry = contact.enquiry
    if enquiry is not None and enquiry.is_open:
        contact.put(enquiry.concluded(fired.ctx.now, held, bool(p.plan), p.category))
    if p.plan:
        contact.put(ChildProtectionPlan(started_at=held, category=str(p.category),
                                        event_seq=fired.event.seq))


_DATE = (dated("held_at", "of the conference", guard="conference_date_given"),
         CONFERENCE_NOT_BEFORE_ENQUIRY, CONFERENCE_ON_A_WEEKDAY)
ACTION: Action[Conference] = Action(
    name="hold_icpc", order=90, label="Record the initial conference", payload=Conference,
    rows=(
        row((Stage.SECTION_47,), Stage.CP_PLAN, CASEWORK, when=(payload_is("plan", True),),
            guards=(*_DATE, one_of("category", CATEGORIES_OF_ABUSE, "choose the initial "
                                   "category of abuse (NEG, PHY, SAB, EMO or MUL)",
                                   guard="category_given")),
            emits=("icpc_held", "cp_plan_started")),
        row((Stage.SECTION_47,), Stage.ASSESSMENT, CASEWORK, when=(payload_is("plan", False),),
            guards=_DATE, emits=("icpc_held",)),
    ),
    booked="icpc", effect=_conclude,
    help=("plan", "say whether the conference made a child protection plan"),
)
