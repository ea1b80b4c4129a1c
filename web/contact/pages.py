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

from reporting.audits import open_actions_for
from reporting.cin_census import child_warnings
from reporting.contact_page import ContactPage, contact_page, load_contact
from reporting.queries import QueueFilter, stage_counts, work_queue
from reporting.teams import team_choices, teams, worker_choices
from thresholds import ThresholdsError, recommend
from web.access import allow, log_access, log_children_shown, record_scope
from web.contact.panels import casework_panel, mash_panel
from web.forms import (
    asks_indicators,
    fields_for,
    form_data,
    owns_field,
    read_version,
    record_field,
)
from web.views import LONDON, clock_view, day, diagram_stages, event_view, when
from workflow.contact import Rag, reference_for
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
_MINE_FIRST = (Role.SOCIAL_WORKER, Role.FAMILY_HELP_PRACTITIONER)


def _now() -> datetime:
    return datetime.now(UTC)


def _rules() -> Any:
    return current_app.extensions["rules"]


# -- work queue -----------------------------------------------------------------------
def _queue_filter(args: MultiDict[str, str]) -> tuple[QueueFilter, dict[str, str]]:
    errors: dict[str, str] = {}
    stage = args.get("stage") or None
    if stage and stage not in {s.value for s in Stage}:
        errors["stage"] = "Choose a stage from the list"
        stage = None
    rag = args.get("rag") or None
    if rag and rag not in {r.value for r in Rag}:
        errors["rag"] = "Choose red, amber or green"
        rag = None
    page = args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    size = int(current_app.config["FRONTDOOR_WEB"].get("page_size", 50))
    worker = args.get("worker") or None
    if args.get("scope", "mine" if current_user.role in _MINE_FIRST else "") == "mine":
        worker = current_user.username
    return QueueFilter(stage=stage, rag=rag, worker=worker, overdue_only=args.get("overdue")
                       == "yes", limit=size, offset=(number - 1) * size,
                       scope=record_scope()), errors


@bp.get("/queue")
@allow(*CASEWORKERS)
def queue() -> str:
    """My work: soonest due first, with RAG and overdue badges, filters and stage counts."""
    f, errors = _queue_filter(request.args)
    rows = work_queue(g.db, f, _now())
    for row in rows:
        row["due_text"] = when(row["next_due"])
        row["stage_title"] = STAGES[Stage(row["stage"])].title
    log_children_shown([r["child_id"] for r in rows if r.get("child_id")])
    counts = stage_counts(g.db, f)
    return render_template("queue.html", title="My work", rows=rows, counts=counts, f=f,
                           agreed=open_actions_for(g.db, current_user.username), day=day,
                           today=_rules().calendar.local_date(_now()),
                           errors=errors, stages=STAGES, args=request.args,
                           page=f.offset // f.limit + 1, has_more=len(rows) == f.limit)


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
    mash = mash_panel(page, [a.name for a in panel], now) | {
        "row_actions": [action_view(a) for a in panel if record_field(a)],
        "panel_actions": [action_view(a) for a in panel if not record_field(a)]}
    return {"page": page, "c": c, "child": page.child, "siblings": page.siblings,
            "stage": STAGES[Stage(c.stage)], "mash": mash,
            "casework": casework_panel(page),
            "clocks": [clock_view(k, _rules(), now) for k in page.clocks],
            "events": [event_view(e) for e in reversed(page.events)],
            "actions": _actions(contact_id), "diagram": diagram_stages(), "when": when,
            "catalogue": _catalogue(now), "decision": page.decision, "pending": page.pending,
            "census": _census_warnings(c.child_id, contact_id, now)}


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
        handle(current_app.extensions["uow"](), _rules(),
               Act(name, contact_id, current_user.actor, _now(), data, read))
    except FrontDoorError as error:
        return refusal_page(contact_id, error, page)
    flash(f"{chosen.label}: done.", "success")
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
    field = error.field if isinstance(error, GuardFailed) and error.field else "action"
    try:
        chosen = _rules().engine.action(page["open_action"])
    except FrontDoorError:
        chosen = None
    if chosen is None or not owns_field(chosen, field):
        field = "action"  # not a field of this form (e.g. no RAG yet): show it by the actions
    return contact_page_response(contact_id, error.status, errors={field: error.message},
                                 **page)


# -- allocation -----------------------------------------------------------------------
@bp.get("/allocation")
@allow(Role.TEAM_MANAGER)
def allocation() -> str:
    """Open contacts with who holds them, for managers to assign teams and workers."""
    unallocated = request.args.get("show") != "all"
    rows = work_queue(g.db, QueueFilter(limit=200, unallocated_only=unallocated), _now())
    for row in rows:
        row["due_text"] = when(row["next_due"])
        row["stage_title"] = STAGES[Stage(row["stage"])].title
    lines = teams(g.db, active_only=True)
    return render_template("allocation.html", title="Allocation", rows=rows, errors={},
                           unallocated=unallocated, teams=lines,
                           team_choices=team_choices(lines),
                           worker_choices=worker_choices(lines))


@bp.post("/allocation/<int:contact_id>")
@allow(Role.TEAM_MANAGER)
def allocate(contact_id: int) -> Response:
    """Assign a contact to a team and worker (recorded as an event on the contact)."""
    allocating = _rules().engine.action("allocate")
    version, data = form_data(allocating, request.form)
    read = read_version(version)
    try:
        if read is None:
            raise InvalidInput({"version": "reload the page and try again"})
        handle(current_app.extensions["uow"](), _rules(),
               Act(allocating.name, contact_id, current_user.actor, _now(), data, read))
    except FrontDoorError as error:
        flash(f"Allocation of {reference_for(contact_id)} not saved: {error.message}")
        return redirect("/allocation")
    flash(f"{reference_for(contact_id)} allocated.", "success")
    return redirect("/allocation")


__all__ = ["action_view", "bp", "contact_page_response", "offered", "refusal_page"]
