"""Ofsted's Annex A template as versioned data: ``config/annex_a/<version>.toml``.

Why data: the sheet names, headings and coded values are Ofsted's, not ours, and Ofsted
changes them (a new framework is consulted on for 2027, DOMAIN.md §7). Each version is a
file with the date it takes effect; an export uses the version in force on the last day of
its period, so last year's lists can be made again exactly as they were. The code
(``reporting.annex_a``) only says what Front Door writes in each *field*; this file's
columns say under which heading, in which format, and with which words.

A column's ``type`` says how its value is written: ``text`` (free text, made formula-safe
by ``reporting.cells.safe_cell``), ``date``, ``integer``, or ``coded`` (Front Door's code
looked up in the ``[codes.<table>]`` the column names). ``[annex_a]`` in settings.toml holds
the one LOCAL value: the name of the council's early help service, for early help that no
named team received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from marshmallow import ValidationError, fields, post_load, validates_schema

from workflow.config_errors import ConfigError, read_toml
from workflow.config_schema import (
    ConfigSchema,
    EntrySchema,
    OneOf,
    TableSchema,
    Text,
    TomlDate,
    WholeNumber,
    entries,
    entry_errors,
    load,
    load_table,
)

#: Everything Front Door can write into a column, and what it means (reporting.annex_a).
FIELDS: Mapping[str, str] = {
    "child_id": "the child's LA child ID (the CIN census LAchildID)",
    "sex": "the child's sex (person record)",
    "ethnicity": "the child's ethnicity (person record)",
    "date_of_birth": "the child's date of birth",
    "age": "whole years of age on the last day of the period",
    "disability": "yes, no, or unknown when no disability (not even NONE) is recorded",
    "contact_date": "the day the contact was received",
    "source": "the contact's source (CIN referral source code)",
    "early_help_start": "the hand-over to early help, or the day the case moved into it",
    "early_help_end": "the day early help ended (closed or stepped up)",
    "organisation": "the early help team that received the family",
    "referral_date": "the day the referral was accepted",
    "referral_nfa": "whether the referral ended with no further action",
    "previous_referrals": "the child's referrals in the 12 months before this one",
    "team": "the allocated team's name at the end of the period",
    "worker": "the allocated worker's name at the end of the period",
    "assessment_start": "the day the assessment started",
    "child_seen": "whether a visit during the assessment saw the child",
    "assessment_authorised": "the day the assessment was authorised",
    "needs_support": "whether the authorised assessment led to a CIN or CP plan",
    "s47_start": "the day of the strategy discussion that started the enquiry",
    "icpc_not_needed": "whether the enquiry ended without an ICPC",
    "icpc_date": "the day of the initial child protection conference",
    "icpc_plan": "whether the ICPC made a child protection plan",
    "previous_s47s": "the child's section 47 enquiries in the 12 months before this one",
    "previous_icpcs": "the child's ICPCs in the 12 months before this enquiry started",
    "cin_start": "the referral date of the child's episode",
    "primary_need": "the episode's CIN primary need code",
    "last_seen": "the latest visit in the episode that saw the child",
    "cin_closure": "the day the episode closed",
    "closure_reason": "the episode's CIN reason for closure",
    "case_status": "where the episode stood at the end of the period",
    "plan_start": "the day the child protection plan started",
    "initial_category": "the plan's initial category of abuse",
    "latest_category": "the plan's latest category of abuse",
    "last_visit": "the latest visit during the plan",
    "seen_alone": "whether the child was seen alone at that visit",
    "latest_review": "the plan's latest review conference",
    "plan_end": "the day the plan ended",
    "emergency_protection": "EPO or police protection in the last six months (not recorded)",
    "previous_plans": "the child's child protection plans before this one",
}
TYPES = ("text", "date", "integer", "coded")
FOLDER = "annex_a"


@dataclass(frozen=True)
class Column:
    """One column: the template's heading, the field written under it, and how."""

    heading: str
    field: str
    type: str
    codes: str | None = None


@dataclass(frozen=True)
class ListSpec:
    """One list: its number, the sheet it is written to, a short name and its columns."""

    number: int
    sheet: str
    name: str
    columns: tuple[Column, ...]

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(c.heading for c in self.columns)

    @property
    def filename(self) -> str:
        """The CSV file's name: ``annex_a_list_3_referrals.csv``."""
        words = "".join(ch if ch.isalnum() else " " for ch in self.name.lower()).split()
        return f"annex_a_list_{self.number}_{'_'.join(words)}.csv"


@dataclass(frozen=True)
class AnnexSpec:
    """One version of the template: its lists and code tables."""

    version: str
    effective_from: date
    source: str
    date_format: str
    excel_date_format: str
    codes: Mapping[str, Mapping[str, str]]
    lists: tuple[ListSpec, ...]

    def written(self, table: str, code: str) -> str:
        """The template's words for ``code`` in ``table``; a code it has none for is refused
        (the tests keep every code Front Door can store in the tables)."""
        try:
            return self.codes[table][code]
        except KeyError:
            raise ValueError(f"Annex A {self.version} has no {table} code for {code!r}"
                             ) from None


