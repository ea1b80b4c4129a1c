"""integrations: API clients with scoped tokens, the log of every token use, webhook
subscriptions and the webhook outbox

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 14:30:00

Why: other systems (a police force sending contacts, a health trust answering requests)
must call the API without scraping a sign-in form, with tokens an administrator grants,
scopes and revokes, every use logged; and they want to be told when something happens
rather than poll. ``api_client`` holds each token's key and SHA-256, never the token;
``api_token_use`` is append-only, by the same trigger function (PostgreSQL) and the same
per-transaction way round (SQLite's ``rewrite_permit``) as the other audit tables;
``webhook_subscription`` and ``webhook_delivery`` are the subscriptions and the outbox.
Nothing earlier is changed; downgrade drops the four tables.
"""
import sqlalchemy as sa
from alembic import op

import workflow.persistence.types
from workflow.persistence.append_only import pg_statements, sqlite_statements

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC_DT = workflow.persistence.types.UTCDateTime(timezone=True)
JSON_DOC = workflow.persistence.types.JSONDoc


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("agency", sa.String(40), nullable=False),
        sa.Column("scopes", sa.String(400), nullable=False),
        sa.Column("key", sa.String(8), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("revoked_at", UTC_DT, nullable=True),
        sa.Column("expires_at", UTC_DT, nullable=True),
    )
    op.create_table(
        "api_token_use",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("api_client.id"), nullable=True),
        sa.Column("at", UTC_DT, nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("route", sa.String(120), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
    )
    op.create_index("ix_api_token_use_client_id", "api_token_use", ["client_id"])
    op.create_index("ix_api_token_use_at", "api_token_use", ["at"])
    op.create_table(
        "webhook_subscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("api_client.id"), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_webhook_subscription_client_id", "webhook_subscription", ["client_id"])
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription_id", sa.Integer(), sa.ForeignKey("webhook_subscription.id"),
                  nullable=False),
        sa.Column("event_id", sa.String(60), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("payload", JSON_DOC, nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DT, nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("delivered_at", UTC_DT, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),
    )
    op.create_index("ix_webhook_delivery_due", "webhook_delivery", ["status", "next_attempt_at"])
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in (pg_statements if postgresql else sqlite_statements)("api_token_use"):
        op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_due", "webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_webhook_subscription_client_id", "webhook_subscription")
    op.drop_table("webhook_subscription")
    op.drop_table("api_token_use")  # its triggers go with it
    op.drop_table("api_client")
