"""assessment: authorised with the child not seen, and the authorising manager's reason

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-09 09:00:00

Why: a manager may authorise an assessment in which the child was never seen, or whose
child-seen timescale was left not met, only with a recorded reason; the contact page, the
KPI page and oversight read the flag from the assessment itself. New columns
``authorised_not_seen`` and ``not_seen_reason``, and an index on ``authorised_at`` for the
monthly count of authorisations.

Assessments authorised before this revision are flagged from what was recorded then, the
same evidence the engine now reads: no visit with the child seen between the assessment's
start and its authorisation, or a child-seen clock stopped not met at the authorisation.
Their reason stays empty (nobody was asked for one), and the pages say so rather than
invent one. Downgrade drops the columns and the index; nothing an earlier version could
show is lost.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_CHILD_SEEN_CLOCKS = ("child_seen_s17", "child_seen_s47")


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("authorised_not_seen", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("not_seen_reason", sa.Text(), nullable=False,
                                   server_default=""))
        batch.create_index("ix_assessment_authorised", ["authorised_at"])
    op.execute(_flag_authorised_not_seen())


def _flag_authorised_not_seen() -> sa.Update:
    """UPDATE the authorised assessments whose child was not seen, by the recorded visits
    and clocks (one statement: the same SQL on SQLite and PostgreSQL)."""
    assessment = sa.table("assessment", sa.column("id"), sa.column("contact_id"),
                          sa.column("status"), sa.column("started_at"),
                          sa.column("authorised_at"), sa.column("authorised_not_seen"))
    visit = sa.table("visit", sa.column("contact_id"), sa.column("visited_at"),
                     sa.column("child_seen"))
    clock = sa.table("clock", sa.column("contact_id"), sa.column("rule"),
                     sa.column("result"), sa.column("stopped_at"))
    seen = sa.exists().where(visit.c.contact_id == assessment.c.contact_id,
                             visit.c.child_seen.is_(True),
                             visit.c.visited_at >= assessment.c.started_at,
                             visit.c.visited_at <= assessment.c.authorised_at)
    left_unmet = sa.exists().where(clock.c.contact_id == assessment.c.contact_id,
                                   clock.c.rule.in_(_CHILD_SEEN_CLOCKS),
                                   clock.c.result == "not_met",
                                   clock.c.stopped_at == assessment.c.authorised_at)
    return (sa.update(assessment)
            .where(assessment.c.status == "authorised", assessment.c.authorised_at.is_not(None),
                   sa.or_(~seen, left_unmet))
            .values(authorised_not_seen=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_index("ix_assessment_authorised")
        batch.drop_column("not_seen_reason")
        batch.drop_column("authorised_not_seen")
