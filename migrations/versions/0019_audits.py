"""audits: case audits, observations of practice, moderation, agreed actions, learning

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 15:00:00

Why: the principal social worker's audit programme (samples of cases, a graded form per
case, moderation by a second auditor, actions agreed with workers and tracked to done,
and each quarter's learning) was kept in spreadsheets outside the case record. Five new
tables hold it (workflow/persistence/tables_audits.py); no earlier record holds any of
it, so nothing is moved. Downgrade drops the tables and their rows.
"""
import sqlalchemy as sa
from alembic import op

from workflow.persistence.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int | None = None, nullable: bool = False
          ) -> sa.Column:  # type: ignore[type-arg]
    kind = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=nullable)


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table("audit_learning", sa.Column("id", sa.Integer(), primary_key=True),
                    _text("quarter", 7), _text("theme", 200), _text("summary"),
                    sa.Column("published", sa.Boolean(), nullable=False),
                    _text("recorded_by", 80), _at("recorded_at"))
    _indexes("audit_learning", "quarter")
    op.create_table("audit_sample", sa.Column("id", sa.Integer(), primary_key=True),
                    _text("title", 200), _text("method", 10), _text("team", 40, True),
                    _text("rule_id", 40, True), sa.Column("seed", sa.Integer(), nullable=True),
                    _text("drawn_by", 80), _at("drawn_at"))
    _indexes("audit_sample", "drawn_at")
    op.create_table(
        "audit", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sample_id", sa.Integer(), sa.ForeignKey("audit_sample.id"), nullable=True),
        _text("kind", 20), _text("form_id", 40), _text("form_version", 40),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=True),
        sa.Column("child_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        _text("practitioner", 80, True), _text("auditor", 80), _text("status", 20),
        _text("overall", 30, True), _at("created_at"), _at("submitted_at", True),
        _text("moderator", 80, True), _at("moderated_at", True), _text("moderation_note"),
        _text("response"), _at("response_at", True),
        sa.Column("version", sa.Integer(), nullable=False))
    _indexes("audit", "auditor", "child_id", "contact_id", "practitioner", "sample_id",
             "status", "submitted_at")
    op.create_table(
        "audit_action", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        _text("text"), _text("owner", 80), sa.Column("due_on", sa.Date(), nullable=False),
        _text("agreed_by", 80), _at("created_at"), _at("done_at", True),
        _text("done_by", 80, True), _text("done_note"))
    _indexes("audit_action", "audit_id")
    op.create_index("ix_audit_action_owner_done", "audit_action", ["owner", "done_at"])
    op.create_table(
        "audit_grade", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        _text("question_id", 60), _text("grade", 30), _text("evidence"),
        _text("moderated_grade", 30, True), _text("moderation_reason"),
        sa.UniqueConstraint("audit_id", "question_id", name="uq_audit_grade_question"))


def downgrade() -> None:
    for table in ("audit_grade", "audit_action", "audit", "audit_sample", "audit_learning"):
        op.drop_table(table)
