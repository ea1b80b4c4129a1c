"""people: the child becomes a person record with the returns' characteristics, history,
addresses, family, warnings and search keys; teams get kinds, capacity and members, and
a social worker their Social Work England number

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:00:00

Why: one person record per child, shared by every contact about them, holding what the
statutory returns describe (sex as the census has collected it since 2024-25, ethnicity,
disabilities, UPN or the reason it is unknown, the NHS number as the consistent
identifier) and what tells two children apart (addresses, family). The ``child`` table is
renamed ``person`` (every foreign key follows it, on SQLite and PostgreSQL); its
GenderCurrent code becomes the Sex code (1 → M, 2 → F, anything else → U) and its
yes/no disability becomes NONE (a "yes" had no code: it is left for a worker to record).
Name search keys are built for everyone already recorded, and children recorded together
(one intake) are recorded as siblings. Downgrade reverses each step.
"""
import sqlalchemy as sa
from alembic import op

import workflow.persistence.types
from workflow.people.search_keys import person_keys  # the key format of this revision

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC_DT = workflow.persistence.types.UTCDateTime(timezone=True)
CURRENT = sa.text("moved_out IS NULL")
SEX_OF_GENDER = {"1": "M", "2": "F"}
_NEW = (("kind", sa.String(10), "child"), ("preferred_name", sa.String(80), ""),
        ("sex", sa.String(1), "U"), ("gender_identity", sa.String(80), ""),
        ("first_language", sa.String(80), ""), ("immigration_status", sa.String(40), ""),
        ("school", sa.String(120), ""), ("identifier_status", sa.String(40), "included"),
        ("identifier_reason", sa.Text(), ""))

person = sa.table("person", sa.column("id", sa.Integer), sa.column("first_name", sa.String),
                  sa.column("last_name", sa.String), sa.column("gender", sa.String),
                  sa.column("sex", sa.String), sa.column("disability", sa.Boolean))


