"""The lists a worker works from: "My work" (the queue) and allocation.

Both are one SQL query per page (``reporting.queries``): filtered, ordered and paged by
the database, with the total counted by the same filters, so "Showing 1 to 50 of 256"
is true and no contact is dropped. Filters, sort and page live in the URL (``web.lists``).

"My work" puts the worker's own contacts first, then their team's, then the rest of the
front door's (a social worker sees only their own unless they ask for more). Allocation
shows the unallocated contacts with the child, how long ago the contact came in and what
is due; a manager can allocate one row or tick several and allocate them together. A
refusal shows the list again with every choice kept and the reason beside the row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from reporting.audits import open_actions_for
from reporting.queries import SORTS, QueueFilter, queue_total, stage_counts, work_queue
from reporting.teams import team_choices, teams, worker_choices
from web.access import allow, log_children_shown, record_scope
from web.contact.pages import CASEWORKERS, MINE_FIRST, bp
from web.forms import form_data, read_version
from web.lists import ListArgs, Listing, kept_query, read_list_args
from web.views import day
from web.words import label
from workflow.contact import Rag, reference_for
from workflow.errors import FrontDoorError, InvalidInput
from workflow.roles import Role
from workflow.services import Act, handle
from workflow.stages import STAGES, Stage

#: The filters "My work" keeps in its links.
QUEUE_FILTERS = ("stage", "rag", "worker", "child", "overdue", "whose", "sort", "order")
ALLOCATION_FILTERS = ("show", "child", "stage", "sort", "order")
WHOSE = {"first": "Mine and my team's first, then everyone's", "mine": "Only mine",
         "team": "Only my team's"}


def _now() -> datetime:
    return datetime.now(UTC)


def _size() -> int:
    return int(current_app.config["FRONTDOOR_WEB"].get("page_size", 50))


def _choice_errors(args: MultiDict[str, str]) -> dict[str, str]:
    errors = {}
    if (stage := args.get("stage")) and stage not in {s.value for s in Stage}:
        errors["stage"] = "Choose a stage from the list"
    if (rag := args.get("rag")) and rag not in {r.value for r in Rag}:
        errors["rag"] = "Choose red, amber or green"
    if (whose := args.get("whose")) and whose not in WHOSE:
        errors["whose"] = "Choose whose work to show from the list"
    return errors


def _whose(args: MultiDict[str, str]) -> str:
    default = "mine" if current_user.role in MINE_FIRST else "first"
    chosen = args.get("whose") or default
    return chosen if chosen in WHOSE else default


def _queue_filter(args: MultiDict[str, str], la: ListArgs) -> QueueFilter:
    errors = _choice_errors(args)
    whose = _whose(args)
    worker = args.get("worker") or None
    if whose == "mine":
        worker = current_user.username
    return QueueFilter(
        stage=None if "stage" in errors else args.get("stage") or None,
        rag=None if "rag" in errors else args.get("rag") or None, worker=worker,
        team=current_user.team if whose == "team" else None,
        overdue_only=args.get("overdue") == "yes", limit=la.size, offset=la.offset,
        scope=record_scope(), child=la.child, sort=la.sort, descending=la.descending,
        first_for=(current_user.username, current_user.team) if whose == "first" else None)


def _listing(f: QueueFilter, la: ListArgs, kept: tuple[str, ...]) -> Listing:
    now = _now()
    rows = work_queue(g.db, f, now)
    for row in rows:
        row["stage_title"] = STAGES[Stage(row["stage"])].title
        row["due_what"] = label(row["next_rule"]) if row["next_rule"] else None
    log_children_shown([r["child_id"] for r in rows if r.get("child_id")])
    return Listing(rows, queue_total(g.db, f, now), la, kept_query(request.args, kept))


@bp.get("/queue")
@allow(*CASEWORKERS)
def queue() -> str:
    """My work: own contacts, then the team's, then the rest, soonest due first."""
    la = read_list_args(request.args, SORTS, "due", _size())
    f = _queue_filter(request.args, la)
    listing = _listing(f, la, QUEUE_FILTERS)
    return render_template(
        "queue.html", title="My work", listing=listing, rows=listing.rows, f=f,
        counts=stage_counts(g.db, f), stages=STAGES, args=request.args, whose=WHOSE,
        chosen_whose=_whose(request.args), agreed=open_actions_for(g.db, current_user.username),
        day=day, today=current_app.extensions["rules"].calendar.local_date(_now()),
        errors=_choice_errors(request.args) | la.errors)


