"""``frontdoor worker`` as compose runs it: a process that schedules and runs the breach
sweep, and on SIGTERM finishes what it holds and exits 0; ``frontdoor jobs`` adds work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from web.cli import main
from workflow.persistence.store import open_store
from workflow.persistence.tables_jobs import JobRow


def _migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    assert CliRunner().invoke(main, ["--database-url", url, "db", "upgrade"]).exit_code == 0
    return url


def _jobs(url: str) -> list[tuple[str, str]]:
    store = open_store(url)
    try:
        with store.read() as session:
            return [(r.kind, r.state) for r in session.scalars(select(JobRow))]
    finally:
        store.close()


def test_the_worker_runs_the_sweep_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    url = _migrated(tmp_path)
    env = {**os.environ, "FRONTDOOR_DATABASE_URL": url, "PYTHONPATH": os.getcwd()}
    process = subprocess.Popen([sys.executable, "-m", "web.cli", "worker", "--idle", "0.2"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 60
        while ("breach_sweep", "done") not in _jobs(url) and time.monotonic() < deadline:
            time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    assert ("breach_sweep", "done") in _jobs(url)
    assert process.returncode == 0
    assert "stopped" in err


def test_jobs_add_queues_an_export_and_refuses_an_incomplete_one(tmp_path: Path) -> None:
    url = _migrated(tmp_path)

    added = CliRunner().invoke(main, ["--database-url", url, "jobs", "add", "annex-a",
                                      "--from", "2026-06-01", "--to", "2026-11-30"])
    refused = CliRunner().invoke(main, ["--database-url", url, "jobs", "add", "annex-a"])

    assert (added.exit_code, added.output) == (0, "Queued: Annex A export.\n")
    assert refused.exit_code == 2 and "needs --from and --to" in refused.output
    assert _jobs(url) == [("annex_a_export", "queued")]
