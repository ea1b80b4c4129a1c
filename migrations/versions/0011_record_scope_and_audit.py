"""Breaking the glass is logged with its reason, and the audit trail is append-only.

``access_log`` gains the reason a person gave to open a record outside their scope, and an
index to find the children open to them now. The event history, the access log and a
person's change history refuse UPDATE and DELETE in the database itself (PostgreSQL: a
trigger function, TRUNCATE refused too; SQLite: triggers), with one deliberate way round
inside a single transaction (``workflow.persistence.append_only.rewriting``). Nothing is
rewritten by this migration; the downgrade removes the triggers and the new column.
Self-contained (the SQL is written out here, as the code held it at this revision).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("contact_event", "access_log", "person_change")
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION frontdoor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('frontdoor.rewrite', true) = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the % table is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$
"""


def _triggers(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION frontdoor_append_only()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION frontdoor_append_only()"]
    return [f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            "WHEN (SELECT count(*) FROM rewrite_permit) = 0 "
            f"BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only: {verb} refused'); END"
            for verb in ("UPDATE", "DELETE")]


def upgrade() -> None:
    with op.batch_alter_table("access_log") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_access_log_outcome_user_at", "access_log",
                    ["outcome", "username", "at"])
    op.create_table("rewrite_permit", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("why", sa.Text(), nullable=False, server_default=""))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
    for table in TABLES:
        for statement in _triggers(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS frontdoor_append_only()")
    op.drop_table("rewrite_permit")
    op.drop_index("ix_access_log_outcome_user_at", table_name="access_log")
    with op.batch_alter_table("access_log") as batch:
        batch.drop_column("reason")
