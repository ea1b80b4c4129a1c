"""The administrators' page of the job queue: counts by kind and state, the latest failures
in words (no personal data), when periodic work runs next, and a CSRF-checked retry."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.web.conftest import Browser, store_of, text_of
from web.jobs import registry
from workflow.jobs.kinds import Registry
from workflow.jobs.worker import Worker
from workflow.persistence.tables_jobs import JobRow


def _words(response: TestResponse) -> str:
    """The page as a reader sees it: the text without tags, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text_of(response))).split())


def _a_dead_and_a_done_job(app: Flask) -> int:
    """One sweep done; one notification that failed its only try (the sink refused)."""
    queue = store_of(app).queue
    now = datetime.now(UTC) - timedelta(minutes=1)
    queue.enqueue("breach_sweep", {}, now, max_attempts=3)
    queue.enqueue("notification", {"note_id": "not-a-number"}, now, max_attempts=1)
    kinds = Registry()
    kinds.add(registry({}).get("notification"))  # type: ignore[arg-type]
    worker = Worker("w1", queue, kinds, None, lambda: now)
    done = queue.claim("w1", now, {})
    assert done is not None
    queue.complete(done, "w1", now)
    worker.run_once()  # the notification: the payload names no note, so it is dead at once
    with store_of(app).sessions() as session:
        return int(session.scalars(select(JobRow.id).where(JobRow.state == "dead")).one())


def test_an_administrator_sees_counts_failures_in_words_and_the_next_sweep(
        app: Flask, signed_in: Callable[[str], Browser]) -> None:
    dead = _a_dead_and_a_done_job(app)

    page = signed_in("admin").get("/admin/jobs")

    text = _words(page)
    assert page.status_code == 200
    assert "Breach sweep 0 0 1 0" in text  # waiting, running, done, failed
    assert "Notification delivery 0 0 0 1" in text
    assert f"Notification delivery (job {dead}) Failed after 1 of 1 tries" in text
    assert "JobFailed: the job names no notification" in text
    assert "Breach sweep every 5 minutes" in text
    assert "Try again job" in text


def test_a_dead_job_is_sent_back_by_the_button_and_the_change_is_audited(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    dead = _a_dead_and_a_done_job(app)
    admin = signed_in("admin")

    refused = admin.post(f"/admin/jobs/{dead}/retry", csrf=False)
    with db() as session:
        assert session.get(JobRow, dead).state == "dead"  # type: ignore[union-attr]
    answer = admin.post(f"/admin/jobs/{dead}/retry")

    assert refused.status_code == 400
    assert answer.status_code == 302
    with db() as session:
        job = session.get(JobRow, dead)
        assert job is not None and (job.state, job.attempts) == ("queued", 0)
    assert f"Ada Admin Job retried job {dead}" in _words(admin.get("/admin/audit"))


def test_retrying_a_job_that_is_not_dead_changes_nothing_and_says_so(
        app: Flask, signed_in: Callable[[str], Browser]) -> None:
    admin = signed_in("admin")

    answer = admin.post("/admin/jobs/999999/retry", follow_redirects=True)

    assert "Job 999999 is not a failed job: nothing was changed." in _words(answer)
    assert admin.post("/admin/jobs/99999999999/retry").status_code == 404


def test_only_administrators_see_the_queue(signed_in: Callable[[str], Browser]) -> None:
    for role in ("worker", "manager", "chair", "social_worker", "partner"):
        assert signed_in(role).get("/admin/jobs").status_code == 403, role
