"""Assessment pages: one assessment (visits, factors, clocks, its actions) and the team
managers' authorisation queue.

Handlers only read (through ``reporting``) and render; every change is posted to the
contact's one action route and so goes through the same command, rules and records as the
contact page and the API.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, abort, current_app, g, render_template
from flask_login import current_user

from reporting.assessments import awaiting_authorisation
from reporting.contact_page import contact_page
from web.access import allow, log_access, log_children_shown
from web.contact.pages import action_view, offered
from web.contact.panels import casework_panel, grid_rows
from web.views import clock_view, when
from workflow.contact import reference_for
from workflow.roles import Role
from workflow.stages import STAGES, Stage

bp = Blueprint("assessments", __name__)
CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
ASSESSMENT_CLOCKS = ("assessment", "assessment_dfe", "child_seen_s17", "child_seen_s47")


def _now() -> datetime:
    return datetime.now(UTC)


def queue_rows(now: datetime) -> list[dict[str, Any]]:
    """The authorisation queue as the page and the API show it."""
    waiting = awaiting_authorisation(g.db)
    log_children_shown([w.child_id for w in waiting if w.child_id])
    return [{"contact_id": w.contact_id, "reference": w.reference, "child": w.child,
             "kind": w.kind, "author": w.author, "submitted": when(w.submitted_at),
             "submitted_at": w.submitted_at, "due_at": w.due_at, "due": when(w.due_at),
             "late": w.late(now), "team": w.team, "factors": list(w.factors),
             "own": w.author == current_user.username} for w in waiting]


@bp.get("/assessments/authorise")
@allow(Role.TEAM_MANAGER)
def authorise_queue() -> str:
    """Assessments submitted by their authors and waiting for a manager, soonest due first."""
    rows = queue_rows(_now())
    for row in rows:
        row["factors"] = ", ".join(row["factors"])
    return render_template("assessments/authorise.html", title="Authorise assessments",
                           rows=rows, errors={})


@bp.get("/contacts/<int:contact_id>/assessment")
@allow(*CASEWORKERS, Role.PRINCIPAL_SOCIAL_WORKER)
def assessment(contact_id: int) -> str:
    """One contact's assessment: status, factors, visits, its clocks and what can be done."""
    now = _now()
    page = contact_page(g.db, contact_id, now)
    if page is None:
        abort(404, f"There is no contact {reference_for(contact_id)}.")
    log_access(page.contact.child_id, contact_id)
    rules = current_app.extensions["rules"]
    clocks = [clock_view(k, rules, now) for k in page.clocks if k.rule in ASSESSMENT_CLOCKS]
    actions = [action_view(a) for a in offered(contact_id, "assessment")]
    return render_template(
        "assessments/assessment.html", title=f"Assessment {reference_for(contact_id)}",
        c=page.contact, child=page.child, stage=STAGES[Stage(page.contact.stage)],
        clocks=clocks, casework=casework_panel(page), actions=actions, typed={}, errors={},
        open_action=None)


def register(app: Flask) -> None:
    """The pages, and the agency grid the action forms draw (a Jinja global)."""
    app.register_blueprint(bp)
    app.jinja_env.globals["strategy_grid"] = grid_rows