# -- allocation -----------------------------------------------------------------------
def _allocation_page(status: int = 200, errors: dict[str, str] | None = None,
                     typed: dict[Any, Any] | None = None) -> tuple[str, int]:
    args = request.args
    la = read_list_args(args, SORTS, "due", _size())
    unallocated = args.get("show") != "all"
    stage = args.get("stage") if args.get("stage") in {s.value for s in Stage} else None
    f = QueueFilter(limit=la.size, offset=la.offset, unallocated_only=unallocated,
                    stage=stage, child=la.child, sort=la.sort, descending=la.descending,
                    scope=record_scope())
    listing = _listing(f, la, ALLOCATION_FILTERS)
    lines = teams(g.db, active_only=True)
    return render_template(
        "allocation.html", title="Allocation", listing=listing, rows=listing.rows,
        errors=(errors or {}) | la.errors, typed=typed or {}, unallocated=unallocated,
        teams=lines, team_choices=team_choices(lines), worker_choices=worker_choices(lines),
        stages=STAGES, args=args), status


@bp.get("/allocation")
@allow(Role.TEAM_MANAGER)
def allocation() -> tuple[str, int]:
    """Open contacts with who holds them, for managers to assign teams and workers."""
    return _allocation_page()


def _allocate_one(contact_id: int, form: MultiDict[str, str]) -> None:
    allocating = current_app.extensions["rules"].engine.action("allocate")
    version, data = form_data(allocating, form)
    read = read_version(version)
    if read is None:
        raise InvalidInput({"version": "reload the page and try again"})
    handle(current_app.extensions["uow"](), current_app.extensions["rules"],
           Act(allocating.name, contact_id, current_user.actor, _now(), data, read))


def _back() -> str:
    """Back to the same page of the list (only ever the allocation page itself)."""
    back = request.form.get("back") or ""
    return back if back.startswith("/allocation?") else "/allocation"


@bp.post("/allocation/<int:contact_id>")
@allow(Role.TEAM_MANAGER)
def allocate(contact_id: int) -> Response | tuple[str, int]:
    """Assign one contact to a team and worker (recorded as an event on the contact);
    a refusal shows the list again with the choices kept and the reason by the row."""
    form = MultiDict([(k, v) for k, v in request.form.items(multi=True) if k != "back"])
    try:
        _allocate_one(contact_id, form)  # "back" is where to return to, not the action's
    except FrontDoorError as error:
        return _allocation_page(422, {f"row-{contact_id}": error.message},
                                {contact_id: request.form.to_dict()})
    flash(f"{reference_for(contact_id)} allocated.", "success")
    return redirect(_back())


@bp.post("/allocation/bulk")
@allow(Role.TEAM_MANAGER)
def allocate_many() -> Response | tuple[str, int]:
    """Allocate every ticked contact to one team and worker; each is its own command, so
    one refusal (a contact that moved on) does not undo the others, and each says why."""
    chosen = [int(c) for c in request.form.getlist("contact") if c.isdigit()][:200]
    if not chosen:
        return _allocation_page(422, {"contact": "Select at least one contact to allocate"})
    done, errors = [], {}
    for contact_id in chosen:
        form = MultiDict({"team": request.form.get("team", ""),
                          "worker": request.form.get("worker", ""),
                          "version": request.form.get(f"version-{contact_id}", "")})
        try:
            _allocate_one(contact_id, form)
            done.append(reference_for(contact_id))
        except FrontDoorError as error:
            errors[f"row-{contact_id}"] = f"{reference_for(contact_id)}: {error.message}"
    if errors:
        if done:
            flash(f"Allocated {len(done)}: {', '.join(done)}.", "success")
        kept = {"team": request.form.get("team", ""), "worker": request.form.get("worker", ""),
                "contact": [str(c) for c in chosen if f"row-{c}" in errors]}
        return _allocation_page(422, errors, {"bulk": kept})
    flash(f"Allocated {len(done)} contacts: {', '.join(done)}.", "success")
    return redirect(_back())
