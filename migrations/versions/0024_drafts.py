"""drafts: what a person typed into a long form and has not sent yet, kept for them

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-01 17:30:00

Why: a session time-out lost whatever a worker was typing. Table ``draft`` keeps one
working copy per (person, record, form), overwritten as they type, deleted when the form
is sent or discarded and purged after 30 days (workflow/drafts.py says why it is not
append-only). Downgrade drops the table: drafts are working copies, no record is lost.
"""
import sqlalchemy as sa
from alembic import op

from workflow.persistence.types import JSONDoc, UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("form_key", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("fields", JSONDoc, nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "record_id", "form_key",
                            name="uq_draft_owner_record_form"))
    op.create_index("ix_draft_saved_at", "draft", ["saved_at"])


def downgrade() -> None:
    op.drop_index("ix_draft_saved_at", "draft")
    op.drop_table("draft")
