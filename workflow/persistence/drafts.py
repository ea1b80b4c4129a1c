"""SQL adapter for the drafts port: one upsert per save, every read and delete by owner.

Each call is its own short transaction, like the accounts adapter, so saving a draft
every few seconds never holds up a page. The upsert (``INSERT … ON CONFLICT DO UPDATE``
on the owner, record and form) is atomic on SQLite and PostgreSQL alike, so two tabs
saving the same form at once leave one row, the later one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from workflow.drafts import Draft, Field, check_fields, live_since
from workflow.persistence.tables_drafts import DraftRow


def _draft(row: DraftRow) -> Draft:
    pairs = row.fields.get("fields", [])
    return Draft(row.form_key, row.record_id, tuple((str(n), str(v)) for n, v in pairs),
                 row.saved_at)


class SqlDrafts:
    """The drafts port over table ``draft``."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def save(self, user_id: int, form: str, record_id: int, fields: tuple[Field, ...],
             now: datetime) -> None:
        """Keep the fields as the owner's draft of this form, replacing any earlier one."""
        check_fields(fields)
        document = {"fields": [list(pair) for pair in fields]}
        with self.sessions() as db:
            insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" \
                else sqlite_insert
            new = insert(DraftRow).values(user_id=user_id, form_key=form,
                                          record_id=record_id, fields=document, saved_at=now)
            db.execute(new.on_conflict_do_update(
                index_elements=[DraftRow.user_id, DraftRow.record_id, DraftRow.form_key],
                set_={"fields": new.excluded.fields, "saved_at": new.excluded.saved_at}))
            db.commit()

    def for_record(self, user_id: int, record_id: int, now: datetime) -> list[Draft]:
        """The owner's drafts about one record that have not expired, oldest first."""
        with self.sessions() as db:
            rows = db.scalars(select(DraftRow).where(
                DraftRow.user_id == user_id, DraftRow.record_id == record_id,
                DraftRow.saved_at >= live_since(now)).order_by(DraftRow.saved_at))
            return [_draft(row) for row in rows]

    def discard(self, user_id: int, form: str, record_id: int) -> bool:
        """Delete the owner's draft of this form; whether there was one."""
        with self.sessions() as db:
            gone = db.execute(delete(DraftRow).where(
                DraftRow.user_id == user_id, DraftRow.form_key == form,
                DraftRow.record_id == record_id))
            db.commit()
            return bool(gone.rowcount)  # type: ignore[attr-defined]

    def purge(self, now: datetime) -> int:
        """Delete every draft past its keeping time; how many."""
        with self.sessions() as db:
            gone = db.execute(delete(DraftRow).where(DraftRow.saved_at < live_since(now)))
            db.commit()
            return int(gone.rowcount or 0)  # type: ignore[attr-defined]
