"""Readiness for a load balancer or orchestrator: ``/readyz``.

``/healthz`` (web.home) says the process is up and touches no database, so a
database outage does not get every worker restarted. ``/readyz`` says whether this worker can
serve: the database answers and its schema is at the code's latest migration. Both are
public, answer in a few milliseconds, and say nothing about the data or the database's
address; the gunicorn access log leaves out their successful calls.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app

from web.access import public

bp = Blueprint("health", __name__)


@bp.get("/readyz")
@public
def ready() -> tuple[dict[str, Any], int]:
    """200 when the database is reachable and migrated to head, else 503 with the reason."""
    state = current_app.extensions["store"].readiness()
    if state == "ready":
        return {"status": "ready"}, 200
    return {"status": "not ready", "reason": state}, 503


def register(app: Flask) -> None:
    """Add the readiness endpoint to the app."""
    app.register_blueprint(bp)
