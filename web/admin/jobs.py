"""The background job queue for administrators: what is queued, running, done or dead by
kind, the latest failures in a sentence each, when periodic work runs next, and a button
that sends a dead job back to the queue.

Administrators only, like the rest of ``/admin``; the retry is a POST with the CSRF token
and is written to the append-only audit. Nothing shown is personal data: kinds, ids, times
and the worker's short error summaries (database errors are kept as their class only).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template
from werkzeug.wrappers import Response

from reporting.jobs import STATES, counts, failures, last_runs
from web.access import allow
from web.admin.audit import audit
from web.admin.pages import bp
from web.jobs import registry
from web.views import when
from workflow.roles import Role

STATE_LABELS = {"queued": "Waiting", "running": "Running", "done": "Done", "dead": "Failed"}


def _schedule(now: datetime) -> list[dict[str, Any]]:
    """Each periodic kind: how often, when it last finished, when it runs next."""
    done = last_runs(g.db)
    return [{"label": k.label, "how": k.schedule.describe(), "last": done.get(k.name),
             "next": k.schedule.next_slot(now)}
            for k in registry(os.environ).periodic() if k.schedule is not None]


@bp.get("/jobs")
@allow(Role.ADMINISTRATOR)
def jobs() -> str:
    """The queue at a glance."""
    labels = registry(os.environ).labels()
    return render_template("admin_jobs.html", title="Background jobs", errors={},
                           counts=counts(g.db), failures=failures(g.db), states=STATES,
                           state_labels=STATE_LABELS, labels=labels, when=when,
                           schedule=_schedule(datetime.now(UTC)))


@bp.post("/jobs/<int:job_id>/retry")
@allow(Role.ADMINISTRATOR)
def retry_job(job_id: int) -> Response:
    """Send a dead job back to the queue with a fresh set of tries."""
    if job_id > 2**31 - 1:
        abort(404, "There is no such job.")
    if not current_app.extensions["store"].queue.retry_dead(job_id, datetime.now(UTC)):
        flash(f"Job {job_id} is not a failed job: nothing was changed.", "error")
        return redirect("/admin/jobs")
    audit("job_retried", f"job {job_id}")
    flash(f"Job {job_id} will be tried again.", "success")
    return redirect("/admin/jobs")
