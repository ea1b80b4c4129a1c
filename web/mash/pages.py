"""MASH pages: the partner agency inbox, a child's chronology and agency performance.

A partner practitioner is granted the inbox and nothing else: every other URL is refused
with 403 and logged by the deny-by-default hook (``web.access``). An answer is one command,
``Act("answer_request", ...)`` located by the request; an answer for another agency's
request is refused without saying anything about the case.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
)
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from reporting.chronology import chronology, to_csv
from reporting.mash import agency_performance, child_exists, inbox, recent_months
from web.access import allow, log_access, log_children_shown
from web.contact.panels import mash_config
from web.forms import fields_for, form_data
from web.views import when
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput
from workflow.mash.records import Sharing
from workflow.roles import Role
from workflow.services import Act, handle

bp = Blueprint("mash", __name__)
FRONT_DOOR = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)
CASEWORKERS = FRONT_DOOR + (Role.SOCIAL_WORKER,)
OVERSIGHT = (Role.TEAM_MANAGER, Role.MASH_CHAIR)


def _now() -> datetime:
    return datetime.now(UTC)


def _rules() -> Any:
    return current_app.extensions["rules"]


# -- the partner agency inbox --------------------------------------------------------
def inbox_context(agency: str | None) -> dict[str, Any]:
    """What a partner sees: their agency's requests, the child's name and birth date only,
    and the answer form drawn from the answer action's payload."""
    if not agency:
        abort(403, "Your account is not bound to a partner agency.")
    rows = inbox(g.db, agency, _now())
    log_children_shown([r["child_id"] for r in rows["open"] + rows["answered"]
                        if r.get("child_id")])
    config = mash_config()
    return {"agency": config.agencies.name(agency), "open": rows["open"],
            "answered": rows["answered"], "when": when, "bases": config.lawful_bases,
            "sharing_labels": {s.value: s.label for s in Sharing},
            "answer_fields": fields_for(_rules().engine.action("answer_request"))}


@bp.get("/inbox")
@allow(Role.PARTNER)
def agency_inbox() -> str:
    """The agency inbox: open requests soonest due first, overdue marked, answer forms."""
    return render_template("mash/inbox.html", title="Agency inbox", errors={}, typed={},
                           failed=None,
                           **inbox_context(current_user.agency))


@bp.post("/inbox/requests/<int:request_id>/answer")
@allow(Role.PARTNER)
def answer(request_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Answer a request addressed to my agency; another agency's request is refused."""
    answering = _rules().engine.action("answer_request")
    try:
        _version, data = form_data(answering, request.form)
        handle(current_app.extensions["uow"](), _rules(),
               Act(answering.name, None, current_user.actor, _now(),
                   data | {answering.locate: request_id}))
    except FrontDoorError as error:
        return _inbox_refusal(request_id, error)
    flash("Your answer was sent.", "success")
    return redirect("/inbox")


def _errors(request_id: int, error: FrontDoorError) -> dict[str, str]:
    """A refusal at the field it is about; one about the request itself, beside it."""
    if isinstance(error, InvalidInput):
        return dict(error.errors)
    if isinstance(error, GuardFailed) and error.field:
        return {error.field: error.message}
    return {f"answer-{request_id}": error.message}


def _inbox_refusal(request_id: int, error: FrontDoorError) -> tuple[str, int]:
    if error.status == 403:
        log_access(None, None, "denied")
    typed = {k: v for k, v in request.form.items() if k != "csrf_token"}
    return render_template("mash/inbox.html", title="Agency inbox",
                           errors=_errors(request_id, error), failed=request_id, typed=typed,
                           **inbox_context(current_user.agency)), error.status


# -- a child's chronology ------------------------------------------------------------
def _child_or_404(child_id: int) -> dict[str, Any]:
    child = child_exists(g.db, child_id)
    if child is None:
        abort(404, f"There is no child {child_id}.")
    log_access(child_id, None)
    return child


@bp.get("/children/<int:child_id>/chronology")
@allow(*CASEWORKERS, Role.PRINCIPAL_SOCIAL_WORKER)
def child_chronology(child_id: int) -> str:
    """Everything known about one child across all contacts, oldest first; printable."""
    child = _child_or_404(child_id)
    entries = chronology(g.db, child_id, mash_config().agencies, _now(),
                         mash_config().lawful_bases)
    return render_template("mash/chronology.html", title="Chronology", child=child,
                           entries=entries, when=when, errors={})


@bp.get("/children/<int:child_id>/chronology.csv")
@allow(*CASEWORKERS)
def child_chronology_csv(child_id: int) -> Response:
    """The same chronology as CSV (UK dates; spreadsheet formulas neutralised)."""
    _child_or_404(child_id)
    body = to_csv(chronology(g.db, child_id, mash_config().agencies, _now(),
                             mash_config().lawful_bases))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="chronology-child-{child_id}.csv"'})


# -- agency performance ---------------------------------------------------------------
def performance_context(months: int) -> dict[str, Any]:
    """Six months of agency performance, newest month first (shared with the API)."""
    calendar = _rules().calendar
    now = _now()
    shown = recent_months(calendar, now, months)
    rows = agency_performance(g.db, calendar, now, shown)
    return {"rows": rows, "months": shown, "names": mash_config().agencies.name}


@bp.get("/mash/agencies")
@allow(*OVERSIGHT)
def agencies() -> str:
    """Per agency and month: sent, answered in time, median working hours, overdue now."""
    months = request.args.get("months", "6")
    count = int(months) if months.isdigit() and 1 <= int(months) <= 24 else 6
    return render_template("mash/agencies.html", title="Agency performance", errors={},
                           **performance_context(count))
