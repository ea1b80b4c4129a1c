"""Breaking the glass, and the access report for managers and the data protection officer.

A record outside a person's scope is refused with a page that says so and offers one way
on: give a reason. The reason is written to the access log (append-only) and opens the
child's records to that person for a few hours; managers see every reason on the access
report, and the whole history of who viewed a child, exportable for a subject access
request. The child is named by record id in URLs (never a name or date of birth).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from reporting.access_log import AccessLine, glass_broken, who_viewed
from reporting.cells import safe_cell
from reporting.people import person_page
from reporting.scope import contact_allocation
from web.access import allow, break_glass, log_access, scope_exempt
from web.views import LONDON, when
from workflow.roles import Role
from workflow.scope import GLASS_HOURS, glass_reason_problem

bp = Blueprint("access", __name__)
CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
#: Who reads the access report: managers (a data protection officer is given this role).
REPORT_READERS = (Role.TEAM_MANAGER,)


@bp.app_context_processor
def _report_link() -> dict[str, Any]:
    """Whether pages may offer "who viewed this record" to the person signed in."""
    return {"sees_access_report": current_user.is_authenticated
            and current_user.role in REPORT_READERS}


def outside_scope_page(child_id: int | None, contact_id: int | None,
                       error: str = "", typed: str = "") -> tuple[str, int]:
    """The refusal (403): why, and the form that breaks the glass; the same form with its
    problem (422) when the reason will not do."""
    target = (f"/access/contacts/{contact_id}" if contact_id is not None
              else f"/access/people/{child_id}")
    return render_template("errors/outside_scope.html", title="Not one of your cases",
                           target=target, error=error, typed=typed,
                           hours=int(GLASS_HOURS.total_seconds() // 3600),
                           errors={"reason": error} if error else {}), 422 if error else 403


@bp.post("/access/contacts/<int:contact_id>")
@allow(*CASEWORKERS)
@scope_exempt
def open_contact(contact_id: int) -> Response | tuple[str, int]:
    """Break the glass for the child of one contact."""
    found = contact_allocation(g.db, contact_id)
    if found is None:
        abort(404)
    reason = request.form.get("reason", "")
    problem = glass_reason_problem(reason)
    if problem:
        return outside_scope_page(found[3], contact_id, problem[0].upper() + problem[1:],
                                  reason)
    if found[3] is None:  # every contact is about a child; the glass opens the child
        abort(404)
    break_glass(found[3], contact_id, reason)
    return redirect(f"/contacts/{contact_id}")


@bp.post("/access/people/<int:person_id>")
@allow(*CASEWORKERS)
@scope_exempt
def open_person(person_id: int) -> Response | tuple[str, int]:
    """Break the glass for one child's records."""
    if person_page(g.db, person_id) is None:
        abort(404)
    reason = request.form.get("reason", "")
    problem = glass_reason_problem(reason)
    if problem:
        return outside_scope_page(person_id, None, problem[0].upper() + problem[1:], reason)
    break_glass(person_id, None, reason)
    return redirect(f"/people/{person_id}")


@bp.get("/oversight/access")
@allow(*REPORT_READERS)
def report() -> str:
    """Every record opened outside someone's cases in the last 30 days, with the reason."""
    since = datetime.now(UTC) - timedelta(days=30)
    lines = glass_broken(g.db, since)
    return render_template("oversight/access.html", title="Access report", lines=lines,
                           when=when, child=None, errors={})


@bp.get("/oversight/access/people/<int:person_id>")
@allow(*REPORT_READERS)
def child_history(person_id: int) -> str:
    """Who viewed this child's records, when, through what, and why where they had to say."""
    page = person_page(g.db, person_id)
    if page is None:
        abort(404)
    log_access(person_id, None)
    return render_template("oversight/access.html", title="Who viewed this child",
                           lines=who_viewed(g.db, person_id), when=when, child=page,
                           errors={})


@bp.get("/oversight/access/people/<int:person_id>.csv")
@allow(*REPORT_READERS)
def child_history_csv(person_id: int) -> Response:
    """The same as a CSV file (for a subject access request); named by record id only."""
    if person_page(g.db, person_id) is None:
        abort(404)
    log_access(person_id, None, "exported")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["When (UK time)", "Who", "Username", "Role", "Contact", "What",
                     "Page or API", "Reason given"])
    for line in who_viewed(g.db, person_id):
        writer.writerow([safe_cell(v) for v in _csv_row(line)])
    day = datetime.now(UTC).astimezone(LONDON).date().isoformat()
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="access-{person_id}-{day}.csv"'})


def _csv_row(line: AccessLine) -> list[str]:
    return [line.at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M:%S"), line.display_name,
            line.username, line.role, line.contact, line.outcome_text, line.route,
            line.reason]
