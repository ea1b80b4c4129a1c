"""What the audits teach: each quarter's themes, the agreed grades per practice standard
area, and the tracker of agreed actions.

Staff read every theme; a partner agency reads only the themes the principal social worker
published for partners (words about practice, never about a child). The CSV export goes
through the one cell escaper, so a theme typed as a formula stays text.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from reporting.audits import agreed_grades, all_actions, quarter_of, themes
from reporting.cells import csv_text
from web.access import allow_auditors
from web.audits.pages import PRACTITIONERS
from web.audits.sampling import audit_rules, bp, local_today, now
from web.views import day, when
from workflow.audits.commands import RecordLearning
from workflow.audits.forms import GRADES
from workflow.errors import FrontDoorError, InvalidInput
from workflow.roles import Role
from workflow.services import handle

#: Everyone who works with children's cases reads the learning (partners: published only).
READERS = (*PRACTITIONERS, Role.PARTNER)


def _partner_view() -> bool:
    return current_user.role is Role.PARTNER


def _quarter() -> tuple[str, dict[str, str]]:
    asked = request.args.get("quarter", "").strip()
    if not asked:
        return quarter_of(now()), {}
    year, _, number = asked.partition("-Q")
    if len(asked) == 7 and year.isdigit() and number in ("1", "2", "3", "4"):
        return asked, {}
    return quarter_of(now()), {"quarter": "Choose a quarter such as 2026-Q4"}


def area_summary(quarter: str) -> list[dict[str, Any]]:
    """Agreed grades counted per practice standard area, in the order the forms ask."""
    areas: dict[tuple[str, str, str], str] = {}
    for form in audit_rules().forms.values():
        for version in form.versions:
            for area in version.areas:
                areas.update({(form.id, version.version, q.id): area.title
                              for q in area.questions})
    counts: dict[str, Counter[str]] = {}
    for form_id, version, question, grade, n in agreed_grades(g.db, quarter):
        title = areas.get((form_id, version, question), question)
        counts.setdefault(title, Counter())[grade] += n
    return [{"area": title, **{k: c[k] for k in GRADES}, "total": sum(c.values())}
            for title, c in counts.items()]


@bp.get("/audits/learning")
@allow_auditors(*READERS)
def learning() -> tuple[str, int]:
    """The quarter's learning: themes (and, for staff, the grades per area)."""
    quarter, errors = _quarter()
    partner = _partner_view()
    return render_template(
        "audits/learning.html", title="Learning from audits", quarter=quarter,
        themes=themes(g.db, quarter, published_only=partner),
        summary=[] if partner else area_summary(quarter), grades=GRADES, partner=partner,
        auditor=audit_rules().may_audit(current_user.role), errors=errors, typed={},
        when=when), 422 if errors else 200


@bp.post("/audits/learning")
@allow_auditors()
def add_learning() -> WerkzeugResponse | tuple[str, int]:
    """Record a theme of the quarter (published to partners when ticked)."""
    typed = {k: request.form.get(k, "")[:4000] for k in ("quarter", "theme", "summary")}
    try:
        handle(current_app.extensions["uow"](), current_app.extensions["rules"],
               RecordLearning(typed["quarter"], typed["theme"], typed["summary"],
                              request.form.get("published") == "yes", current_user.actor,
                              now()))
    except InvalidInput as refused:
        return render_template(
            "audits/learning.html", title="Learning from audits", quarter=quarter_of(now()),
            themes=themes(g.db, quarter_of(now())), summary=area_summary(quarter_of(now())),
            grades=GRADES, partner=False, auditor=True, typed=typed,
            errors={("new-quarter" if k == "quarter" else k): v
                    for k, v in refused.errors.items()},
            when=when), 422
    except FrontDoorError as refused:
        abort(refused.status, str(refused))
    flash("Theme recorded.", "success")
    return redirect(f"/audits/learning?quarter={typed['quarter']}", 303)


@bp.get("/audits/learning.csv")
@allow_auditors(*READERS)
def learning_csv() -> Response:
    """Every theme (a partner: the published ones), newest quarter first, formula-safe."""
    rows = [(t.quarter, t.theme, t.summary, "Yes" if t.published else "No",
             t.recorded_at.date().isoformat())
            for t in themes(g.db, published_only=_partner_view())]
    body = csv_text(("Quarter", "Theme", "Summary", "Shared with partners", "Recorded on"),
                    rows)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="learning-from-audits.csv"'})


@bp.get("/audits/actions")
@allow_auditors()
def actions() -> str:
    """Every agreed action, soonest due first, with what is overdue and what is done."""
    return render_template("audits/actions.html", title="Agreed actions",
                           actions=all_actions(g.db), today=local_today(), day=day,
                           when=when)
