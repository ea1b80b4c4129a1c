"""What a casework action records beside the contact, in the same transaction.

Why a hook of the service layer rather than services of their own: every action must be
reachable from the contact page's generic form and from the JSON API's one-route-per-
trigger, which both call ``services.fire``. After the engine accepted a trigger (so every
guard passed), ``record`` writes the rows that go with it: the strategy discussion and its
agency grid, the assessment's submission and authorisation, and on a step up the new
contact at the front door, linked to the early-help one. A failure here raises before the
commit, so the event, the contact and these rows are stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from workflow.casework.config import STATUSES, CaseworkConfig
from workflow.casework.factors import normalised
from workflow.casework.ports import NewDiscussion, Participation
from workflow.contact import Contact, Event
from workflow.ports import UnitOfWork
from workflow.roles import Role
from workflow.rules import Rules
from workflow.stages import Stage

#: The source a stepped-up contact is recorded with (CIN code 5D: LA services, early help).
STEP_UP_SOURCE = "5D"
STEP_UP_CHANNEL = "step_up"


@dataclass(frozen=True)
class Fired:
    """One accepted action: where it happened, what was sent, who did it and when."""

    uow: UnitOfWork
    rules: Rules
    contact: Contact
    event: Event
    payload: Mapping[str, Any]
    actor: str
    role: Role
    now: datetime

    @property
    def contact_id(self) -> int:
        assert self.contact.id is not None
        return self.contact.id

    def text(self, name: str) -> str:
        value = self.payload.get(name)
        return value.strip() if isinstance(value, str) else ""

    def moment(self, name: str) -> datetime:
        """A date-time field, a bare date taken as the start of that day, or now."""
        value = self.payload.get(name)
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return self.rules.calendar.start_of_day(value)
        return self.now


Recorder = Callable[[Fired], None]


def record(fired: Fired) -> None:
    """Write the rows that go with this action, if it has any."""
    recorder = RECORDERS.get(fired.event.trigger)
    if recorder is not None:
        recorder(fired)


# -- strategy discussions ----------------------------------------------------------------
def grid(payload: Mapping[str, Any], config: CaseworkConfig) -> list[Participation]:
    """The stated grid, in the configured order (agencies left blank are not stored)."""
    stated = payload.get("participation") or {}
    reasons = payload.get("participation_reasons") or {}
    return [Participation(a, str(stated[a]), str(reasons.get(a) or "").strip())
            for a in config.ids() if stated.get(a) in STATUSES]


def _discussion(f: Fired) -> None:
    f.uow.casework.add_discussion(NewDiscussion(
        contact_id=f.contact_id, event_seq=f.event.seq, held_at=f.moment("held_at"),
        chair=f.text("chair"), stage=str(f.event.from_stage or f.event.to_stage),
        outcome=f.text("outcome"), rationale=f.text("rationale"),
        reasonable_cause=f.text("reasonable_cause"), absence_reason=f.text("absence_reason"),
        recorded_by=f.actor, recorded_at=f.now,
        participation=grid(f.payload, f.rules.engine.casework)))


def _section_47(f: Fired) -> None:
    """The discussion that decided it is marked initiating; the assessment becomes s47, or
    on a child in need plan (its assessment authorised) a new s47 assessment starts."""
    f.uow.casework.mark_initiating(f.contact_id)
    if f.event.from_stage == Stage.CIN_PLAN:
        f.uow.casework.start_assessment(f.contact_id, "s47", f.now)
    else:
        _assessment(f, {"kind": "s47"})


# -- assessments ---------------------------------------------------------------------------
def _referral_at(f: Fired) -> datetime:
    stamped = f.contact.facts.get("referral_at")
    return datetime.fromisoformat(str(stamped)) if stamped else f.now


def _assessment(f: Fired, values: Mapping[str, Any]) -> None:
    f.uow.casework.change_assessment(f.contact_id, _referral_at(f), values)


def _referral(f: Fired) -> None:
    """A referral into social care starts the single assessment (s17 until s47 starts)."""
    if f.event.to_stage in (Stage.ASSESSMENT, Stage.STRATEGY_DISCUSSION):
        f.uow.casework.start_assessment(f.contact_id, "s17", _referral_at(f))


def _submitted(f: Fired) -> None:
    _assessment(f, {"status": "submitted", "author": f.actor, "submitted_at": f.now,
                    "summary": f.text("rationale"),
                    "factors": normalised(f.payload.get("factors") or ())})


def _returned(f: Fired) -> None:
    _assessment(f, {"status": "open", "returned_reason": f.text("reason")})


def _authorised(f: Fired) -> None:
    values: dict[str, Any] = {
        "status": "authorised", "authorised_by": f.actor, "authorised_at": f.now,
        "outcome": f.text("assessment_outcome") or None,
        "lateness_reason": f.text("lateness_reason")}
    if f.payload.get("factors"):
        values["factors"] = normalised(f.payload["factors"])
    _assessment(f, values)


def _no_further_action(f: Fired) -> None:
    """The referral closed after the strategy discussion: no assessment was carried out."""
    _assessment(f, {"status": "closed"})


# -- step up -------------------------------------------------------------------------------
def _step_up(f: Fired) -> None:
    """A new contact at the front door about the same child, linked to this one."""
    new = Contact(received_at=f.now, source=STEP_UP_SOURCE, child_id=f.contact.child_id)
    f.rules.engine.receive(new, f.actor, f.role, f.now)
    f.uow.contacts.add(new, channel=STEP_UP_CHANNEL,
                       referrer=f"Early help ({f.contact.reference})",
                       concerns=f.text("reason"), linked_contact_id=f.contact_id)
    f.contact.facts["stepped_up_to"] = new.id


RECORDERS: dict[str, Recorder] = {
    "decide": _referral,
    "hold_strategy_discussion": _discussion,
    "start_section_47": _section_47,
    "strategy_no_further_action": _no_further_action,
    "submit_assessment": _submitted,
    "return_assessment": _returned,
    "complete_assessment": _authorised,
    "step_up": _step_up,
}
