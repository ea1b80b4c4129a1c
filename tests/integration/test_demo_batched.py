"""The demo loaded in batches (many commands per transaction, each in its own savepoint),
handing each contact from one command to the next, writes exactly what it writes one
command per transaction reading the contact back every time.

Why: ``frontdoor demo`` commits a few hundred commands at a time to load quickly, and a
demo is only worth showing if its histories are the ones the command path makes: every
row of every table is compared.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from web.demo import DemoSpec, load_demo
from web.users import load_demo_directory
from workflow.persistence.schema import metadata
from workflow.persistence.store import Store
from workflow.rules import Rules

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SPEC = DemoSpec(contacts=40, seed=5)
SLOW = replace(SPEC, remembered=False)


def _everything(store: Store) -> dict[str, list[Any]]:
    tables = metadata().sorted_tables  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(sa.select(t)).all()), key=repr)
                for t in tables if t.name != "alembic_version"}


def _loaded(url: str, rules: Rules, batched: bool) -> dict[str, list[Any]]:
    store = Store(url)
    metadata().create_all(store.engine)
    load_demo_directory(store.accounts)
    batch = store.batch(size=7)  # small, so batches end in the middle of contacts' walks

    def reads() -> Any:
        batch.commit()
        return store.read()

    list(load_demo(batch if batched else store.uow, rules, SPEC if batched else SLOW, NOW,
                   reads if batched else store.read))
    batch.commit()
    found = _everything(store)
    store.close()
    return found


def test_the_batched_demo_writes_every_row_the_one_by_one_demo_writes(
        tmp_path: Path, rules: Rules) -> None:
    one_by_one = _loaded(f"sqlite:///{tmp_path / 'one.db'}", rules, batched=False)
    batched = _loaded(f"sqlite:///{tmp_path / 'batched.db'}", rules, batched=True)

    assert len(one_by_one["contact"]) >= SPEC.contacts
    assert len(one_by_one["contact_event"]) > 4 * SPEC.contacts  # the walks went on
    assert batched == one_by_one
