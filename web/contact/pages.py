"""The contact's pages: the work queue, the contact page and its actions, and allocation.

Handlers translate a request into one command (``workflow.services.handle``) and the
answer into a page (Cosmic Python's entrypoint habit); every refusal keeps what was typed.
One route fires any action a page offers (``/contacts/<id>/actions/<name>``): the page's
list of actions, the MASH requests panel and the assessment page all post to it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from reporting.cin_census import child_warnings
from reporting.contact_page import ContactPage, contact_page, load_contact
from reporting.referrer_messages import referrer_messages
from thresholds import CatalogueNotFoundError, ThresholdsError, recommend
from web.access import allow, log_access
from web.contact.booked import contact_bookings, prefilled
from web.contact.panels import casework_panel, mash_panel
from web.forms import (
    asks_indicators,
    fields_for,
    form_data,
    owns_field,
    read_version,
    record_field,
)
from web.views import (
    LONDON,
    RETURN_LABEL,
    clock_view,
    diagram_stages,
    event_view,
    when,
    who_acts_next,
)
from web.words import person_name
from workflow.contact import reference_for
from workflow.engine.action import Action
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput, StaleVersion
from workflow.roles import Role
from workflow.services import Act, handle
from workflow.stages import STAGES, Stage

bp = Blueprint("contacts", __name__)
#: Who holds cases: a Family Help lead practitioner works from the same queue and contact
#: page (record scope shows them their service's cases only; the engine decides each action).
CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER,
               Role.FAMILY_HELP_PRACTITIONER)
#: Whose queue opens on their own cases.
MINE_FIRST = (Role.SOCIAL_WORKER, Role.FAMILY_HELP_PRACTITIONER)


def _now() -> datetime:
    return datetime.now(UTC)


def _rules() -> Any:
    return current_app.extensions["rules"]


# -- the contact page -----------------------------------------------------------------
def _page_or_404(contact_id: int) -> ContactPage:
    page = contact_page(g.db, contact_id, _now())
    if page is None:
        abort(404, f"There is no contact {reference_for(contact_id)}.")
    return page


def offered(contact_id: int, where: str) -> list[Action[Any]]:
    """The actions one part of a page offers the signed-in person on this contact now."""
    contact = load_contact(g.db, contact_id)
    if contact is None:
        return []
    return _rules().engine.offered(contact, current_user.actor, _now(), where)


def action_view(action: Action[Any]) -> dict[str, Any]:
    """An action as a page renders its form."""
    return {"name": action.name, "label": action.label, "fields": fields_for(action),
            "preview": action.preview, "indicators": asks_indicators(action)}


def _actions(contact_id: int, where: str = "contact") -> list[dict[str, Any]]:
    return [action_view(a) for a in offered(contact_id, where)]


def _contact_context(contact_id: int) -> dict[str, Any]:
    page, now = _page_or_404(contact_id), _now()
    c = page.contact
    log_access(c.child_id, c.id)
    panel = offered(contact_id, "requests")
    sent = referrer_messages(g.db, contact_id)
    mash = mash_panel(page, [a.name for a in panel], now) | {
        "row_actions": [action_view(a) for a in panel if record_field(a)],
        "panel_actions": [action_view(a) for a in panel if not record_field(a)]}
    return {"page": page, "c": c, "child": page.child, "siblings": page.siblings,
            "stage": STAGES[Stage(c.stage)], "mash": mash,
            "casework": casework_panel(page),
            "clocks": [clock_view(k, _rules(), now) for k in page.clocks],
            "events": [event_view(e, sent.get(e.seq)) for e in reversed(page.events)],
            **_workspace(contact_id, c.stage, page, now),
            "diagram": diagram_stages(), "when": when,
            "catalogue": _catalogue(now), "decision": page.decision, "pending": page.pending,
            "decided_under": _decided_under(page.decision),
            "census": _census_warnings(c.child_id, contact_id, now)}


def _moves_on(action: Action[Any], stage: str) -> bool:
    return any(Stage(stage) in r.sources and r.dest is not None and r.dest.value != stage
               for r in action.rows)


def _workspace(contact_id: int, stage: str, page: ContactPage, now: datetime
               ) -> dict[str, Any]:
    """The top of the page: what is due soonest, who acts next, and the one or two
    actions this user most likely takes now (those that move the contact on); the rest
    are a click away."""
    contact = load_contact(g.db, contact_id)
    offered_here = _rules().engine.offered(contact, current_user.actor, now, "contact") \
        if contact is not None else []
    likely = [a for a in offered_here if _moves_on(a, stage)][:2] or offered_here[:1]
    others = [a for a in offered_here if a not in likely]
    open_clocks = sorted((k for k in page.clocks if k.stopped_at is None),
                         key=lambda k: k.due_at)

    def view(a: Action[Any]) -> dict[str, Any]:
        return prefilled(a, action_view(a), contact) if contact is not None else action_view(a)

    return {"actions": [view(a) for a in offered_here],
            "likely": [view(a) for a in likely],
            "other_actions": [view(a) for a in others],
            "soonest": clock_view(open_clocks[0], _rules(), now) if open_clocks else None,
            "bookings": contact_bookings(contact) if contact is not None else [],
            "next_step": who_acts_next(stage), "returned": _returned(page)}


def _returned(page: ContactPage) -> dict[str, str] | None:
    """Work sent back and not yet done again, as the top of the page tells it: the
    manager by name, when, and what they said needs to change."""
    back = page.returned
    if back is None:
        return None
    return {"what": back.what, "by": person_name(back.by), "when": when(back.at),
            "says": back.says, "heading": RETURN_LABEL}


def _census_warnings(child_id: int | None, contact_id: int, now: datetime) -> list[Any]:
    """What the census rules about one child say of the child and of this referral: the
    child's record (put right on the person page) and this contact's own findings."""
    if child_id is None:
        return []
    today = now.astimezone(LONDON).date()
    return [f for f in child_warnings(g.db, child_id, _rules().people, today)
            if f.fix.page == "person" or f.contact_id == contact_id]


def _catalogue(now: datetime) -> Any:
    registry = current_app.extensions["catalogues"]
    return registry.active_on(now.astimezone(LONDON).date())


def _decided_under(decision: Any) -> str:
    """The levels-of-need catalogue a decision was judged against, by its title and
    version ("Levels of need, … (2022), version 1"), not its file id."""
    if decision is None:
        return ""
    stamp = decision.stamp
    try:
        title = current_app.extensions["catalogues"].get(stamp.catalogue_id,
                                                         stamp.catalogue_version).title
    except CatalogueNotFoundError:
        title = "a levels-of-need catalogue no longer configured"
    return f"{title}, version {stamp.catalogue_version}"


def contact_page_response(contact_id: int, status: int = 200, **extra: Any
                          ) -> tuple[str, int]:
    """The contact page, latest state, with whatever a refusal adds (errors, typed)."""
    context = _contact_context(contact_id) | {"errors": {}, "typed": {}, "open_action": None}
    context |= extra
    context["form_shown"] = _form_shown(context)
    ticked = context["typed"].get("indicators", []) if context["open_action"] else []
    context["recommendation"] = _safe_recommend(context["catalogue"], ticked)
    return render_template("contact.html", title=f"Contact {reference_for(contact_id)}",
                           **context), status


def _form_shown(context: dict[str, Any]) -> bool:
    """Whether the form of the action just sent is on the page again (so a stale refusal
    can say the typing is kept in it): the page's list, the requests panel, or the row of
    the request it named while that request is still open."""
    name, mash = context["open_action"], context["mash"]
    if name in [a["name"] for a in context["actions"] + mash["panel_actions"]]:
        return True
    rid = str(context["typed"].get("request_id", ""))
    open_ids = {str(r["id"]) for r in mash["requests"] if r["open"]}
    return name in [a["name"] for a in mash["row_actions"]] and rid in open_ids


def _safe_recommend(catalogue: Any, ticked: list[str]) -> Any:
    try:
        return recommend(catalogue, ticked)
    except ThresholdsError:
        return recommend(catalogue, [])


@bp.get("/contacts/<int:contact_id>")
@allow(*CASEWORKERS, Role.PRINCIPAL_SOCIAL_WORKER)
def contact(contact_id: int) -> tuple[str, int]:
    """Summary, stage, every clock, the actions allowed now, the timeline and the diagram."""
    return contact_page_response(contact_id)


def _typed(form: MultiDict[str, str]) -> dict[str, Any]:
    typed: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    for name in set(form.keys()):
        if len(form.getlist(name)) > 1 or name in ("indicators", "factors"):
            typed[name] = form.getlist(name)
    return typed


@bp.post("/contacts/<int:contact_id>/actions/<name>")
@allow(*CASEWORKERS)
def action(contact_id: int, name: str) -> Response | tuple[str, int]:
    """Fire one action; a refusal re-shows the page with the message and what was typed."""
    page: dict[str, Any] = {"typed": _typed(request.form), "open_action": name}
    try:
        chosen = _rules().engine.action(name)
        version, data = form_data(chosen, request.form)
        if request.form.get("preview") and chosen.preview:
            return contact_page_response(contact_id, **page)
        read = read_version(version)
        if read is None:
            raise InvalidInput({"version": "Reload the page: the form did not say which "
                                           "version of the contact it showed"})
        done = handle(current_app.extensions["uow"](), _rules(),
                      Act(name, contact_id, current_user.actor, _now(), data, read))
    except FrontDoorError as error:
        return refusal_page(contact_id, error, page)
    flash(" ".join(filter(None, (f"{chosen.label}: done.", who_acts_next(done["stage"])))),
          "success")
    return redirect(_after(contact_id, chosen))


def _after(contact_id: int, chosen: Action[Any]) -> str:
    anchor = "#mash-requests" if "requests" in chosen.offered_in else ""
    return f"/contacts/{contact_id}{anchor}"


def refusal_page(contact_id: int, error: FrontDoorError, page: dict[str, Any]
                 ) -> tuple[str, int]:
    """The contact page again, latest state, with the refusal at its field and input kept."""
    if isinstance(error, StaleVersion):
        return contact_page_response(contact_id, 409, stale=error.message, **page)
    if error.status == 404:
        abort(404, error.message)
    if isinstance(error, InvalidInput):
        return contact_page_response(contact_id, 422, errors=error.errors, **page)
    failed = error.errors if isinstance(error, GuardFailed) and error.errors else \
        {"action": error.message}
    try:
        chosen = _rules().engine.action(page["open_action"])
    except FrontDoorError:
        chosen = None
    errors: dict[str, str] = {}
    for field, message in failed.items():
        # Not a field of this form (e.g. no RAG yet): shown by the actions instead.
        shown = field if chosen is not None and owns_field(chosen, field) else "action"
        errors.setdefault(shown, message)
    return contact_page_response(contact_id, error.status, errors=errors, **page)


__all__ = ["action_view", "bp", "contact_page_response", "offered", "refusal_page"]
