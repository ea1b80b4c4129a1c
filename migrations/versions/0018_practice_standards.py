"""practice standards: casework activity, and why a child was not seen alone

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-01 15:00:00

Why: the practice standards (config/practice_standards.toml) time plans written, child
in need reviews, case supervision and hand-over meetings; each is kept as one dated row
of ``case_activity`` (workflow/persistence/tables_standards.py), counted by kind and
month. A visit to a child seen but not alone now keeps the reason
(``visit.not_alone_reason``), and visits are read per case by date, so they get an index
on (contact_id, visited_at). The standards' clocks are rows of the existing clock table;
their month-by-month trend reads a few rules by due instant, hence ix_clock_rule_due.
Existing visits get an empty reason (none was asked); downgrade drops the table, the
column and the index.
"""
import sqlalchemy as sa
from alembic import op

from workflow.persistence.types import UTCDateTime

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("happened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False))
    op.create_index("ix_case_activity_contact_id", "case_activity", ["contact_id"])
    op.create_index("ix_case_activity_kind_at", "case_activity", ["kind", "happened_at"])
    with op.batch_alter_table("visit") as batch:
        batch.add_column(sa.Column("not_alone_reason", sa.Text(), nullable=False,
                                   server_default=""))
    op.create_index("ix_visit_contact_at", "visit", ["contact_id", "visited_at"])
    op.create_index("ix_clock_rule_due", "clock", ["rule", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_clock_rule_due", "clock")
    op.drop_index("ix_visit_contact_at", "visit")
    with op.batch_alter_table("visit") as batch:
        batch.drop_column("not_alone_reason")
    op.drop_index("ix_case_activity_kind_at", "case_activity")
    op.drop_index("ix_case_activity_contact_id", "case_activity")
    op.drop_table("case_activity")
