"""Front-door pages: the work queue, recording a contact, the contact page and its actions,
and allocation. Handlers only translate a request into a service call and the answer
into a page (Cosmic Python's entrypoint habit); every refusal keeps what was typed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from reporting.queries import QueueFilter, contact_detail, stage_counts, work_queue
from thresholds import ThresholdsError, recommend
from thresholds.decide import decision_payload
from web.access import allow, log_access
from web.casework_views import casework_panel
from web.forms import (
    ACTION_FIELDS,
    OUTCOMES,
    NewContactSchema,
    flat_errors,
    form_data,
    owns_field,
    parse_action,
)
from web.mash_intake import IDENTIFIERS, identifiers, intake_check, known_child_step
from web.mash_views import PANEL_TRIGGERS, contact_panel, mash_uow
from web.views import LONDON, clock_view, diagram_stages, event_view, when
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput, StaleVersion
from workflow.intake.records import ChildDetails
from workflow.roles import Role
from workflow.services import CHANNELS, REFERRAL_SOURCES, Actor, NewContact, fire, record_contact
from workflow.spec import TABLE
from workflow.stages import STAGES, Stage

bp = Blueprint("contacts", __name__)
CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
INTAKE = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)
MAX_CHILDREN = 4


def _actor() -> Actor:
    return Actor(current_user.username, current_user.role)


def _now() -> datetime:
    return datetime.now(UTC)


# -- work queue -----------------------------------------------------------------------
def _queue_filter(args: MultiDict[str, str]) -> tuple[QueueFilter, dict[str, str]]:
    errors: dict[str, str] = {}
    stage = args.get("stage") or None
    if stage and stage not in {s.value for s in Stage}:
        errors["stage"] = "Choose a stage from the list"
        stage = None
    rag = args.get("rag") or None
    if rag and rag not in ("red", "amber", "green"):
        errors["rag"] = "Choose red, amber or green"
        rag = None
    page = args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    size = int(current_app.config["FRONTDOOR_WEB"].get("page_size", 50))
    worker = args.get("worker") or None
    if args.get("scope", "mine" if current_user.role == Role.SOCIAL_WORKER else "") == "mine":
        worker = current_user.username
    return QueueFilter(stage=stage, rag=rag, worker=worker, overdue_only=args.get("overdue")
                       == "yes", limit=size, offset=(number - 1) * size), errors


@bp.get("/queue")
@allow(*CASEWORKERS)
def queue() -> str:
    """My work: soonest due first, with RAG and overdue badges, filters and stage counts."""
    f, errors = _queue_filter(request.args)
    now = _now()
    rows = work_queue(g.db, f, now)
    for row in rows:
        row["due_text"] = when(row["next_due"])
        row["stage_title"] = STAGES[Stage(row["stage"])].title
    counts = stage_counts(g.db, f)
    return render_template("queue.html", title="My work", rows=rows, counts=counts, f=f,
                           errors=errors, stages=STAGES, args=request.args,
                           page=f.offset // f.limit + 1, has_more=len(rows) == f.limit)


# -- new contact ----------------------------------------------------------------------
def _children_from_form(form: MultiDict[str, str]) -> list[dict[str, str]]:
    kids = []
    for i in range(MAX_CHILDREN):
        child = {k: (form.get(f"child-{i}-{k}") or "").strip()
                 for k in ("first_name", "last_name", "date_of_birth", *IDENTIFIERS)}
        if any(child.values()):
            kids.append(child)
    return kids


def _child_details(kids: list[dict[str, str]]) -> tuple[list[ChildDetails], dict[str, str]]:
    errors: dict[str, str] = {}
    details = []
    for i, kid in enumerate(kids):
        if not kid.get("first_name") or not kid.get("last_name"):
            errors[f"child-{i}-first_name"] = f"Enter child {i + 1}'s first and last name"
            continue
        dob = None
        if kid.get("date_of_birth"):
            try:
                dob = datetime.strptime(kid["date_of_birth"], "%Y-%m-%d").date()
            except ValueError:
                errors[f"child-{i}-date_of_birth"] = f"Enter child {i + 1}'s date of birth " \
                    "as a real date"
                continue
        ids, id_errors = identifiers(kid, i)  # MASH (issue 5): NHS number / UPN
        errors |= id_errors
        details.append(ChildDetails(kid["first_name"][:80], kid["last_name"][:80], dob,
                                    nhs_number=ids["nhs_number"], upn=ids["upn"]))
    return details, errors


def _new_contact_page(values: dict[str, Any], errors: dict[str, str], status: int = 200,
                      matches: list[dict[str, Any]] | None = None) -> tuple[str, int]:
    return render_template("contact_new.html", title="Record a new contact", values=values,
                           errors=errors, sources=REFERRAL_SOURCES, channels=CHANNELS,
                           slots=range(MAX_CHILDREN), matches=matches or []), status


@bp.get("/contacts/new")
@allow(*INTAKE)
def new_contact() -> tuple[str, int]:
    """The intake form (received time defaults to now, London time)."""
    now_local = _now().astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    return _new_contact_page({"received_at": now_local}, {})


@bp.post("/contacts/new")
@allow(*INTAKE)
def new_contact_post() -> Response | tuple[str, int]:
    """Record one contact per child; siblings share an intake."""
    form = request.form
    kids = _children_from_form(form)
    data = {k: form.get(k) for k in ("received_at", "source", "channel", "referrer",
                                     "concerns", "consent") if form.get(k)}
    values = dict(form.items())
    details, errors = _child_details(kids)
    try:
        loaded = NewContactSchema().load(data | {"children": kids})
    except ValidationError as error:
        errors = flat_errors(error) | errors  # every problem at once (GOV.UK pattern)
    if errors:
        return _new_contact_page(values, errors, 422)
    known = known_child_step(g.db, form, details)  # MASH (issue 5): is the child known?
    if known.unresolved:
        return _new_contact_page(values, known.errors, 422 if known.errors else 200,
                                 known.unresolved)
    intake = NewContact(loaded["received_at"], loaded["source"], known.children,
                        loaded["channel"], loaded["referrer"], loaded["concerns"],
                        loaded["consent"])
    try:
        made = record_contact(mash_uow(), current_app.extensions["rules"],
                              intake, _actor(), _now(), intake_check())
    except InvalidInput as error:
        return _new_contact_page(values, error.errors, 422)
    flash(f"Recorded {len(made)} contact(s): " + ", ".join(m["reference"] for m in made),
          "success")
    return redirect(f"/contacts/{made[0]['id']}")


# -- the contact page -----------------------------------------------------------------
def _contact_context(contact_id: int) -> dict[str, Any]:
    detail = contact_detail(g.db, contact_id)
    if detail is None:
        abort(404, f"There is no contact {contact_id}.")
    rules = current_app.extensions["rules"]
    row = detail["contact"]
    now = _now()
    log_access(row.child_id, row.id)
    engine_view = _engine_contact(row)
    triggers = rules.engine.permitted_triggers(engine_view, current_user.role)
    mash = contact_panel(g.db, row, triggers, now)  # MASH (issue 5): requests, meetings
    triggers = [t for t in triggers if t not in PANEL_TRIGGERS and not _own_override(t, row)]
    return {"mash": mash, "casework": casework_panel(g.db, row, now),  # issue 6
        "c": row, "child": detail["child"], "siblings": detail["siblings"],
        "stage": STAGES[Stage(row.stage)],
        "clocks": [clock_view(k, rules, now) for k in detail["clocks"]],
        "events": [event_view(e) for e in reversed(detail["events"])],
        "actions": [(t, _label(t), ACTION_FIELDS.get(t, ())) for t in triggers],
        "diagram": diagram_stages(), "outcomes": OUTCOMES, "when": when,
        "catalogue": _catalogue(now), "decision": (row.facts or {}).get("decision"),
        "pending": row.pending_decision,
    }


def _own_override(trigger: str, row: Any) -> bool:
    """Levels of need (issue 4): nobody is offered the sign-off of their own override (the
    engine's signer_is_not_decider guard would refuse it), even a team manager."""
    decided_by = (row.pending_decision or {}).get("decided_by")
    return trigger == "sign_off" and decided_by == current_user.username


def _engine_contact(row: Any) -> Any:
    from workflow.contact import Contact

    return Contact(received_at=row.received_at, source=row.source, id=row.id,
                   _stage=Stage(row.stage))


def _label(trigger: str) -> str:
    return next(r.label for r in TABLE if r.trigger == trigger)


def _catalogue(now: datetime) -> Any:
    registry = current_app.extensions["catalogues"]
    return registry.active_on(now.astimezone(LONDON).date())


def _contact_page(contact_id: int, status: int = 200, **extra: Any) -> tuple[str, int]:
    context = _contact_context(contact_id) | {"errors": {}, "typed": {}, "open_action": None}
    context |= extra
    ticked = context["typed"].get("indicators", []) if context["open_action"] == "decide" else []
    context["recommendation"] = _safe_recommend(context["catalogue"], ticked)
    return render_template("contact.html", title=f"Contact FD{contact_id:07d}", **context), status


def _safe_recommend(catalogue: Any, ticked: list[str]) -> Any:
    try:
        return recommend(catalogue, ticked)
    except ThresholdsError:
        return recommend(catalogue, [])


@bp.get("/contacts/<int:contact_id>")
@allow(*CASEWORKERS)
def contact(contact_id: int) -> tuple[str, int]:
    """Summary, stage, every clock, the actions allowed now, the timeline and the diagram."""
    return _contact_page(contact_id)


def _typed(form: MultiDict[str, str]) -> dict[str, Any]:
    typed: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    typed["indicators"] = form.getlist("indicators")
    return typed


@bp.post("/contacts/<int:contact_id>/actions/<trigger>")
@allow(*CASEWORKERS)
def action(contact_id: int, trigger: str) -> Response | tuple[str, int]:
    """Fire one action; a refusal re-shows the page with the message and what was typed."""
    form = request.form
    data = form_data(trigger, form)
    typed = _typed(form) | {k: v for k, v in data.items() if isinstance(v, list)}
    page: dict[str, Any] = {"typed": typed, "open_action": trigger}
    if form.get("preview"):
        return _contact_page(contact_id, **page)
    try:
        version, payload = parse_action(trigger, data)
        if trigger == "decide":
            payload = decision_payload(current_app.extensions["catalogues"],
                                       _now().astimezone(LONDON).date(), payload)
        fire(current_app.extensions["uow"](), current_app.extensions["rules"], contact_id,
             trigger, _actor(), payload, version, _now())
    except (ValidationError, ThresholdsError, FrontDoorError) as error:
        return _refusal_page(contact_id, error, page)
    flash(f"{_label(trigger)}: done.", "success")
    return redirect(f"/contacts/{contact_id}")


def _refusal_page(contact_id: int, error: Exception, page: dict[str, Any]) -> tuple[str, int]:
    """The contact page again, latest state, with the refusal at its field and input kept."""
    if isinstance(error, ValidationError):
        return _contact_page(contact_id, 422, errors=flat_errors(error), **page)
    if isinstance(error, ThresholdsError):
        field = getattr(error, "field", "indicators")
        return _contact_page(contact_id, 422, errors={field: getattr(error, "message",
                                                                     str(error))}, **page)
    assert isinstance(error, FrontDoorError)
    if isinstance(error, StaleVersion):
        return _contact_page(contact_id, 409, stale=error.message, **page)
    if error.status == 404:
        abort(404, error.message)
    if isinstance(error, InvalidInput):
        return _contact_page(contact_id, 422, errors=error.errors, **page)
    field = error.field if isinstance(error, GuardFailed) and error.field else "action"
    if not owns_field(page["open_action"], field):
        field = "action"  # not a field of this form (e.g. no RAG yet): show it by the actions
    return _contact_page(contact_id, error.status, errors={field: error.message}, **page)


# -- allocation -----------------------------------------------------------------------
@bp.get("/allocation")
@allow(Role.TEAM_MANAGER)
def allocation() -> str:
    """Open contacts with who holds them, for managers to assign teams and workers."""
    unallocated = request.args.get("show") != "all"
    rows = work_queue(g.db, QueueFilter(limit=200), _now())
    if unallocated:
        rows = [r for r in rows if not r["worker"]]
    for row in rows:
        row["due_text"] = when(row["next_due"])
        row["stage_title"] = STAGES[Stage(row["stage"])].title
    return render_template("allocation.html", title="Allocation", rows=rows, errors={},
                           unallocated=unallocated)


@bp.post("/allocation/<int:contact_id>")
@allow(Role.TEAM_MANAGER)
def allocate(contact_id: int) -> Response | tuple[str, int]:
    """Assign a contact to a team and worker (recorded as an event on the contact)."""
    try:
        version, payload = parse_action("allocate", dict(request.form.items()))
        fire(current_app.extensions["uow"](), current_app.extensions["rules"], contact_id,
             "allocate", _actor(), payload, version, _now())
    except ValidationError as error:
        flash("Allocation not saved: " + "; ".join(flat_errors(error).values()))
        return redirect("/allocation")
    except FrontDoorError as error:
        flash(f"Allocation of FD{contact_id:07d} not saved: {error.message}")
        return redirect("/allocation")
    flash(f"FD{contact_id:07d} allocated.", "success")
    return redirect("/allocation")
