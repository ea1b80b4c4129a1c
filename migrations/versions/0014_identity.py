"""identity: single sign-on identities, TOTP and recovery codes, forced password change,
race-free sign-in throttles, and an append-only audit of administrators' changes

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-03 09:00:00

Why: a council's security review asks for OpenID Connect sign-in (Entra ID or any
provider; several tenants in a shared MASH), a second factor for local accounts, throttling
that concurrent guesses cannot race and that cannot lock a real person out, and an audit of
every change an administrator makes to someone's access. ``app_user`` gains ``email``
(unique; what an administrator pre-registers for a first single sign-on),
``must_change_password``, ``totp_secret`` (sealed by the app) and ``totp_last_step``.
New tables: ``user_identity`` ((issuer, subject) unique), ``recovery_code`` (hashes only),
``sign_in_throttle`` (one row per key, counted by an atomic upsert) and ``admin_audit``,
made append-only by a trigger on each database. ``login_attempt`` stays: it is the record
of failed sign-ins. Downgrade drops what this revision added.
"""
import sqlalchemy as sa
from alembic import op

import workflow.persistence.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC_DT = workflow.persistence.types.UTCDateTime(timezone=True)
#: ``admin_audit`` joins the append-only tables of 0011: the same function (PostgreSQL) and
#: the same per-transaction way round (SQLite's ``rewrite_permit``), written out here.
POSTGRESQL_APPEND_ONLY = (
    "CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit "
    "FOR EACH ROW EXECUTE FUNCTION frontdoor_append_only()",
    "CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE ON admin_audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION frontdoor_append_only()",
)
SQLITE_APPEND_ONLY = tuple(
    f"CREATE TRIGGER admin_audit_no_{verb.lower()} BEFORE {verb} ON admin_audit "
    "WHEN (SELECT count(*) FROM rewrite_permit) = 0 "
    f"BEGIN SELECT RAISE(ABORT, 'the admin_audit table is append-only: {verb} refused'); END"
    for verb in ("UPDATE", "DELETE"))


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("totp_secret", sa.String(400), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_app_user_email", ["email"])
    op.create_table(
        "user_identity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("issuer", sa.String(300), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("last_signed_in_at", UTC_DT, nullable=False),
        sa.UniqueConstraint("issuer", "subject", name="uq_identity_issuer_subject"),
    )
    op.create_index("ix_user_identity_user_id", "user_identity", ["user_id"])
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("code_hash", sa.String(200), nullable=False),
        sa.Column("used_at", UTC_DT, nullable=True),
    )
    op.create_index("ix_recovery_code_user_id", "recovery_code", ["user_id"])
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("window_start", UTC_DT, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
    )
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTC_DT, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(80), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_admin_audit_at", "admin_audit", ["at"])
    op.create_index("ix_admin_audit_target", "admin_audit", ["target"])
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_APPEND_ONLY if dialect == "postgresql" else SQLITE_APPEND_ONLY:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("admin_audit")  # its triggers go with it
    op.drop_table("sign_in_throttle")
    op.drop_index("ix_recovery_code_user_id", "recovery_code")
    op.drop_table("recovery_code")
    op.drop_index("ix_user_identity_user_id", "user_identity")
    op.drop_table("user_identity")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("uq_app_user_email", type_="unique")
        for name in ("totp_last_step", "totp_secret", "must_change_password", "email"):
            batch.drop_column(name)
