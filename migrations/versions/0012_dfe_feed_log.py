"""dfe feed log: each run and POST of the DfE's daily children's social care feed, the
records the schema refused, and the ledger of what the DfE holds per child

Revision ID: 0013
Revises: 0010
Create Date: 2027-01-11 09:00:00

Why: the DfE collects child-level data daily through its API (DOMAIN.md section 5). An
operator must be able to say what was sent when (full or delta, how many children, which
batch, the answer), and a delta must know what the DfE already holds to send only what
changed and purge what our records no longer hold. None of these tables holds personal
data: LA ids, contact references, counts, hashes, statuses and HTTP codes. The index on
``person_change.at`` lets the delta find the people changed since the last send without
reading the whole history. Downgrade drops all of it; nothing else refers to these tables.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from workflow.persistence.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _run() -> None:
    op.create_table(
        "dfe_feed_run",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("as_at", UTCDateTime(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("purges", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_dfe_feed_run_started_at", "dfe_feed_run", ["started_at"])


def _batch() -> None:
    op.create_table(
        "dfe_feed_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("purges", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("receipt", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["dfe_feed_run.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "seq", name="uq_dfe_feed_batch_seq"))
    op.create_index("ix_dfe_feed_batch_run_id", "dfe_feed_batch", ["run_id"])
    op.create_index("ix_dfe_feed_batch_batch_id", "dfe_feed_batch", ["batch_id"])


def _refusal_and_ledger() -> None:
    op.create_table(
        "dfe_feed_refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("la_child_id", sa.String(20), nullable=False),
        sa.Column("path", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["dfe_feed_run.id"]),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_dfe_feed_refusal_run_id", "dfe_feed_refusal", ["run_id"])
    op.create_table(
        "dfe_feed_child",
        sa.Column("la_child_id", sa.String(20), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("items", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                  "postgresql"), nullable=False),
        sa.Column("purged", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("la_child_id"))
    op.create_index("ix_dfe_feed_child_purged", "dfe_feed_child", ["purged"])


def upgrade() -> None:
    _run()
    _batch()
    _refusal_and_ledger()
    op.create_index("ix_person_change_at", "person_change", ["at"])


def downgrade() -> None:
    op.drop_index("ix_person_change_at", table_name="person_change")
    for table in ("dfe_feed_child", "dfe_feed_refusal", "dfe_feed_batch", "dfe_feed_run"):
        op.drop_table(table)
