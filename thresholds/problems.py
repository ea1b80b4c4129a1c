"""Collect the problems in one catalogue file, with the typed readers that find them.

Why a collector: validation goes on past the first problem so that `frontdoor thresholds
check` can list them all in one run, while loading still stops on the first. The
readers here record *what to write* (the fix), not only what is wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from thresholds.errors import CatalogueError

Raw = dict[str, Any]


def key_path(where: str, key: str) -> str:
    """``where.key``, or just ``key`` at the top of the file."""
    return f"{where}.{key}" if where else key


def quoted(values: Iterable[object]) -> str:
    """Choices as the TOML to write: ``"a" | "b"``."""
    return " | ".join(f'"{v}"' for v in values) or "(none defined yet)"


class Problems:
    """The problems found in one file so far, plus the typed readers that record them."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[CatalogueError] = []

    def add(self, key: str, problem: str, fix: str) -> None:
        """Record one problem; validation then carries on with the next key."""
        self.errors.append(CatalogueError(self.file, key, problem, fix))

    def text(self, table: Raw, key: str, where: str, example: str = '"..."') -> str:
        """The non-blank string at ``table[key]``, or "" once the problem is recorded."""
        value = table.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        problem = "missing" if value is None else f"must be non-empty text, got {value!r}"
        self.add(key_path(where, key), problem, f"set {key} = {example} in {where}")
        return ""

    def integer(self, table: Raw, key: str, where: str, minimum: int = 1) -> int | None:
        """The whole number (>= minimum) at ``table[key]``, or None once recorded."""
        value = table.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return value
        problem = "missing" if value is None else f"must be a whole number, got {value!r}"
        self.add(key_path(where, key), problem, f"set {key} to a whole number >= {minimum}")
        return None

    def known_keys(self, table: Raw, allowed: tuple[str, ...], where: str) -> None:
        """Refuse keys the format does not define, so a typo cannot silently drop a rule."""
        for key in sorted(set(table) - set(allowed)):
            fix = f"remove it or correct the spelling; allowed here: {', '.join(allowed)}"
            self.add(key_path(where, key), "unknown key", fix)

    def entries(self, table: Raw, key: str, where: str = "") -> list[Raw]:
        """The array of tables at ``table[key]`` (``[[key]]`` in TOML), or [] once recorded."""
        value = table.get(key, [])
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return value
        fix = f"write each entry as [[{key}]]"
        self.add(key_path(where, key), "must be an array of tables", fix)
        return []

    def duplicates(self, ids: Iterable[str], kind: str) -> None:
        """Refuse an id used twice: decisions store ids, so each must mean one thing."""
        for ident, times in Counter(ids).items():
            if times > 1:
                fix = f"give each {kind} its own id (this one is used {times} times)"
                self.add(f"{kind} {ident!r}.id", f"duplicate {kind} id", fix)


def where_label(kind: str, entry: Raw, index: int, ident_key: str = "id") -> str:
    """How a message names an entry: by its id if usable, else ``<kind>s #<n>`` from 1."""
    ident = entry.get(ident_key)
    if isinstance(ident, str) and ident.strip():
        return f"{kind} {ident.strip()!r}"
    if isinstance(ident, int) and not isinstance(ident, bool):
        return f"{kind} {ident}"
    return f"{kind}s #{index}"
