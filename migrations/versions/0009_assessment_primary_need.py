"""An assessment may revise the CIN census primary need chosen at the threshold decision.

The census reports the child's primary need as the assessment found it; until now only the
decision recorded one. The column is empty for every assessment already recorded (their
decision's need stands), so there is nothing to carry over and the downgrade loses nothing
an earlier version could show.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("primary_need", sa.String(2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("primary_need")
