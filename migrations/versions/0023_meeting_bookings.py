"""meeting bookings: conferences, core groups and MASH discussions booked ahead

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 17:45:00

Why: social workers book the initial and review child protection conferences and core
groups ahead, and a manager wants to see before the day that each is booked inside its
statutory timescale (Working Together; local procedures); the MASH books a contact's
discussion at tomorrow's meeting. A booking is not the meeting (it stops no clock), so it
has a table of its own, ``meeting_booking``: one row per booking, with its time, place,
invitees, status (booked, held, cancelled) and the reasons given. Nothing stored before
was a booking, so the table starts empty; downgrade drops it (the bookings are lost, the
events that made them stay).
"""
import sqlalchemy as sa
from alembic import op

import workflow.persistence.types

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_UTC = workflow.persistence.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meeting_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("starts_at", _UTC, nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("invitees", workflow.persistence.types.JSONDoc, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("booked_by", sa.String(80), nullable=False),
        sa.Column("booked_at", _UTC, nullable=False),
        sa.Column("late_reason", sa.Text(), nullable=False),
        sa.Column("change_reason", sa.Text(), nullable=False),
        sa.Column("times_rebooked", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meeting_booking_contact_kind", "meeting_booking",
                    ["contact_id", "kind"])
    op.create_index("ix_meeting_booking_status_starts", "meeting_booking",
                    ["status", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_meeting_booking_status_starts", table_name="meeting_booking")
    op.drop_index("ix_meeting_booking_contact_kind", table_name="meeting_booking")
    op.drop_table("meeting_booking")
