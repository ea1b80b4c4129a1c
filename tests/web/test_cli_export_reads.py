"""An export only reads, so it must not hold SQLite's write lock while it reads.

A twelve-month Annex A at county volume reads for minutes; when its session began with
``BEGIN IMMEDIATE`` every web write in that time waited on the busy timeout and then
failed with "database is locked". The export here is paused inside its read transaction
(after the lists are built, before the session closes) while a worker records a contact.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select

from tests.builders import record_one
from tests.web.test_cli import _runner
from web import cli_exports
from workflow.persistence.store import open_store
from workflow.persistence.tables import ContactRow
from workflow.rules import load_rules

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
WAIT = 20


def test_a_contact_is_recorded_while_an_annex_a_export_is_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'fd.db'}"
    run = _runner(url)
    assert run("db", "upgrade").exit_code == 0
    store, rules = open_store(url), load_rules()
    record_one(store.uow, rules, RECEIVED, RECEIVED)
    reading, finish = threading.Event(), threading.Event()
    held_until_written: list[bool] = []
    build = cli_exports.build_annex_a

    def build_then_hold_the_session(*args: object) -> object:
        lists = build(*args)  # type: ignore[arg-type]
        reading.set()
        held_until_written.append(finish.wait(WAIT))  # False: the write waited us out
        return lists

    monkeypatch.setattr(cli_exports, "build_annex_a", build_then_hold_the_session)
    exported: list[Result] = []
    export = threading.Thread(target=lambda: exported.append(run(
        "export", "annex-a", "--from", "2026-04-01", "--to", "2026-11-30",
        "--output", str(tmp_path / "annex_a.xlsx"))))
    export.start()
    try:
        assert reading.wait(WAIT), "the export never started reading"
        record_one(store.uow, rules, RECEIVED, RECEIVED)  # the web's write, mid-export
    finally:
        finish.set()
        export.join(WAIT)

    assert held_until_written == [True], "the write waited for the export to end"
    assert exported and exported[0].exit_code == 0, exported and exported[0].output
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(ContactRow)) == 2
    store.close()
