"""Ask a partner agency for information, with the lawful basis and who authorised it.

The basis is one of ``config/lawful_bases.toml`` in force on the day (s16LA only once
commenced), with the detail a basis asks for (consent overridden: why).

The request is due by the deadline for the contact's RAG rating when it is sent
(``config/agency_timescales.toml``: red round the clock, amber and green in working
hours); the rule's version is kept with it, as every clock keeps its rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, Narration, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import needs_text
from workflow.mash.guards import basis_detail, basis_in_force
from workflow.mash.records import InfoRequest
from workflow.roles import FRONT_DOOR
from workflow.screening.guards import RAG_SET
from workflow.stages import Stage


@dataclass(frozen=True)
class Question(Payload):
    agency: str | None = ask("Agency", Kind.SELECT, max_length=40, choices_from="agencies")
    question: str = ask("Question for the agency")
    lawful_basis: str | None = ask("Lawful basis for sharing", Kind.SELECT, max_length=40,
                                   choices_from="lawful_bases")
    lawful_basis_detail: str = ask(
        "More about the basis", hint="Consent: who gave it and when, or why it was not sought "
        "or was overridden.")
    authorised_by: str = ask("Authorised by", Kind.TEXT, max_length=120)


def _known_agency(ctx: Ctx[Question]) -> Failure:
    known = ctx.config.mash.agencies.ids()
    if ctx.payload.agency in known:
        return None
    return "agency", f"choose an agency from the list ({', '.join(known) or 'none configured'})"


def _send(fired: Fired[Question]) -> None:
    p, ctx = fired.payload, fired.ctx
    calendar = ctx.config.calendar
    rag = str(fired.contact.rag)
    rule = ctx.config.mash.deadline_rule(rag, calendar.local_date(ctx.now))
    fired.contact.put(InfoRequest(
        agency=str(p.agency), question=p.question, lawful_basis=str(p.lawful_basis),
        lawful_basis_detail=p.lawful_basis_detail, authorised_by=p.authorised_by,
        requested_by=ctx.actor.username, requested_at=ctx.now,
        requested_month=calendar.local_date(ctx.now).strftime("%Y-%m"), rag=rag,
        rule_version=rule.version, due_at=rule.due(ctx.now, calendar)))


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    basis = n.lawful_basis(str(p.get("lawful_basis", "")))
    return Told("Request", f"Information requested from {n.agency(str(p.get('agency', '')))}",
                f"{p.get('question', '')} (lawful basis: {basis}; authorised by "
                f"{p.get('authorised_by', '')})")


ACTION: Action[Question] = Action(
    name="request_information", order=10, label="Ask a partner agency for information",
    payload=Question, offered_in=("requests",),
    rows=(row((Stage.INFORMATION_GATHERING,), None, FRONT_DOOR, guards=(
        RAG_SET, Guard("agency_known", _known_agency, ("agency",)),
        needs_text("question", "write the question for the agency"),
        basis_in_force("lawful_basis", "record the lawful basis or consent position for "
                       "sharing"),
        basis_detail("lawful_basis", "lawful_basis_detail"),
        needs_text("authorised_by", "record who authorised the request"))),),
    effect=_send, narrate=_told,
)
