"""The MASH's configuration: partner agencies, request deadlines, repeat-contact alerts
and the lawful bases of information sharing.

Why data: which agencies a council works with, and how fast it asks them to answer, are
local choices a council edits by hand (ARCHITECTURE.md habit 3). A mistake must stop
start-up with a ``ConfigError`` naming the file, the entry and the problem, rather than
surface later as a request to an agency nobody can answer for.

* ``config/agencies.toml`` — ``[[agency]]`` entries: id, name, note (the citation or
  "local: ..."), local.
* ``config/agency_timescales.toml`` — the answer deadlines per RAG rating, in the
  ``timescales.toml`` format and read by the same loader.
* ``config/settings.toml`` ``[mash]`` — the repeat-contact window and threshold.
* ``config/lawful_bases.toml`` — the lawful bases of requests and answers, each with its
  citation and, where it awaits commencement, its date (``workflow.mash.lawful_bases``).

Nothing is loaded at import time: ``load_mash_config(config_dir)`` is called at start-up
by the app factory (through the MASH blueprint), by the CLI and by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from marshmallow import ValidationError, post_load, validates_schema
from marshmallow.validate import Length, Regexp

from workflow.clocks.timescales import TimescaleBook, TimescaleRule, load_timescales
from workflow.config_schema import (
    EntrySchema,
    FileSchema,
    Flag,
    TableSchema,
    Text,
    WholeNumber,
    entries,
    entry_errors,
    load_file,
    load_table,
)
from workflow.mash.lawful_bases import LawfulBasisBook, load_lawful_bases

__all__ = ["Agency", "AgencyBook", "MashConfig", "MashSettings", "load_agencies",
           "load_mash_config", "load_mash_settings"]

REQUIRED_AGENCIES = ("police", "health", "education")
# Anchored at both ends: marshmallow's Regexp matches from the start only.
_ID = re.compile(r"[a-z][a-z0-9_]{1,39}\Z")
RAGS = ("red", "amber", "green")


@dataclass(frozen=True)
class Agency:
    """One partner agency the MASH may ask."""

    id: str
    name: str
    note: str
    local: bool


class AgencyBook:
    """The agencies in configuration order, looked up by id."""

    def __init__(self, agencies: list[Agency]) -> None:
        self._by_id = {a.id: a for a in agencies}

    def get(self, agency_id: str) -> Agency | None:
        """The agency, or None for an id nobody configured."""
        return self._by_id.get(agency_id)

    def ids(self) -> tuple[str, ...]:
        """Every id, in file order (the order forms and reports list them)."""
        return tuple(self._by_id)

    def all(self) -> list[Agency]:
        """Every agency, in file order."""
        return list(self._by_id.values())

    def name(self, agency_id: str) -> str:
        """Display name; an unknown id is shown as it is rather than hidden."""
        agency = self._by_id.get(agency_id)
        return agency.name if agency else agency_id


@dataclass(frozen=True)
class MashSettings:
    """[mash] in settings.toml: when repeat contacts raise an alert."""

    repeat_contact_window_days: int = 7
    repeat_contact_threshold: int = 2


@dataclass(frozen=True)
class MashConfig:
    """Everything the MASH services need, loaded once at start-up."""

    agencies: AgencyBook
    deadlines: TimescaleBook
    settings: MashSettings
    lawful_bases: LawfulBasisBook

    def deadline_rule(self, rag: str, on: date) -> TimescaleRule:
        """The answer deadline for a request sent on a contact rated ``rag``."""
        return self.deadlines.rule(f"agency_request_{rag}", on)


def load_mash_config(config_dir: Path) -> MashConfig:
    """Load and check the four sources; any problem raises ConfigError."""
    return MashConfig(load_agencies(config_dir / "agencies.toml"),
                      load_deadlines(config_dir / "agency_timescales.toml"),
                      load_mash_settings(config_dir / "settings.toml"),
                      load_lawful_bases(config_dir / "lawful_bases.toml"))


# -- agencies -------------------------------------------------------------------------
def load_agencies(path: Path) -> AgencyBook:
    """Read ``agencies.toml``: known keys only, unique ids, police/health/education present."""
    return load_file(path, AgenciesSchema())


class AgencySchema(EntrySchema):
    """One [[agency]]: a short lower-case id, a display name, its citation, a LOCAL flag."""

    kind = "agency"
    id = Text(required=True, validate=Regexp(
        _ID, error="must be 2-40 lower-case letters, digits or _ (got {input!r})"))
    name = Text(required=True)
    note = Text(required=True,
                error_messages={"invalid": "must cite the guidance or say 'local: ...'"})
    local = Flag(required=True)

    def ident(self, entry: Mapping[str, Any]) -> str | None:
        # Named by the id as written, even a wrong one, so the message points at the entry.
        return str(entry["id"]) if entry.get("id") else None

    @post_load
    def _agency(self, data: dict[str, Any], **_: Any) -> Agency:
        return Agency(**data)


class AgenciesSchema(FileSchema):
    """agencies.toml: one or more agencies, each id once, the statutory three present."""

    shape = "expected one or more [[agency]] entries and nothing else"
    agency = entries(AgencySchema, required=True, validate=Length(min=1))

    @validates_schema
    def _ids(self, data: dict[str, list[Agency]], **_: Any) -> None:
        ids = [agency.id for agency in data["agency"]]
        twice = {i: "the id is used twice" for i, agency_id in enumerate(ids)
                 if agency_id in ids[:i]}
        if twice:
            raise entry_errors("agency", twice)
        missing = [a for a in REQUIRED_AGENCIES if a not in ids]
        if missing:
            raise ValidationError(f"missing the agencies {', '.join(missing)} "
                                  "(Working Together: police, health and education take part)")

    @post_load
    def _book(self, data: dict[str, list[Agency]], **_: Any) -> AgencyBook:
        return AgencyBook(data["agency"])


# -- deadlines ------------------------------------------------------------------------
def load_deadlines(path: Path) -> TimescaleBook:
    """Read the request deadlines; one rule per RAG rating must exist."""
    return load_timescales(path, required=[f"agency_request_{rag}" for rag in RAGS])


# -- settings -------------------------------------------------------------------------
def load_mash_settings(path: Path) -> MashSettings:
    """[mash] from settings.toml (defaults when absent); unknown or bad keys refused."""
    return load_table(path, MashSettingsSchema())


class MashSettingsSchema(TableSchema):
    """[mash]: the repeat-contact window (days) and how many contacts in it raise an alert."""

    section = "mash"
    repeat_contact_window_days = WholeNumber(1, 365)
    repeat_contact_threshold = WholeNumber(1, 365)

    @post_load
    def _settings(self, data: dict[str, int], **_: Any) -> MashSettings:
        return MashSettings(**data)
