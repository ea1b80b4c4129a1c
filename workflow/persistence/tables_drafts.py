"""Drafts of long forms: one row per (person, form, record), overwritten on each save.

Not append-only, on purpose (see ``workflow.drafts``): a draft is a working copy that
its owner overwrites, sends or discards, and the sweep purges after 30 days. The row holds
what was typed (personal data): it is never logged, and read only with its owner's id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class DraftRow(Base):
    """A person's unsent form: its fields as [name, value] pairs, and when last saved."""

    __tablename__ = "draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    form_key: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int]
    fields: Mapped[dict[str, Any]]
    saved_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("user_id", "record_id", "form_key",
                                       name="uq_draft_owner_record_form"),
                      Index("ix_draft_saved_at", "saved_at"))
