"""family help: a step down becomes a transfer a Family Help service accepts or returns

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-01 14:45:00

Why: the Families First Partnership programme (March 2025) replaces early help with Family
Help services (internal teams and commissioned providers, config/family_help.toml), each
case with a named lead practitioner. A step down is now a transfer to a named service and
practitioner that the service accepts, or returns with a reason to the person who sent it,
followed by the family help assessment, the plan and its reviews. They are columns of the
hand-over row (``early_help_handover``): one row is one episode, as one step down is one
hand-over. Hand-overs already stored were recorded when the receiving team simply took the
family, so they become accepted; their team keeps the name typed then, with no service id.

Every child protection case also names its lead child protection practitioner (a social
worker, Families First 2025), appointed within a local timescale from the start of the
section 47 enquiry: ``section_47`` gains who was appointed and when (none for enquiries
already stored; their clock never started, as the rule did not exist for them).

Multi-agency child protection teams (s16EA Children Act 2004) are directory teams of kind
``macpt``: ``team_member`` gains each member's discipline and nominating body, and
``strategy_discussion`` and ``section_47`` the MACPT that supported them and each agency's
assistance (empty for what is already stored: no MACPT existed before the 2026 Act).

Downgrade drops the columns (the answers, assessments, plans and appointments are lost).
"""
import sqlalchemy as sa
from alembic import op

import workflow.persistence.types

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None

_TABLE = "early_help_handover"


def _columns() -> list[sa.Column]:
    return [
        sa.Column("service", sa.String(40), nullable=True),
        sa.Column("practitioner", sa.String(80), nullable=True),
        sa.Column("from_team", sa.String(40), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="accepted"),
        sa.Column("answered_by", sa.String(80), nullable=True),
        sa.Column("answered_at", workflow.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("assessment_summary", sa.Text(), nullable=False, server_default=""),
        sa.Column("plan_agreed_on", sa.Date(), nullable=True),
        sa.Column("plan_outcomes", sa.Text(), nullable=False, server_default=""),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("reviews", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_review_on", sa.Date(), nullable=True),
    ]


def _lead() -> list[sa.Column]:
    return [sa.Column("lead_practitioner", sa.String(80), nullable=True),
            sa.Column("lead_appointed_at", workflow.persistence.types.UTCDateTime(timezone=True),
                      nullable=True)]


def _macpt() -> list[sa.Column]:
    return [sa.Column("macpt", sa.String(40), nullable=True),
            sa.Column("assistance", workflow.persistence.types.JSONDoc, nullable=True)]


_MEMBER = (("discipline", 20), ("nominated_by", 20))


def upgrade() -> None:
    with op.batch_alter_table("team_member") as batch:
        for name, length in _MEMBER:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
    for table in ("strategy_discussion", "section_47"):
        with op.batch_alter_table(table) as batch:
            for column in _macpt():
                batch.add_column(column)
    with op.batch_alter_table(_TABLE) as batch:
        for column in _columns():
            batch.add_column(column)
    op.create_index("ix_early_help_handover_answered_at", _TABLE, ["answered_at"])
    with op.batch_alter_table("section_47") as batch:
        for column in _lead():
            batch.add_column(column)


def downgrade() -> None:
    for table in ("strategy_discussion", "section_47"):
        with op.batch_alter_table(table) as batch:
            for column in _macpt():
                batch.drop_column(column.name)
    with op.batch_alter_table("team_member") as batch:
        for name, _length in _MEMBER:
            batch.drop_column(name)
    with op.batch_alter_table("section_47") as batch:
        for column in _lead():
            batch.drop_column(column.name)
    op.drop_index("ix_early_help_handover_answered_at", _TABLE)
    with op.batch_alter_table(_TABLE) as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
