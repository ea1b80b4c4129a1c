"""A partner answers an information request addressed to their own agency, and no other.

The only action a partner is granted. The partner knows the request, not the contact, so
the action finds its contact from the request; an answer from another agency is refused
without saying anything about the case, and so is one after the enquiry has finished.

The answer records whether the agency shared (all, in part, or nothing) and the lawful
basis it shared on (``config/lawful_bases.toml``, in force on the day). Anything kept back
is recorded with the reason and who decided, by name and role (DOMAIN.md §7: record any
decision not to share, with the reason and who decided). While a duty to share is in force
(Children Act 2004 s16LA, once commenced) information may be kept back only when sharing
would be more detrimental to the child than not, so the decision-maker must say that it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, Narration, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import one_of, text, value
from workflow.mash.guards import (
    OWN_AGENCY,
    REQUEST_NAMED,
    REQUEST_OPEN,
    basis_detail,
    basis_in_force,
    named_request,
)
from workflow.mash.records import Reply, Sharing
from workflow.roles import Role
from workflow.stages import Stage

SHARING = tuple((s.value, s.label) for s in Sharing)
SHARING_IDS = frozenset(s.value for s in Sharing)


@dataclass(frozen=True)
class Answer(Payload):
    request_id: int | None = ask("Request", Kind.ID)
    sharing: str | None = ask("Did your agency share the information asked for?", Kind.RADIOS,
                              SHARING)
    answer: str = ask("Your answer: what your agency shares", max_length=10000,
                      hint="Leave it empty only if nothing is shared.")
    lawful_basis: str | None = ask("Lawful basis your agency shares on", Kind.SELECT,
                                   max_length=40, choices_from="lawful_bases")
    lawful_basis_detail: str = ask(
        "More about the basis", hint="Consent: who gave it and when, or why it was not sought "
        "or was overridden.")
    not_shared_reason: str = ask(
        "Why your agency did not share (all or part of) the information",
        hint="Only when something asked for is kept back.")
    more_detrimental: bool | None = ask(
        "Would sharing be more detrimental to the child than not sharing?", Kind.YES_NO,
        hint="Asked while the Children Act 2004 s16LA duty to share is in force.")
    decided_by_name: str = ask("Who decided not to share: name", Kind.TEXT, max_length=120)
    decided_by_role: str = ask("Who decided not to share: role", Kind.TEXT, max_length=120)


def _sharing(ctx: Ctx[Any]) -> Sharing | None:
    chosen = value(ctx, "sharing")
    return Sharing(chosen) if chosen in SHARING_IDS else None


def _withholds(ctx: Ctx[Any]) -> bool:
    sharing = _sharing(ctx)
    return sharing is not None and sharing.withholds


def _shares(ctx: Ctx[Any]) -> bool:
    return _sharing(ctx) is not Sharing.NOT_SHARED


def when_withheld(name: str, message: str) -> Guard[Any]:
    """The field must be written when anything asked for is kept back."""

    def check(ctx: Ctx[Any]) -> Failure:
        return (name, message) if _withholds(ctx) and not text(ctx, name) else None

    return Guard(f"{name}_given", check, ("sharing", name))


def _answer_written(ctx: Ctx[Any]) -> Failure:
    if _shares(ctx) and not text(ctx, "answer"):
        return "answer", "write what your agency shares (or choose 'not shared')"
    return None


def _nothing_withheld(ctx: Ctx[Any]) -> Failure:
    """A reason not to share beside "shared" contradicts it: say which is true."""
    if _sharing(ctx) is Sharing.SHARED and text(ctx, "not_shared_reason"):
        return "not_shared_reason", ("everything asked for was shared, so leave the reason "
                                     "not to share empty, or choose 'shared in part'")
    return None


def _withholding_test(ctx: Ctx[Any]) -> Failure:
    """While a duty to share is in force, keeping anything back needs its test met."""
    if not _withholds(ctx) or value(ctx, "more_detrimental") is True:
        return None
    today = ctx.config.calendar.local_date(ctx.now)
    duties = ctx.config.mash.lawful_bases.withholding_tests(today)
    if not duties:
        return None
    return "more_detrimental", (f"information may be kept back only when "
                                f"{duties[0].withholding_test}: record that this is the "
                                "decision-maker's judgement and why, or share it")


GUARDS: tuple[Guard[Any], ...] = (
    REQUEST_NAMED, OWN_AGENCY, REQUEST_OPEN,
    one_of("sharing", SHARING_IDS, "say whether your agency shared the "
           "information: shared, shared in part or not shared"),
    Guard("answer_given", _answer_written, ("sharing", "answer")),
    basis_in_force("lawful_basis", "record the lawful basis your agency shares on",
                   needed=_shares),
    basis_detail("lawful_basis", "lawful_basis_detail"),
    Guard("nothing_withheld_when_shared", _nothing_withheld, ("sharing", "not_shared_reason")),
    when_withheld("not_shared_reason", "give the reason your agency did not share the "
                  "information (or the part it kept back)"),
    when_withheld("decided_by_name", "record the name of the person who decided not to share"),
    when_withheld("decided_by_role", "record the role of the person who decided not to share"),
    Guard("withholding_test_met", _withholding_test, ("sharing", "more_detrimental")),
)


def _reply(p: Answer) -> Reply:
    sharing = Sharing(str(p.sharing))
    kept_back = sharing.withholds
    return Reply(sharing, p.answer, p.lawful_basis or None, p.lawful_basis_detail,
                 p.not_shared_reason if kept_back else "",
                 p.decided_by_name if kept_back else "", p.decided_by_role if kept_back else "",
                 p.more_detrimental if kept_back else None)


def _answer(fired: Fired[Answer]) -> None:
    request = named_request(fired.ctx)
    assert request is not None  # REQUEST_NAMED passed
    fired.contact.put(request.answered(_reply(fired.payload), fired.ctx.actor.username,
                                       fired.ctx.now))


def _told(p: Mapping[str, Any], n: Narration) -> Told:
    agency = n.request_agency(int(p.get("request_id") or 0))
    sharing = Sharing(p["sharing"]) if p.get("sharing") in SHARING_IDS else None
    said = [str(p.get("answer", ""))] if p.get("answer") else []
    if p.get("lawful_basis"):
        said.append(f"(lawful basis: {n.lawful_basis(str(p['lawful_basis']))})")
    if sharing is not None and sharing.withholds:
        said.append(f"Not shared: {p.get('not_shared_reason', '')} (decided by "
                    f"{p.get('decided_by_name', '')}, {p.get('decided_by_role', '')})")
    title = f"{agency} answered" + (f": {sharing.label.lower()}" if sharing else "")
    return Told("Agency response", title, " ".join(said))


ACTION: Action[Answer] = Action(
    name="answer_request", order=50, label="Answer an information request", payload=Answer,
    offered_in=("inbox",), locate="request_id",
    wrong_stage="This request can no longer be answered: the enquiry it belongs to has "
                "finished. Nothing was saved.",
    rows=(row((Stage.INFORMATION_GATHERING,), None, {Role.PARTNER}, guards=GUARDS),),
    effect=_answer, narrate=_told,
)
