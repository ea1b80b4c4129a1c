"""MASH pages: information requests, the partner agency inbox, a child's chronology and
agency performance. The daily meeting has its own module (``mash_meetings``).

Handlers translate a request into one service call (``workflow.mash.requests``) and map its
refusal to a message where the person typed (Cosmic Python's entrypoint habit). A partner
practitioner is granted the inbox and nothing else: every other URL is refused with 403
and logged by the deny-by-default hook (``web.access``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Flask,
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
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from reporting.chronology import chronology, to_csv
from reporting.mash import agency_performance, inbox, inbox_child_ids, recent_months
from web.access import allow, log_access, write_session
from web.forms import flat_errors
from web.mash_views import AnswerIn, ReasonIn, RequestIn, mash_config, mash_uow
from web.views import when
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput, StaleVersion
from workflow.mash.config import load_mash_config
from workflow.mash.requests import (
    RequestForm,
    answer_request,
    chase_request,
    close_outstanding_requests,
    request_information,
    withdraw_request,
)
from workflow.persistence.mash_repository import SqlMashUnitOfWork
from workflow.persistence.tables import AccessLogRow, ChildRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.roles import Role
from workflow.services import Actor

bp = Blueprint("mash", __name__)
FRONT_DOOR = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)
CASEWORKERS = FRONT_DOOR + (Role.SOCIAL_WORKER,)
OVERSIGHT = (Role.TEAM_MANAGER, Role.MASH_CHAIR)


def register(app: Flask) -> None:
    """Load the MASH configuration (a mistake stops start-up) and attach the MASH pages."""
    from web.blueprints import mash_meetings

    app.extensions["mash"] = load_mash_config(app.config["CONFIG_DIR"])
    sessions = app.extensions["sessions"]
    app.extensions["mash_uow"] = lambda: SqlMashUnitOfWork(sessions)
    app.register_blueprint(bp)
    app.register_blueprint(mash_meetings.bp)


def _actor() -> Actor:
    return Actor(current_user.username, current_user.role)


def _now() -> datetime:
    return datetime.now(UTC)


def _rules() -> Any:
    return current_app.extensions["rules"]


def _field_errors(error: Exception) -> dict[str, str]:
    """A refusal as field -> message, for the GOV.UK error summary and the field itself."""
    if isinstance(error, ValidationError):
        return flat_errors(error)
    if isinstance(error, InvalidInput):
        return dict(error.errors)
    if isinstance(error, GuardFailed) and error.field:
        return {error.field: error.message}
    return {"action": error.message if isinstance(error, FrontDoorError) else str(error)}


def _refused(contact_id: int, trigger: str, error: Exception) -> tuple[str, int]:
    """The contact page again, latest state, the refusal at its field and the input kept."""
    from web.blueprints.contacts import _contact_page

    if isinstance(error, FrontDoorError) and error.status == 404:
        abort(404, error.message)
    status = error.status if isinstance(error, FrontDoorError) else 422
    typed = {k: v for k, v in request.form.items() if k != "csrf_token"}
    extra = {"stale": error.message} if isinstance(error, StaleVersion) else {}
    return _contact_page(contact_id, status, errors=_field_errors(error), typed=typed,
                         open_action=trigger, **extra)


def _done(contact_id: int, message: str) -> WerkzeugResponse:
    flash(message, "success")
    return redirect(f"/contacts/{contact_id}#mash-requests")


# -- requests, from the contact page ------------------------------------------------
Page = WerkzeugResponse | tuple[str, int]


@bp.post("/contacts/<int:contact_id>/requests")
@allow(*FRONT_DOOR)
def create_request(contact_id: int) -> Page:
    """Ask one agency one question about this contact."""
    try:
        data = RequestIn().load(request.form)
        form = RequestForm(data["agency"], data["question"], data["lawful_basis"],
                           data["authorised_by"], data["lawful_basis_detail"])
        request_information(mash_uow(), _rules(), mash_config(), contact_id, form, _actor(),
                            data["version"], _now())
    except (ValidationError, FrontDoorError) as error:
        return _refused(contact_id, "request_information", error)
    return _done(contact_id, f"Request sent to {mash_config().agencies.name(data['agency'])}.")


def _request_step(contact_id: int, request_id: int | None, trigger: str, step: Any,
                  done: str) -> Page:
    if request_id is not None and g.db.scalar(select(InfoRequestRow.contact_id).where(
            InfoRequestRow.id == request_id)) != contact_id:
        abort(404, f"Contact {contact_id} has no information request {request_id}.")
    try:
        data = ReasonIn().load(request.form)
        step(data)
    except (ValidationError, FrontDoorError) as error:
        return _refused(contact_id, trigger, error)
    return _done(contact_id, done)


@bp.post("/contacts/<int:contact_id>/requests/<int:request_id>/chase")
@allow(*FRONT_DOOR)
def chase(contact_id: int, request_id: int) -> Page:
    """Record a chase of an open request (logged on the contact's timeline)."""
    return _request_step(contact_id, request_id, "chase_request", lambda d: chase_request(
        mash_uow(), _rules(), request_id, _actor(), d["version"], _now()), "Chase recorded.")


@bp.post("/contacts/<int:contact_id>/requests/<int:request_id>/withdraw")
@allow(*FRONT_DOOR)
def withdraw(contact_id: int, request_id: int) -> Page:
    """Withdraw an open request, with a reason."""
    return _request_step(contact_id, request_id, "withdraw_request", lambda d: withdraw_request(
        mash_uow(), _rules(), request_id, d["reason"], _actor(), d["version"], _now()),
        "Request withdrawn.")


@bp.post("/contacts/<int:contact_id>/requests/close")
@allow(Role.TEAM_MANAGER)
def close_outstanding(contact_id: int) -> Page:
    """A manager closes every outstanding request of the contact, with a reason."""
    return _request_step(contact_id, None, "close_outstanding_requests",
                         lambda d: close_outstanding_requests(
                             mash_uow(), _rules(), contact_id, d["reason"], _actor(),
                             d["version"], _now()), "Outstanding requests closed.")


# -- the partner agency inbox --------------------------------------------------------
def inbox_context(agency: str | None) -> dict[str, Any]:
    """What a partner sees: their agency's requests, the child's name and birth date only."""
    if not agency:
        abort(403, "Your account is not bound to a partner agency.")
    now = _now()
    rows = inbox(g.db, agency, now)
    _log_inbox_view(agency)
    return {"agency": mash_config().agencies.name(agency), "open": rows["open"],
            "answered": rows["answered"], "when": when}


def _log_inbox_view(agency: str) -> None:
    """One access-log row per child whose name the inbox shows (DOMAIN.md §6)."""
    children = inbox_child_ids(g.db, agency)
    route = str(request.url_rule or request.path)[:120]
    with write_session() as session:
        session.add_all(AccessLogRow(username=current_user.username, at=_now(), child_id=c,
                                     contact_id=None, route=route, outcome="viewed")
                        for c in children)
        session.commit()


@bp.get("/inbox")
@allow(Role.PARTNER)
def agency_inbox() -> str:
    """The agency inbox: open requests soonest due first, overdue marked, answer forms."""
    return render_template("mash/inbox.html", title="Agency inbox", errors={},
                           **inbox_context(current_user.agency))


@bp.post("/inbox/requests/<int:request_id>/answer")
@allow(Role.PARTNER)
def answer(request_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Answer a request addressed to my agency; another agency's request is refused."""
    try:
        data = AnswerIn().load(request.form)
        answer_request(mash_uow(), _rules(), mash_config(), request_id, data["answer"],
                       _actor(), current_user.agency, _now())
    except (ValidationError, FrontDoorError) as error:
        return _inbox_refusal(request_id, error)
    flash("Your answer was sent.", "success")
    return redirect("/inbox")


def _inbox_refusal(request_id: int, error: Exception) -> tuple[str, int]:
    status = error.status if isinstance(error, FrontDoorError) else 422
    if status == 403:
        log_access(None, None, "denied")
    errors = {f"answer-{request_id}": " ".join(_field_errors(error).values())}
    return render_template("mash/inbox.html", title="Agency inbox", errors=errors,
                           failed=request_id, typed=request.form.get("answer", ""),
                           **inbox_context(current_user.agency)), status


# -- a child's chronology ------------------------------------------------------------
def _child_or_404(child_id: int) -> ChildRow:
    child = g.db.get(ChildRow, child_id)
    if child is None:
        abort(404, f"There is no child {child_id}.")
    log_access(child_id, None)
    return child


@bp.get("/children/<int:child_id>/chronology")
@allow(*CASEWORKERS)
def child_chronology(child_id: int) -> str:
    """Everything known about one child across all contacts, oldest first; printable."""
    child = _child_or_404(child_id)
    entries = chronology(g.db, child_id, mash_config().agencies, _now())
    return render_template("mash/chronology.html", title="Chronology", child=child,
                           entries=entries, when=when, errors={})


@bp.get("/children/<int:child_id>/chronology.csv")
@allow(*CASEWORKERS)
def child_chronology_csv(child_id: int) -> Response:
    """The same chronology as CSV (UK dates; spreadsheet formulas neutralised)."""
    _child_or_404(child_id)
    body = to_csv(chronology(g.db, child_id, mash_config().agencies, _now()))
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

