"""pre-proceedings: a contact's pre-proceedings and family group decision making

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00

Why: the CIN census collects module 5, pre-proceedings and FGDM, from 2026-27 (one block
per pre-proceedings on a referral), and section 31ZA of the Children Act 1989 (inserted by
the Children's Wellbeing and Schools Act 2026 s1) asks that the letter before proceedings
offer a family group decision-making meeting unless it is not in the child's best
interests. One table, ``pre_proceedings``, holds each one (workflow/persistence/
tables_pre_proceedings.py). No earlier record holds any of it, so nothing is moved;
downgrade drops the table and its rows.
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_DATES = ("letter_sent_on", "fgdm_held_on", "initial_meeting_on", "decided_on",
          "court_application_on", "letter_initiating_on")


def upgrade() -> None:
    op.create_table(
        "pre_proceedings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("started_by", sa.String(80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fgdm_offered", sa.Boolean(), nullable=True),
        sa.Column("fgdm_not_offered_reason", sa.Text(), nullable=False),
        sa.Column("fgdm_facilitated", sa.Boolean(), nullable=True),
        sa.Column("fgdm_not_held_reason", sa.Text(), nullable=False),
        sa.Column("review_meetings", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(2), nullable=True),
        *(sa.Column(name, sa.Date(), nullable=True) for name in _DATES))
    op.create_index("ix_pre_proceedings_contact_id", "pre_proceedings", ["contact_id"])
    op.create_index("ix_pre_proceedings_started_on", "pre_proceedings", ["started_on"])


def downgrade() -> None:
    op.drop_index("ix_pre_proceedings_started_on", "pre_proceedings")
    op.drop_index("ix_pre_proceedings_contact_id", "pre_proceedings")
    op.drop_table("pre_proceedings")
