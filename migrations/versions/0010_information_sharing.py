"""information sharing: an agency's answer says whether it shared, on what basis, and why
and by whose decision anything was kept back

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00

Why: the Children's Wellbeing and Schools Act 2026 (new s16LA of the Children Act 2004,
once commenced) makes sharing safeguarding information a duty unless sharing would be more
detrimental to the child than not, and asks that what was shared, its basis, and any
decision not to share be recorded with the reason and who decided (DOMAIN.md §7). Each
``info_request`` row gains the answer's columns: ``sharing`` (shared, shared_in_part,
not_shared), ``answer_basis`` and its detail, ``not_shared_reason``, ``decided_by_name``
and ``decided_by_role``, and ``more_detrimental`` (the decision-maker's judgement on the
s16LA test). A request answered before this revision keeps ``sharing`` null: what it
shared was never recorded, and the child's ledger says so rather than guess. Downgrade
drops the columns (the answers' text stays in ``answer``).
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_NULLABLE = (("sharing", sa.String(16)), ("answer_basis", sa.String(40)),
             ("more_detrimental", sa.Boolean()))
_TEXT = (("answer_basis_detail", sa.Text()), ("not_shared_reason", sa.Text()),
         ("decided_by_name", sa.String(120)), ("decided_by_role", sa.String(120)))


def upgrade() -> None:
    with op.batch_alter_table("info_request") as batch:
        for name, kind in _NULLABLE:
            batch.add_column(sa.Column(name, kind, nullable=True))
        for name, kind in _TEXT:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("info_request") as batch:
        for name, _kind in _TEXT[::-1] + _NULLABLE[::-1]:
            batch.drop_column(name)
