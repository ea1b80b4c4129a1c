"""notification: a note may be a message to a referrer, about no clock, to an address

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-01 18:45:00

Why: feedback to the referrer, told by email, is sent through the same outbox as the
breach notices. Such a note is about a feedback event, not a clock, so ``clock_id`` may
be null; its recipient is the referrer's email address, so ``recipient`` takes the longest
address there is (254 characters). Downgrade deletes the referrer notes (they are about no
clock; the feedback itself stays on the contact's history) and restores both columns.
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.alter_column("clock_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("recipient", existing_type=sa.String(80),
                           type_=sa.String(254), existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE clock_id IS NULL")
    with op.batch_alter_table("notification") as batch:
        batch.alter_column("clock_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("recipient", existing_type=sa.String(254),
                           type_=sa.String(80), existing_nullable=False)