def _tables() -> None:
    op.create_table(
        "person_disability", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("code", sa.String(4), nullable=False),
        sa.UniqueConstraint("person_id", "code", name="uq_person_disability"))
    op.create_index("ix_person_disability_person_id", "person_disability", ["person_id"])
    op.create_table(
        "person_address", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("line_1", sa.String(120), nullable=False),
        sa.Column("line_2", sa.String(120), nullable=False),
        sa.Column("town", sa.String(80), nullable=False),
        sa.Column("postcode", sa.String(8), nullable=False),
        sa.Column("outward", sa.String(4), nullable=False),
        sa.Column("moved_in", sa.Date(), nullable=True),
        sa.Column("moved_out", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", UTC_DT, nullable=False))
    op.create_index("ix_person_address_person_id", "person_address", ["person_id"])
    # Who lives at a postcode or in a district now: current addresses only, in person order.
    for name, column in (("ix_person_address_outward", "outward"),
                         ("ix_person_address_postcode", "postcode")):
        op.create_index(name, "person_address", [column, "person_id"],
                        sqlite_where=CURRENT, postgresql_where=CURRENT)
    op.create_table(
        "person_change", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old", sa.Text(), nullable=False), sa.Column("new", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.String(80), nullable=False), sa.Column("at", UTC_DT, nullable=False))
    op.create_index("ix_person_change_person_id", "person_change", ["person_id"])
    op.create_table(
        "person_name_key", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("key", sa.String(24), nullable=False))
    op.create_index("ix_person_name_key_person_id", "person_name_key", ["person_id"])
    op.create_index("ix_person_name_key_key", "person_name_key", ["key", "person_id"])
    op.create_table(
        "relationship", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("relative_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("parental_responsibility", sa.Boolean(), nullable=False),
        sa.Column("lives_with", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", UTC_DT, nullable=False),
        sa.Column("ended_at", UTC_DT, nullable=True),
        sa.UniqueConstraint("person_id", "relative_id", "kind", name="uq_relationship"))
    op.create_index("ix_relationship_person_id", "relationship", ["person_id"])
    op.create_index("ix_relationship_relative_id", "relationship", ["relative_id"])
    op.create_table(
        "person_warning", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", UTC_DT, nullable=False),
        sa.Column("ended_by", sa.String(80), nullable=True),
        sa.Column("ended_at", UTC_DT, nullable=True))
    op.create_index("ix_person_warning_person_id", "person_warning", ["person_id"])
    op.create_table(
        "team_member", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("is_manager", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("team_id", "user_id", name="uq_team_member"))
    op.create_index("ix_team_member_team_id", "team_member", ["team_id"])
    op.create_index("ix_team_member_user_id", "team_member", ["user_id"])


def _person_columns() -> None:
    op.rename_table("child", "person")
    with op.batch_alter_table("person") as batch:
        for name, kind, default in _NEW:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=default))
        batch.add_column(sa.Column("expected_date_of_birth", sa.Date(), nullable=True))
        batch.add_column(sa.Column("upn_unknown", sa.String(4), nullable=True))
        batch.add_column(sa.Column("identifier_decided_by", sa.String(80), nullable=True))
        batch.add_column(sa.Column("identifier_decided_at", UTC_DT, nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                   server_default="1"))
        batch.create_index("ix_person_upn", ["upn"])
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("swe_number", sa.String(12), nullable=True))
    with op.batch_alter_table("team") as batch:
        batch.add_column(sa.Column("kind", sa.String(30), nullable=False,
                                   server_default="assessment"))
        batch.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))


def _move_values(conn) -> None:
    disability = sa.table("person_disability", sa.column("person_id", sa.Integer),
                          sa.column("code", sa.String))
    keys = sa.table("person_name_key", sa.column("person_id", sa.Integer),
                    sa.column("key", sa.String))
    for row in conn.execute(sa.select(person)).all():
        conn.execute(person.update().where(person.c.id == row.id)
                     .values(sex=SEX_OF_GENDER.get(row.gender or "", "U")))
        if row.disability is False:
            conn.execute(disability.insert().values(person_id=row.id, code="NONE"))
        made = sorted(person_keys(row.first_name, row.last_name))
        if made:
            conn.execute(keys.insert(), [{"person_id": row.id, "key": k} for k in made])


def _date_of_birth_index(columns: list[str]) -> None:
    """Search by a range of dates reads (date_of_birth, id) from the index alone."""
    op.drop_index("ix_child_date_of_birth", "person")
    op.create_index("ix_child_date_of_birth", "person", columns)


def _relate_siblings(conn) -> None:
    """Children recorded together (contacts sharing an intake reference) are each other's
    siblings, recorded both ways as the intake records them now: living together, no
    parental responsibility, as of the earliest contact of the intake."""
    contact = sa.table("contact", sa.column("intake", sa.String),
                       sa.column("child_id", sa.Integer), sa.column("received_at", UTC_DT))
    relationship = sa.table("relationship", *(sa.column(n) for n in (
        "person_id", "relative_id", "kind", "parental_responsibility", "lives_with",
        "recorded_by")), sa.column("recorded_at", UTC_DT))
    intakes: dict[str, list] = {}
    for row in conn.execute(sa.select(contact).where(
            contact.c.intake.is_not(None), contact.c.child_id.is_not(None))
            .order_by(contact.c.received_at)).all():
        intakes.setdefault(row.intake, []).append(row)
    pairs: dict[tuple[int, int], object] = {}
    for rows in intakes.values():
        children = sorted({r.child_id for r in rows})
        for a in children:
            for b in children:
                if a != b:
                    pairs.setdefault((a, b), rows[0].received_at)
    if pairs:
        conn.execute(relationship.insert(), [
            {"person_id": a, "relative_id": b, "kind": "sibling",
             "parental_responsibility": False, "lives_with": True,
             "recorded_by": "migration 0008", "recorded_at": at}
            for (a, b), at in sorted(pairs.items())])


def upgrade() -> None:
    _person_columns()
    _tables()
    _move_values(op.get_bind())
    _relate_siblings(op.get_bind())
    with op.batch_alter_table("person") as batch:
        batch.drop_column("gender")
        batch.drop_column("disability")
    _date_of_birth_index(["date_of_birth", "id"])


def downgrade() -> None:
    conn = op.get_bind()
    _date_of_birth_index(["date_of_birth"])
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("gender", sa.String(1), nullable=False, server_default="0"))
        batch.add_column(sa.Column("disability", sa.Boolean(), nullable=True))
    gender_of_sex = {"M": "1", "F": "2"}
    disabled = {r.person_id: r.code for r in conn.execute(sa.text(
        "SELECT person_id, code FROM person_disability"))}
    for row in conn.execute(sa.select(person.c.id, person.c.sex)).all():
        code = disabled.get(row.id)
        conn.execute(person.update().where(person.c.id == row.id).values(
            gender=gender_of_sex.get(row.sex, "0"),
            disability=None if code is None else code != "NONE"))
    for name in ("team_member", "person_warning", "relationship", "person_name_key",
                 "person_change", "person_address", "person_disability"):
        op.drop_table(name)
    with op.batch_alter_table("team") as batch:
        for name in ("kind", "capacity", "active"):
            batch.drop_column(name)
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("swe_number")
    with op.batch_alter_table("person") as batch:
        batch.drop_index("ix_person_upn")
        for name in [n for n, _k, _d in _NEW] + ["expected_date_of_birth", "upn_unknown",
                                                   "identifier_decided_by",
                                                   "identifier_decided_at", "version"]:
            batch.drop_column(name)
    op.rename_table("person", "child")
