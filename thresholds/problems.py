"""What to write: the fix for each problem found in a levels-of-need catalogue.

Why a fix beside every problem: the catalogue is edited by hand, and the person editing it
needs to be told what to write, not only what is wrong. The schemas in ``thresholds.parse``
find the problems; every table's schema here (``Part``, ``Entry``) knows the fix for a
problem in its own keys, and a check across tables attaches its own (``Fixable``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, cast

from marshmallow import fields

from thresholds.errors import CatalogueError
from workflow.config_schema import ConfigSchema, Issue, WholeNumber

Raw = dict[str, Any]


def quoted(values: Iterable[object]) -> str:
    """Choices as the TOML to write: ``"a" | "b"``."""
    return " | ".join(f'"{v}"' for v in values) or "(none defined yet)"


class Fixable(str):
    """A problem found by a check across keys, with the fix to write beside it."""

    fix: str

    def __new__(cls, problem: str, fix: str) -> Fixable:
        message = super().__new__(cls, problem)
        message.fix = fix
        return message


def tables(value: Any) -> list[Raw]:
    """The array of tables at ``value``, or [] when it is not one (reported on its own)."""
    return value if isinstance(value, list) and all(isinstance(v, dict) for v in value) else []


def text(value: Any) -> str:
    """The stripped string, or "" for anything else."""
    return value.strip() if isinstance(value, str) else ""


class Part(ConfigSchema):
    """A table of the catalogue; knows the fix for each problem found in it."""

    #: Fixes by key; ``{where}`` becomes the table's name (``indicator 'L2-PC-SAFETY-01'``).
    fixes: ClassVar[Mapping[str, str]] = {}
    #: The fix when the table itself is the wrong shape.
    whole_fix: ClassVar[str] = ""

    def fix(self, issue: Issue) -> str:
        """What to write to clear ``issue``."""
        where = ".".join(issue.where)
        if isinstance(issue.message, Fixable):
            return issue.message.fix
        if issue.key is None:
            return self.whole_fix
        if self.is_unknown(issue):
            return f"remove it or correct the spelling; allowed here: {', '.join(self.fields)}"
        if issue.key in self.fixes:
            return self.fixes[issue.key].format(where=where)
        field = self.fields.get(issue.key)
        if isinstance(field, WholeNumber):
            return f"set {issue.key} to a whole number >= 1"
        if isinstance(field, fields.List):
            return f"write each entry as [[{issue.key}]]"
        return f'set {issue.key} = "..." in {where}'


class Entry(Part):
    """One entry of an array of tables, named ``level 2``, ``indicator 'X'`` or ``levels #2``."""

    kind: ClassVar[str] = ""
    ident_key: ClassVar[str] = "id"

    def label(self, entry: Any, number: int) -> str:
        ident = entry.get(self.ident_key) if isinstance(entry, Mapping) else None
        if isinstance(ident, str) and ident.strip():
            return f"{self.kind} {ident.strip()!r}"
        if isinstance(ident, int) and not isinstance(ident, bool):
            return f"{self.kind} {ident}"
        return f"{self.kind}s #{number}"


def repeats(entries_: Any, kind: str) -> dict[int, str]:
    """Index of the last use of each id used more than once, with the fix: decisions store
    ids, so each must mean one thing."""
    ids = [text(entry.get("id")) for entry in tables(entries_)]
    return {index: Fixable(f"duplicate {kind} id",
                           f"give each {kind} its own id (this one is used {ids.count(i)} times)")
            for index, i in enumerate(ids) if i and i in ids[:index] and i not in ids[index + 1:]}


def catalogue_error(file: str, issue: Issue) -> CatalogueError:
    """The CatalogueError for one problem: the file, the key from the top, the fix."""
    part = cast(Part, issue.schema)
    key = ".".join((*issue.where, issue.key) if issue.key else issue.where)
    return CatalogueError(file, key, issue.message, part.fix(issue))
