"""oversight: clock notes, running-clock indexes, breaches and the notification outbox

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26

Branches from 0001 beside the MASH migration (0002) so the two areas could be built at the
same time; `frontdoor db upgrade` applies every head.
"""
import sqlalchemy as sa
from alembic import op

import workflow.persistence.types

revision = "0003"
down_revision = "0001"
branch_labels = ("oversight",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clock") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.create_index("ix_clock_running", "clock", ["due_at"],
                    sqlite_where=sa.text("stopped_at IS NULL"),
                    postgresql_where=sa.text("stopped_at IS NULL"))
    op.create_index("ix_clock_stopped", "clock", ["stopped_at", "rule"])
    op.create_table(
        "clock_breach",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clock_id", sa.Integer(), sa.ForeignKey("clock.id"), nullable=False,
                  unique=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("due_at", workflow.persistence.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("recorded_at", workflow.persistence.types.UTCDateTime(timezone=True),
                  nullable=False),
    )
    op.create_index("ix_clock_breach_contact_id", "clock_breach", ["contact_id"])
    op.create_index("ix_clock_breach_recorded_at", "clock_breach", ["recorded_at"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dedupe_key", sa.String(80), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(80), nullable=False),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("clock_id", sa.Integer(), sa.ForeignKey("clock.id"), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", workflow.persistence.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("sent_at", workflow.persistence.types.UTCDateTime(timezone=True)),
        sa.Column("read_at", workflow.persistence.types.UTCDateTime(timezone=True)),
    )
    op.create_index("ix_notification_recipient", "notification", ["recipient"])
    op.create_index("ix_notification_unsent", "notification", ["sent_at"])


def downgrade() -> None:
    op.drop_table("notification")
    op.drop_table("clock_breach")
    op.drop_index("ix_clock_stopped", "clock")
    op.drop_index("ix_clock_running", "clock")
    with op.batch_alter_table("clock") as batch:
        batch.drop_column("note")
