"""Audit forms as cited, versioned data (``config/audit_forms/*.toml``).

Why data: a council's quality assurance framework decides what an auditor asks, grouped by
its practice standard areas, and revises it each year. Like the timescales, each form has
dated versions with their source; an audit records the version it was carried out against,
so an old audit is read with the questions it was answered under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from workflow.config_errors import ConfigError, read_toml

#: The four grades, best first (Ofsted's words, used by every council's audit tool).
GRADES = {"outstanding": "Outstanding", "good": "Good",
          "requires_improvement": "Requires improvement", "inadequate": "Inadequate"}
#: What a form audits: a case file, or a piece of practice observed.
KINDS = {"case": "Case file audit", "observation": "Observation of practice"}


@dataclass(frozen=True)
class Question:
    id: str
    text: str


@dataclass(frozen=True)
class Area:
    """A practice standard area and its questions."""

    id: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class FormVersion:
    version: str
    effective_from: date
    source: str
    areas: tuple[Area, ...]

    def questions(self) -> dict[str, Question]:
        """Every question by id, in the order the form asks them."""
        return {q.id: q for a in self.areas for q in a.questions}


@dataclass(frozen=True)
class AuditForm:
    id: str
    kind: str
    title: str
    versions: tuple[FormVersion, ...]

    def in_force(self, on: date) -> FormVersion | None:
        """The latest version effective on or before ``on`` (None before the first)."""
        live = [v for v in self.versions if v.effective_from <= on]
        return max(live, key=lambda v: v.effective_from, default=None)

    def version(self, name: str) -> FormVersion | None:
        return next((v for v in self.versions if v.version == name), None)


def _text(path: Path, where: str, data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, where, f"{key} must be some text")
    return value


def _area(path: Path, data: dict[str, Any]) -> Area:
    area_id = _text(path, "area", data, "id")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise ConfigError(path, area_id, "an area needs at least one question", kind="area")
    return Area(area_id, _text(path, area_id, data, "title"), tuple(
        Question(_text(path, area_id, q, "id"), _text(path, area_id, q, "text"))
        for q in questions))


def _version(path: Path, data: dict[str, Any]) -> FormVersion:
    name = _text(path, "version", data, "version")
    effective = data.get("effective_from")
    if not isinstance(effective, date):
        raise ConfigError(path, name, "effective_from must be a TOML date", kind="version")
    areas = tuple(_area(path, a) for a in data.get("area", []))
    if not areas:
        raise ConfigError(path, name, "a version needs at least one area", kind="version")
    found = FormVersion(name, effective, _text(path, name, data, "source"), areas)
    if len(found.questions()) != sum(len(a.questions) for a in areas):
        raise ConfigError(path, name, "two questions share an id", kind="version")
    return found


def load_form(path: Path) -> AuditForm:
    """One form file; a malformed one stops start-up naming the file and the entry."""
    data = read_toml(path)
    kind = _text(path, "kind", data, "kind")
    if kind not in KINDS:
        raise ConfigError(path, "kind", f"kind must be one of {', '.join(KINDS)}")
    versions = tuple(_version(path, v) for v in data.get("version", []))
    if not versions:
        raise ConfigError(path, None, "the form has no [[version]]")
    return AuditForm(_text(path, "id", data, "id"), kind, _text(path, "title", data, "title"),
                     versions)


def load_forms(folder: Path) -> dict[str, AuditForm]:
    """Every form in ``config/audit_forms`` by id (none when the folder is absent)."""
    forms = [load_form(p) for p in sorted(folder.glob("*.toml"))] if folder.is_dir() else []
    return {f.id: f for f in forms}
