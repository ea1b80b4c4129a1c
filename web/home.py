"""The front page (each role's starting point) and a health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import allow, public
from workflow.engine.registry import actions
from workflow.roles import Role
from workflow.stages import STAGES

bp = Blueprint("home", __name__)

_START = {Role.ADMINISTRATOR: "/admin/users", Role.PARTNER: "/inbox",
          Role.PRINCIPAL_SOCIAL_WORKER: "/audits",
          # A head of service holds no cases: their start is how the teams are doing.
          Role.HEAD_OF_SERVICE: "/performance"}


@bp.get("/")
@allow(*Role)
def index() -> Response:
    """Send each person to where their work is."""
    return redirect(_START.get(current_user.role, "/queue"))


@bp.get("/healthz")
@public
def health() -> dict[str, str]:
    """For a load balancer: the app is up (no data, no database detail)."""
    return {"status": "ok"}


@bp.get("/workflow")
@allow(Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER,
       Role.ADMINISTRATOR)
def workflow() -> str:
    """The whole process as a table drawn from the engine's table, in words (the Mermaid
    source of the same diagram is a developer's artefact: ``frontdoor diagram`` writes it)."""
    table = [{"label": a.label, "sources": r.sources, "dest": r.dest, "roles": r.roles,
              "when": [w.label for w in r.when],
              "guards": _first_up("; ".join(g.label for g in r.guards))}
             for a in actions().values() for r in a.rows]
    return render_template("workflow.html", title="The workflow", table=table, stages=STAGES,
                           errors={})


def _first_up(text: str) -> str:
    """Sentence case without lowering the rest ("RAG", "CIN" and "Family Help" stay)."""
    return text[:1].upper() + text[1:]
