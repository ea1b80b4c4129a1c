"""live-work indexes: the queue and the dashboard read the open work, not the history

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-01 15:00:00

Why: at a million contacts (ten years of a county's front door) PostgreSQL answered the
work queue by aggregating every open clock through a sequential scan of ``clock`` and
read every contact a worker ever had for a worker's queue. ``ix_clock_running_contact``
holds each contact's open clocks only (its size follows the live caseload);
``ix_contact_worker_stage`` replaces ``ix_contact_worker`` so a worker's open contacts
are one index range (it still serves a lookup by worker alone). No row changes, so
downgrade simply swaps the indexes back.
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None

_OPEN = sa.text("stopped_at IS NULL")


def upgrade() -> None:
    op.create_index("ix_clock_running_contact", "clock", ["contact_id", "due_at"],
                    sqlite_where=_OPEN, postgresql_where=_OPEN)
    op.create_index("ix_contact_worker_stage", "contact", ["worker", "stage"])
    op.drop_index("ix_contact_worker", table_name="contact")


def downgrade() -> None:
    op.create_index("ix_contact_worker", "contact", ["worker"])
    op.drop_index("ix_contact_worker_stage", table_name="contact")
    op.drop_index("ix_clock_running_contact", table_name="clock")
