"""One audit's page: the case it audits, the form (a draft is saved, then submitted), the
second auditor's moderation, the agreed actions and the practitioner's response.

Who sees it: auditors, and the practitioner whose work was audited; anyone else is told
there is no such audit (a social worker never reads, or learns of, another worker's
audit). An auditor reading it is logged against the child with the audit as the reason.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from reporting.audits import AuditDetail, audit_detail
from reporting.teams import teams, worker_choices
from web.access import allow_auditors, log_access
from web.audits.sampling import audit_rules, bp, local_today, now, staff_names
from web.views import day, when
from workflow.audits.commands import (
    CompleteAction,
    ModerateAudit,
    ProposedAction,
    RespondToAudit,
    SaveAudit,
)
from workflow.audits.forms import GRADES, KINDS
from workflow.audits.records import STATUSES
from workflow.errors import FrontDoorError, InvalidInput, StaleVersion
from workflow.roles import Role
from workflow.services import handle

#: Whose work may be audited, so who may open their own audit and answer it.
PRACTITIONERS = (Role.SOCIAL_WORKER, Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR)


def _detail_or_404(audit_id: int) -> AuditDetail:
    found = audit_detail(g.db, audit_id)
    if found is None:
        abort(404, "There is no such audit.")
    is_auditor = audit_rules().may_audit(current_user.role)
    if not is_auditor and found.line.practitioner != current_user.username:
        # As if it did not exist: whose work was audited is not told to other workers.
        log_access(found.line.child_id, found.line.contact_id, "outside_scope", reason="")
        abort(404, "There is no such audit.")
    return found


def _context(found: AuditDetail) -> dict[str, Any]:
    line, me = found.line, current_user.username
    form = audit_rules().forms[line.form_id]
    auditor = audit_rules().may_audit(current_user.role)
    today = local_today()
    return {
        "a": line, "d": found, "form": form, "version": form.version(line.form_version),
        "grades": GRADES, "statuses": STATUSES, "kinds": KINDS, "when": when, "day": day,
        "today": today, "workers": worker_choices(teams(g.db, active_only=True)),
        "editable": auditor and line.auditor == me and line.status in ("not_started",
                                                                        "draft"),
        "moderatable": auditor and line.auditor != me and line.status == "submitted",
        "may_respond": line.practitioner == me and line.status in ("submitted",
                                                                   "moderated"),
        "may_close": lambda owner: owner == me or auditor,
        "due_days": audit_rules().action_due_days, "auditor": auditor,
        "names": staff_names()}


def audit_response(audit_id: int, status: int = 200, **extra: Any) -> tuple[str, int]:
    """The audit page, latest state, with whatever a refusal adds (errors, what was typed)."""
    found = _detail_or_404(audit_id)
    if audit_rules().may_audit(current_user.role) and found.line.child_id:
        log_access(found.line.child_id, found.line.contact_id,
                   reason=f"Case audit {found.line.reference}")
    typed = {f"grade-{q}": v[0] for q, v in found.grades.items()} | {
        f"evidence-{q}": v[1] for q, v in found.grades.items()} | {
        "overall": found.line.overall or ""}
    context = {"errors": {}, "typed": typed} | extra
    return render_template("audits/audit.html", title=f"Audit {found.line.reference}",
                           **_context(found), **context), status


@bp.get("/audits/<int:audit_id>")
@allow_auditors(*PRACTITIONERS)
def audit(audit_id: int) -> tuple[str, int]:
    """The audit: the case, the grades, moderation, actions and the response."""
    return audit_response(audit_id)


def _proposed(form: Any) -> ProposedAction | None:
    """The action typed into the form, if any (the due date from its working days)."""
    text, owner = form.get("action_text", "").strip(), form.get("action_owner", "").strip()
    days = form.get("action_days", "").strip()
    if not text and not owner:
        return None
    if days and (not days.isdigit() or len(days) > 4):
        raise InvalidInput({"action_days": "give a whole number of working days"})
    return ProposedAction(text, owner, int(days) if days else None)


def _version() -> int:
    text = request.form.get("version", "")
    if not text.isdigit() or len(text) > 9:
        raise InvalidInput({"version": "reload the page and try again"})
    return int(text)


def _answers(form: Any, prefix: str, second: str, questions: list[str]
             ) -> dict[str, tuple[str, str]]:
    return {q: (form.get(f"{prefix}-{q}", "").strip(), form.get(f"{second}-{q}", ""))
            for q in questions if f"{prefix}-{q}" in form}


def _questions(audit_id: int) -> list[str]:
    line = _detail_or_404(audit_id).line
    version = audit_rules().forms[line.form_id].version(line.form_version)
    return list(version.questions()) if version else []


def _send(audit_id: int, command: Any, done: str) -> Response | tuple[str, int]:
    """Hand the command to the service; a refusal re-shows the page with what was typed."""
    typed = {k: v[:4000] for k, v in request.form.items() if k != "csrf_token"}
    try:
        handle(current_app.extensions["uow"](), current_app.extensions["rules"], command())
    except (InvalidInput, StaleVersion) as refused:
        errors = refused.errors if isinstance(refused, InvalidInput) else {
            "version": str(refused)}
        return audit_response(audit_id, 422 if isinstance(refused, InvalidInput) else 409,
                              errors=errors, typed=typed)
    except FrontDoorError as refused:
        abort(refused.status, str(refused))
    flash(done, "success")
    return redirect(f"/audits/{audit_id}", 303)


@bp.post("/audits/<int:audit_id>")
@allow_auditors()
def save(audit_id: int) -> Response | tuple[str, int]:
    """Save the grades as a draft, or submit them for moderation."""
    submit = request.form.get("submit") == "yes"
    questions = _questions(audit_id)
    return _send(audit_id, lambda: SaveAudit(
        audit_id, _answers(request.form, "grade", "evidence", questions),
        request.form.get("overall", "").strip() or None, submit, current_user.actor, now(),
        _version(), _proposed(request.form)),
        "Audit submitted for moderation." if submit else "Draft saved.")


@bp.post("/audits/<int:audit_id>/moderation")
@allow_auditors()
def moderate(audit_id: int) -> Response | tuple[str, int]:
    """A second auditor agrees or changes the grades, with reasons."""
    questions = _questions(audit_id)
    return _send(audit_id, lambda: ModerateAudit(
        audit_id, _answers(request.form, "moderated", "reason", questions),
        request.form.get("note", ""), current_user.actor, now(), _version(),
        _proposed(request.form)), "Audit moderated: the actions are agreed.")


@bp.post("/audits/<int:audit_id>/response")
@allow_auditors(*PRACTITIONERS)
def respond(audit_id: int) -> Response | tuple[str, int]:
    """The practitioner's response to the audit of their work."""
    _detail_or_404(audit_id)
    return _send(audit_id, lambda: RespondToAudit(
        audit_id, request.form.get("response", ""), current_user.actor, now()),
        "Your response is recorded.")


@bp.post("/audits/actions/<int:action_id>/done")
@allow_auditors(*PRACTITIONERS)
def action_done(action_id: int) -> Response:
    """Mark an agreed action done (its owner, or an auditor), back to where it was listed."""
    try:
        handle(current_app.extensions["uow"](), current_app.extensions["rules"],
               CompleteAction(action_id, request.form.get("note", ""), current_user.actor,
                              now()))
    except FrontDoorError as refused:
        abort(refused.status, str(refused))
    flash("Action marked as done.", "success")
    back = request.form.get("back", "")
    if back not in ("/queue", "/audits/actions"):
        back = "/queue" if current_user.role in PRACTITIONERS else "/audits/actions"
    return redirect(back, 303)
