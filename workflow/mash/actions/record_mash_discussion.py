"""The daily MASH meeting's joint decision about a contact on its agenda.

Police, health and education share what they know and reach a *joint* recommendation
(DOMAIN.md §1), which the worker's threshold decision is then made beside. Every agency
that attended gives its view; a contact that is not on the meeting's agenda is refused.
The agenda item is the recommendation's one home; the contact's event is its history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.bookings.rules import mark_held
from workflow.decision.outcomes import OUTCOMES
from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, Narration, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import RATIONALE_GIVEN, one_of
from workflow.mash.records import AgendaItem
from workflow.roles import Role
from workflow.stages import Stage

LEVELS = tuple((str(n), f"Level {n}") for n in range(1, 5))


@dataclass(frozen=True)
class JointDecision(Payload):
    meeting_id: int | None = ask("Meeting", Kind.ID)
    outcome: str | None = ask("Outcome the meeting recommends", Kind.RADIOS,
                              tuple(OUTCOMES.items()))
    level: int | None = ask("Level of need", Kind.LEVEL, LEVELS)
    rationale: str = ask("Rationale")
    views: dict[str, str] = ask("Each agency's view", Kind.REASONS)


def agenda_item(ctx: Ctx[JointDecision]) -> AgendaItem | None:
    meeting = ctx.payload.meeting_id
    return ctx.contact.agenda_item(meeting) if isinstance(meeting, int) else None


def _on_agenda(ctx: Ctx[JointDecision]) -> Failure:
    if agenda_item(ctx) is not None:
        return None
    return "contact_id", (f"{ctx.contact.reference} is not on that meeting's agenda: put it "
                          "on the agenda before recording its decision. Nothing was saved")


def _every_view(ctx: Ctx[JointDecision]) -> Failure:
    item = agenda_item(ctx)
    attending = item.attending_agencies if item else ()
    if not attending:
        return "attendees", "record who attended the meeting, for which agency, first"
    missing = [a for a in attending if not str(ctx.payload.views.get(a) or "").strip()]
    if missing:
        names = ", ".join(ctx.config.mash.agencies.name(a) for a in missing)
        return "views", f"record the view of every agency that attended: {names}"
    return None


def _record(fired: Fired[JointDecision]) -> None:
    item = agenda_item(fired.ctx)
    assert item is not None  # the agenda guard passed
    p = fired.payload
    views = {a: str(p.views.get(a) or "").strip() for a in item.attending_agencies}
    fired.contact.put(item.decided(views, str(p.outcome), p.level, p.rationale,
                                   fired.ctx.actor.username, fired.ctx.now))
    mark_held(fired.contact, "mash_meeting")


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    views = "; ".join(f"{n.agency(a)}: {v}" for a, v in (p.get("views") or {}).items())
    outcome = OUTCOMES.get(str(p.get("outcome")), str(p.get("outcome", ""))).lower()
    return Told("MASH meeting", f"MASH meeting: recommended {outcome}",
                f"{n.reason} Views: {views}")


ACTION: Action[JointDecision] = Action(
    name="record_mash_discussion", order=60, label="Record the MASH meeting's joint decision",
    payload=JointDecision, offered_in=("meeting",),
    rows=(row((Stage.INFORMATION_GATHERING, Stage.THRESHOLD_DECISION), None,
              {Role.MASH_CHAIR}, guards=(
                  Guard("on_meeting_agenda", _on_agenda, ("meeting_id",)),
                  one_of("outcome", OUTCOMES, "choose the outcome the meeting recommends",
                         guard="mash_outcome_given"),
                  RATIONALE_GIVEN, Guard("every_agency_view_given", _every_view, ("views",)))),),
    effect=_record, narrate=_told,
)
