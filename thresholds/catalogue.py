"""Load levels-of-need catalogues from config/levels_of_need/ and pick the one in force.

Why a registry of dated versions rather than one "current" file: a threshold document
changes, but a decision made last year must still be shown against the rules in force
when it was made. So a change adds a new file with a later ``effective_from`` and a
higher ``version``, and never rewrites an old one; `active_on` answers "which rules
applied that day" and `get` answers "show me the version this decision recorded".
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from thresholds.errors import CatalogueError, CatalogueNotFoundError
from thresholds.model import Catalogue
from thresholds.parse import parse_catalogue


def catalogue_problems(path: Path) -> list[CatalogueError]:
    """Every problem in one catalogue file (unreadable, bad TOML or broken rules); [] if none."""
    return _read(path)[1]


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate one catalogue file; raise the first CatalogueError if it is wrong.

    The error carries a note with how many other problems the file has, so whoever is
    fixing it knows to run `frontdoor thresholds check` for the full list.
    """
    catalogue, problems = _read(path)
    if catalogue is None:
        first = problems[0]
        if len(problems) > 1:
            more = len(problems) - 1
            first.add_note(
                f"{more} more {'problem' if more == 1 else 'problems'} in {path}: "
                f"run `frontdoor thresholds check {path}` for the full list"
            )
        raise first
    return catalogue


def _read(path: Path) -> tuple[Catalogue | None, list[CatalogueError]]:
    file = str(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except OSError as exc:
        fix = "check the path, and that the file is readable"
        return None, [CatalogueError(file, "(file)", f"cannot be read ({exc.strerror})", fix)]
    except tomllib.TOMLDecodeError as exc:
        fix = "correct the TOML syntax at the line and column given"
        return None, [CatalogueError(file, "(syntax)", f"not valid TOML: {exc}", fix)]
    return parse_catalogue(raw, file)


def load_registry(folder: Path) -> CatalogueRegistry:
    """Load every ``*.toml`` catalogue in ``folder``; refuse the folder if any file is wrong.

    Refusing the whole folder is deliberate: a front door must not start up quietly
    using an older version because the newer file had a typo.
    """
    files = sorted(folder.glob("*.toml"))
    if not files:
        fix = "add a catalogue file such as worcestershire_2024.toml, or point at the right folder"
        raise CatalogueError(folder, "*.toml", "no catalogue files found", fix)
    return CatalogueRegistry(load_catalogue(file) for file in files)


class CatalogueRegistry:
    """All known catalogue versions, answering which one applies on a day.

    Built only from catalogues that already passed validation; the constructor adds the
    checks that need more than one file (see `_check_unique`).
    """

    def __init__(self, catalogues: Iterable[Catalogue]) -> None:
        ordered = sorted(catalogues, key=lambda c: (c.effective_from, c.id, c.version))
        _check_unique(ordered)
        self._catalogues: tuple[Catalogue, ...] = tuple(ordered)

    @property
    def catalogues(self) -> tuple[Catalogue, ...]:
        """Every catalogue, oldest ``effective_from`` first."""
        return self._catalogues

    def active_on(self, day: date) -> Catalogue:
        """The catalogue in force on ``day``: the latest ``effective_from`` on or before it."""
        in_force = [c for c in self._catalogues if c.effective_from <= day]
        if not in_force:
            earliest = self._catalogues[0].effective_from if self._catalogues else None
            raise CatalogueNotFoundError(
                f"no levels-of-need catalogue is in force on {day.isoformat()} "
                f"(the earliest takes effect on {earliest}). Fix: add a catalogue whose "
                "effective_from is on or before that day to config/levels_of_need/"
            )
        return in_force[-1]

    def get(self, catalogue_id: str, version: int) -> Catalogue:
        """The exact version a decision recorded, whatever is in force today."""
        for catalogue in self._catalogues:
            if (catalogue.id, catalogue.version) == (catalogue_id, version):
                return catalogue
        known = ", ".join(f"{c.id} v{c.version}" for c in self._catalogues) or "none"
        raise CatalogueNotFoundError(
            f"no catalogue {catalogue_id!r} version {version} (known: {known}). Fix: restore "
            "the retired file to config/levels_of_need/; old versions must never be deleted"
        )


def _check_unique(ordered: list[Catalogue]) -> None:
    """Refuse two files claiming the same version, the same start day, or versions out of
    date order: each would make "which rules applied" ambiguous."""
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.effective_from == after.effective_from:
            raise CatalogueError(
                after.file, "catalogue.effective_from",
                f"same effective_from ({after.effective_from}) as {before.file}",
                "give the newer catalogue a later effective_from",
            )
    seen: dict[tuple[str, int], Catalogue] = {}
    for catalogue in ordered:
        _check_version_order(catalogue, seen)
        seen[(catalogue.id, catalogue.version)] = catalogue


def _check_version_order(catalogue: Catalogue, seen: dict[tuple[str, int], Catalogue]) -> None:
    for (other_id, other_version), other in seen.items():
        if other_id != catalogue.id or other_version < catalogue.version:
            continue
        problem = (
            f"version {other_version} is also used by {other.file}"
            if other_version == catalogue.version
            else f"takes effect after version {other_version} in {other.file}"
        )
        fix = "give each new version of a catalogue a higher version number"
        raise CatalogueError(catalogue.file, "catalogue.version", problem, fix)