@dataclass(frozen=True)
class AnnexSettings:
    """[annex_a] in settings.toml."""

    early_help_organisation: str = "Early help service"


@dataclass(frozen=True)
class AnnexConfig:
    """What an export needs: the template version in force and the local settings."""

    spec: AnnexSpec
    settings: AnnexSettings


# -- schemas ---------------------------------------------------------------------------------

class CodeTables(fields.Field[Any]):
    """``[codes.<table>]``: tables of non-blank words, keyed by Front Door's codes."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> dict[str, dict[str, str]]:
        shaped = isinstance(value, dict) and all(
            isinstance(t, dict) and t and all(isinstance(w, str) and w.strip()
                                              for w in t.values()) for t in value.values())
        if not shaped:
            raise ValidationError("must be tables of non-empty strings ([codes.<name>])")
        return {name: dict(table) for name, table in value.items()}


class ColumnSchema(EntrySchema):
    kind = "column"
    heading = Text(required=True)
    field = OneOf(tuple(FIELDS), required=True)
    type = OneOf(TYPES, required=True)
    codes = Text()

    def ident(self, entry: Mapping[str, Any]) -> str | None:
        value = entry.get("heading")
        return value if isinstance(value, str) and value.strip() else None

    @post_load
    def _column(self, data: dict[str, Any], **_: Any) -> Column:
        return Column(**data)


class ListSchema(EntrySchema):
    kind = "list"
    #: The lists the front door holds data for (the template has 11: 8 to 11 are looked
    #: after children, care leavers and adoption).
    number = WholeNumber(1, 7, required=True)
    sheet = Text(required=True)
    name = Text(required=True)
    columns = entries(ColumnSchema, required=True)

    def ident(self, entry: Mapping[str, Any]) -> str | None:
        number = entry.get("number")
        return f"List {number}" if isinstance(number, int) else None

    @post_load
    def _list(self, data: dict[str, Any], **_: Any) -> ListSpec:
        return ListSpec(data["number"], data["sheet"], data["name"], tuple(data["columns"]))


class SpecSchema(ConfigSchema):
    """A whole version file: what it is, its code tables and its lists."""

    version = Text(required=True)
    effective_from = TomlDate("2022-06-01", required=True)
    source = Text(required=True)
    date_format = Text(required=True)
    excel_date_format = Text(required=True)
    codes = CodeTables(required=True)
    list = entries(ListSchema, required=True)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        lists: list[ListSpec] = data["list"]
        numbers = [s.number for s in lists]
        twice = {i: "the list number is used twice" for i, n in enumerate(numbers)
                 if n in numbers[:i]}
        if twice:
            raise entry_errors("list", twice)
        wrong = {i: problem for i, s in enumerate(lists)
                 if (problem := _column_problem(s, data["codes"]))}
        if wrong:
            raise entry_errors("list", wrong)

    @post_load
    def _spec(self, data: dict[str, Any], **_: Any) -> AnnexSpec:
        return AnnexSpec(data["version"], data["effective_from"], data["source"],
                         data["date_format"], data["excel_date_format"], data["codes"],
                         tuple(sorted(data["list"], key=lambda s: s.number)))


def _column_problem(spec: ListSpec, codes: Mapping[str, Any]) -> str | None:
    """A coded column must name a code table that exists; other columns name none."""
    for c in spec.columns:
        if c.type == "coded" and c.codes not in codes:
            return f"column {c.heading!r} needs codes = one of {', '.join(sorted(codes))}"
        if c.type != "coded" and c.codes is not None:
            return f"column {c.heading!r} is {c.type}: only a coded column names codes"
    return None


class AnnexSettingsSchema(TableSchema):
    """[annex_a]: the name written for early help that no named team received."""

    section = "annex_a"
    early_help_organisation = Text()

    @post_load
    def _settings(self, data: dict[str, str], **_: Any) -> AnnexSettings:
        return AnnexSettings(**data)


# -- loading ---------------------------------------------------------------------------------

def load_spec(path: Path) -> AnnexSpec:
    """One version file, checked; any mistake raises ConfigError naming the file."""
    spec = load(SpecSchema(), read_toml(path), path)
    assert isinstance(spec, AnnexSpec)
    return spec


def spec_for(config_dir: Path, on: date) -> AnnexSpec:
    """The version in force on ``on``: the latest whose effective_from is not after it."""
    folder = config_dir / FOLDER
    versions = sorted((load_spec(p) for p in folder.glob("*.toml")),
                      key=lambda s: s.effective_from)
    in_force = [s for s in versions if s.effective_from <= on]
    if not in_force:
        raise ConfigError(folder, None, f"no Annex A version is in force on {on:%d/%m/%Y}"
                          + (f" (the earliest takes effect on "
                             f"{versions[0].effective_from:%d/%m/%Y})" if versions else ""))
    return in_force[-1]


def load_annex_config(config_dir: Path, on: date) -> AnnexConfig:
    """The template in force on ``on`` and the [annex_a] settings."""
    settings = load_table(config_dir / "settings.toml", AnnexSettingsSchema())
    return AnnexConfig(spec_for(config_dir, on),
                       settings if isinstance(settings, AnnexSettings) else AnnexSettings())
