"""job queue: background work on a table every worker shares, and a send-began stamp

Revision ID: 0017
Revises: 0019
Create Date: 2026-12-01 14:30:00

Why: the breach sweep, notification delivery, the DfE feed and exports ran from cron or by
hand, one process at a time; several workers need one queue that none of them runs twice
(table ``job``: a unique key per periodic slot and per notification, leases that run out
when a worker dies, retries and a dead-letter state; workflow/persistence/tables_jobs.py).
``notification.attempted_at`` is stamped before a send so a worker that died between
sending and marking sent is detected, and the provider is asked before sending again.
Downgrade drops both; no earlier record is changed.
"""
import sqlalchemy as sa
from alembic import op

from workflow.persistence.types import JSONDoc, UTCDateTime

revision = "0017"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", JSONDoc, nullable=False),
        sa.Column("unique_key", sa.String(120), nullable=True, unique=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("locked_by", sa.String(80), nullable=True),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False))
    op.create_index("ix_job_claim", "job", ["state", "run_after"])
    op.create_index("ix_job_kind_state", "job", ["kind", "state"])
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("attempted_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("attempted_at")
    op.drop_index("ix_job_kind_state", "job")
    op.drop_index("ix_job_claim", "job")
    op.drop_table("job")
