"""Tables of people: the person record (a child, or an adult in a child's life), its
disabilities, addresses, history of changes, relationships and warnings; and the teams and
their members that cases are allocated to.

Why a person record of its own: every contact about a child is about the same person, and
the statutory returns describe the person (sex, ethnicity, disability, UPN), not the
contact. The record is changed only through the people commands, each change a row of
``person_change`` (who, when, old → new, why), so nothing is overwritten silently; the
``version`` column is the optimistic lock. Search reads ``person_name_key`` (phonetic keys
of each name part, so a misspelt or double-barrelled name finds its person through an
index), the identifiers and the current address's postcode.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class PersonRow(Base):
    """A person known to the front door (synthetic in every demo and test)."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="child")  # child | adult
    first_name: Mapped[str] = mapped_column(String(80))  # legal names
    last_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    expected_date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="U")  # CIN census <Sex>: M, F, U
    gender_identity: Mapped[str] = mapped_column(String(80), default="")
    ethnicity: Mapped[str] = mapped_column(String(4), default="NOBT")
    first_language: Mapped[str] = mapped_column(String(80), default="")
    immigration_status: Mapped[str] = mapped_column(String(40), default="")
    nhs_number: Mapped[str | None] = mapped_column(String(10))
    upn: Mapped[str | None] = mapped_column(String(13))
    upn_unknown: Mapped[str | None] = mapped_column(String(4))
    school: Mapped[str] = mapped_column(String(120), default="")
    identifier_status: Mapped[str] = mapped_column(String(40), default="included")
    identifier_reason: Mapped[str] = mapped_column(Text, default="")
    identifier_decided_by: Mapped[str | None] = mapped_column(String(80))
    identifier_decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    # Known-child checks and search find people by date of birth (equal, swapped or a
    # range) on its own, and by surname with it; the names keep the child table's indexes.
    # The date of birth index carries the id, so a search by a range of dates reads the
    # index alone (on PostgreSQL; SQLite's indexes carry the row id anyway).
    __table_args__ = (Index("ix_child_name_dob", "last_name", "date_of_birth"),
                      Index("ix_child_date_of_birth", "date_of_birth", "id"),
                      Index("ix_child_nhs_number", "nhs_number"),
                      Index("ix_person_upn", "upn"))


class PersonDisabilityRow(Base):
    """One DfE disability code recorded for a person (NONE alone, or one or more codes)."""

    __tablename__ = "person_disability"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    code: Mapped[str] = mapped_column(String(4))
    __table_args__ = (UniqueConstraint("person_id", "code", name="uq_person_disability"),)


class PersonAddressRow(Base):
    """Where a person lives or lived; the one without ``moved_out`` is the current address."""

    __tablename__ = "person_address"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    line_1: Mapped[str] = mapped_column(String(120))
    line_2: Mapped[str] = mapped_column(String(120), default="")
    town: Mapped[str] = mapped_column(String(80), default="")
    postcode: Mapped[str] = mapped_column(String(8))  # normalised: "WR1 2AB"
    outward: Mapped[str] = mapped_column(String(4))  # its first part: "WR1"
    moved_in: Mapped[date | None] = mapped_column(Date)
    moved_out: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
    # Search asks who lives at a postcode (or in a district) now: these hold the current
    # addresses only (moved_out null), each postcode's people in person order, so the index
    # alone answers and the first few hundred people are read without reading the rest.
    __table_args__ = (
        Index("ix_person_address_postcode", "postcode", "person_id",
              sqlite_where=text("moved_out IS NULL"), postgresql_where=text("moved_out IS NULL")),
        Index("ix_person_address_outward", "outward", "person_id",
              sqlite_where=text("moved_out IS NULL"), postgresql_where=text("moved_out IS NULL")))


class PersonChangeRow(Base):
    """One change to a person's record: which field, from what to what, who, when and why."""

    __tablename__ = "person_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(index=True)  # the DfE feed's delta reads changes since


class PersonNameKeyRow(Base):
    """A search key of a person's name (a phonetic code of one name part, see
    ``workflow.people.search_keys``), so tolerant name search is an index lookup."""

    __tablename__ = "person_name_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    key: Mapped[str] = mapped_column(String(24))
    __table_args__ = (Index("ix_person_name_key_key", "key", "person_id"),)


class RelationshipRow(Base):
    """How one person is related to another (e.g. the mother of a child)."""

    __tablename__ = "relationship"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # the relative is the person's <kind>
    parental_responsibility: Mapped[bool] = mapped_column(default=False)
    lives_with: Mapped[bool] = mapped_column(default=False)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("person_id", "relative_id", "kind",
                                       name="uq_relationship"),)


class PersonWarningRow(Base):
    """A warning for staff safety (e.g. a dog at the address, a history of violence)."""

    __tablename__ = "person_warning"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
    ended_by: Mapped[str | None] = mapped_column(String(80))
    ended_at: Mapped[datetime | None]


class TeamRow(Base):
    """A team cases are allocated to (front door, MASH, assessment, child protection, Family
    Help, a partner agency), with the caseload it can hold."""

    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30), default="assessment")
    capacity: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)


class TeamMemberRow(Base):
    """A worker's membership of a team (a manager manages it)."""

    __tablename__ = "team_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    is_manager: Mapped[bool] = mapped_column(default=False)
    #: On a multi-agency child protection team: the member's discipline and who nominated
    #: them (workflow.casework.macpt); empty on other teams.
    discipline: Mapped[str | None] = mapped_column(String(20))
    nominated_by: Mapped[str | None] = mapped_column(String(20))
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_member"),)
