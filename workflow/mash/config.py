"""The MASH's configuration: partner agencies, request deadlines and repeat-contact alerts.

Why data: which agencies a council works with, and how fast it asks them to answer, are
local choices a council edits by hand (ARCHITECTURE.md habit 3). A mistake must stop
start-up with a ``ConfigError`` naming the file, the entry and the problem, rather than
surface later as a request to an agency nobody can answer for.

* ``config/agencies.toml`` — ``[[agency]]`` entries: id, name, note (the citation or
  "local: ..."), local.
* ``config/agency_timescales.toml`` — the answer deadlines per RAG rating, in the
  ``timescales.toml`` format and read by the same loader.
* ``config/settings.toml`` ``[mash]`` — the repeat-contact window and threshold.

Nothing is loaded at import time: ``load_mash_config(config_dir)`` is called at start-up
by the app factory (through the MASH blueprint), by the CLI and by the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from workflow.clocks.timescales import TimescaleBook, TimescaleRule, load_timescales
from workflow.config_errors import ConfigError, read_toml

__all__ = ["Agency", "AgencyBook", "MashConfig", "MashSettings", "load_agencies",
           "load_mash_config", "load_mash_settings"]

REQUIRED_AGENCIES = ("police", "health", "education")
_AGENCY_KEYS = ("id", "name", "note", "local")
_ID = re.compile(r"[a-z][a-z0-9_]{1,39}")
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

    def deadline_rule(self, rag: str, on: date) -> TimescaleRule:
        """The answer deadline for a request sent on a contact rated ``rag``."""
        return self.deadlines.rule(f"agency_request_{rag}", on)


def load_mash_config(config_dir: Path) -> MashConfig:
    """Load and check the three sources; any problem raises ConfigError."""
    return MashConfig(load_agencies(config_dir / "agencies.toml"),
                      load_deadlines(config_dir / "agency_timescales.toml"),
                      load_mash_settings(config_dir / "settings.toml"))


# -- agencies -------------------------------------------------------------------------
def load_agencies(path: Path) -> AgencyBook:
    """Read ``agencies.toml``: known keys only, unique ids, police/health/education present."""
    document = read_toml(path)
    entries = document.get("agency")
    if set(document) != {"agency"} or not isinstance(entries, list) or not entries:
        raise ConfigError(path, None, "expected one or more [[agency]] entries and nothing else")
    agencies: list[Agency] = []
    for number, entry in enumerate(entries, start=1):
        agency = _read_agency(path, number, entry)
        if any(a.id == agency.id for a in agencies):
            raise ConfigError(path, agency.id, "the id is used twice", kind="agency")
        agencies.append(agency)
    missing = [a for a in REQUIRED_AGENCIES if a not in {x.id for x in agencies}]
    if missing:
        raise ConfigError(path, None, f"missing the agencies {', '.join(missing)} "
                          "(Working Together: police, health and education take part)")
    return AgencyBook(agencies)


def _read_agency(path: Path, number: int, entry: Any) -> Agency:
    if not isinstance(entry, dict):
        raise ConfigError(path, f"#{number}", "must be a table", kind="agency")
    key = str(entry.get("id") or f"#{number}")
    problem = _agency_problem(entry)
    if problem:
        raise ConfigError(path, key, problem, kind="agency")
    return Agency(entry["id"], entry["name"].strip(), entry["note"].strip(), entry["local"])


def _agency_problem(entry: dict[str, Any]) -> str | None:
    missing = [k for k in _AGENCY_KEYS if k not in entry]
    unknown = sorted(set(entry) - set(_AGENCY_KEYS))
    checks = [
        (bool(missing), f"missing {', '.join(missing)}"),
        (bool(unknown), f"unknown key(s) {', '.join(unknown)}"),
        (not isinstance(entry.get("id"), str) or not _ID.fullmatch(entry.get("id", "")),
         f"id must be 2-40 lower-case letters, digits or _ (got {entry.get('id')!r})"),
        (not _text(entry.get("name")), "name must be a non-empty string"),
        (not _text(entry.get("note")), "note must cite the guidance or say 'local: ...'"),
        (not isinstance(entry.get("local"), bool), "local must be true or false"),
    ]
    return next((message for failed, message in checks if failed), None)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


# -- deadlines ------------------------------------------------------------------------
def load_deadlines(path: Path) -> TimescaleBook:
    """Read the request deadlines; one rule per RAG rating must exist."""
    book = load_timescales(path)
    missing = [f"agency_request_{rag}" for rag in RAGS
               if f"agency_request_{rag}" not in book.names()]
    if missing:
        raise ConfigError(path, None, f"missing the rule(s) {', '.join(missing)}")
    return book


# -- settings -------------------------------------------------------------------------
def load_mash_settings(path: Path) -> MashSettings:
    """[mash] from settings.toml (defaults when absent); unknown or bad keys refused."""
    table = read_toml(path).get("mash", {})
    if not isinstance(table, dict):
        raise ConfigError(path, "mash", "must be a table", kind="setting")
    known = set(MashSettings.__dataclass_fields__)
    for key in sorted(set(table) - known):
        raise ConfigError(path, f"mash.{key}", "unknown setting", kind="setting")
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 365:
            raise ConfigError(path, f"mash.{key}",
                              f"must be a whole number from 1 to 365 (got {value!r})",
                              kind="setting")
    return MashSettings(**table)
