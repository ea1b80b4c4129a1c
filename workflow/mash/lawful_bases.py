"""The lawful bases on which the front door asks for information and agencies share it.

Why data: the law on sharing safeguarding information changes by commencement order, not
by release. The Children's Wellbeing and Schools Act 2026 inserts a duty to share (Children
Act 2004 s16LA) that only applies once regulations under its s78 commence it (DOMAIN.md
§7), so each basis in ``config/lawful_bases.toml`` carries its citation and, where it
awaits commencement, the day it comes into force. A basis that is not in force on the day
is not offered and is refused with a sentence saying why; setting its date in the file is
the whole change when the regulations are made (ARCHITECTURE.md habit 3).

Each ``[[basis]]`` entry:

* ``id`` — stored on requests and answers; never renamed once used (add a new one);
* ``name`` — what people read; ``source`` — the act, section or guidance that makes it;
* ``awaits_commencement`` — true for a provision not yet in force: it is selectable only
  from its ``commences`` date, and never while that date is absent;
* ``commences`` — the day the basis comes into force (a TOML date);
* ``needs_detail`` — what must be written beside the basis when it is chosen (consent
  refused and overridden: why it was overridden);
* ``withholding_test`` — the test a decision not to share must meet while this basis is
  in force (s16LA: sharing would be more detrimental to the child than not sharing).
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

from workflow.config_schema import (
    EntrySchema,
    FileSchema,
    Flag,
    Text,
    TomlDate,
    entries,
    entry_errors,
    load_file,
)

__all__ = ["LawfulBasis", "LawfulBasisBook", "load_lawful_bases"]

_ID = re.compile(r"[a-z][a-z0-9_]{1,39}\Z")
#: Where a council changes the list; named in refusals so the fix is findable.
FILE = "config/lawful_bases.toml"


@dataclass(frozen=True)
class LawfulBasis:
    """One basis for asking or sharing, with its citation and when it is in force."""

    id: str
    name: str
    source: str
    awaits_commencement: bool = False
    commences: date | None = None
    needs_detail: str = ""
    withholding_test: str = ""

    def in_force(self, on: date) -> bool:
        """Whether the basis may be relied on for something done on ``on``."""
        if self.commences is not None:
            return self.commences <= on
        return not self.awaits_commencement

    def not_in_force(self, on: date) -> str | None:
        """Why the basis cannot be chosen on ``on`` (None when it can)."""
        if self.in_force(on):
            return None
        if self.commences is None:
            return (f"{self.name} is not in force yet: it awaits commencement and no "
                    f"commencement date is set ({FILE}). Choose another basis")
        return (f"{self.name} is not in force until {self.commences:%-d %B %Y}. "
                "Choose another basis")


class LawfulBasisBook:
    """The bases in file order, looked up by id; which are in force is asked per day."""

    def __init__(self, bases: list[LawfulBasis]) -> None:
        self._by_id = {b.id: b for b in bases}

    def get(self, basis_id: str | None) -> LawfulBasis | None:
        """The basis, or None for an id nobody configured."""
        return self._by_id.get(basis_id or "")

    def all(self) -> list[LawfulBasis]:
        """Every basis, in file order, in force or not."""
        return list(self._by_id.values())

    def in_force(self, on: date) -> list[LawfulBasis]:
        """The bases that may be chosen on ``on``, in file order."""
        return [b for b in self._by_id.values() if b.in_force(on)]

    def choices(self, on: date) -> tuple[tuple[str, str], ...]:
        """(id, name) of the bases a form offers on ``on``."""
        return tuple((b.id, b.name) for b in self.in_force(on))

    def label(self, basis_id: str | None) -> str:
        """Display name; an id no longer configured is shown as it was stored."""
        basis = self.get(basis_id)
        return basis.name if basis else (basis_id or "")

    def withholding_tests(self, on: date) -> list[LawfulBasis]:
        """Bases in force on ``on`` whose test a decision not to share must meet."""
        return [b for b in self.in_force(on) if b.withholding_test]


def load_lawful_bases(path: Path) -> LawfulBasisBook:
    """Read ``lawful_bases.toml``: known keys only, each id once, dates only where due."""
    return load_file(path, LawfulBasesSchema())


class LawfulBasisSchema(EntrySchema):
    """One [[basis]]: id, name, citation, and when it comes into force if it awaits that."""

    kind = "basis"
    id = Text(required=True, validate=Regexp(
        _ID, error="must be 2-40 lower-case letters, digits or _ (got {input!r})"))
    name = Text(required=True, validate=Length(max=200))
    source = Text(required=True,
                  error_messages={"invalid": "must cite the act, section or guidance"})
    awaits_commencement = Flag(load_default=False)
    commences = TomlDate("2027-04-01", load_default=None)
    needs_detail = Text(load_default="")
    withholding_test = Text(load_default="")

    def ident(self, entry: Mapping[str, Any]) -> str | None:
        return str(entry["id"]) if entry.get("id") else None

    @validates_schema
    def _dated(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("commences") and not data.get("awaits_commencement"):
            raise ValidationError("commences is only for a basis that awaits commencement "
                                  "(set awaits_commencement = true)")

    @post_load
    def _basis(self, data: dict[str, Any], **_: Any) -> LawfulBasis:
        return LawfulBasis(**data)


class LawfulBasesSchema(FileSchema):
    """lawful_bases.toml: one or more bases, each id once."""

    shape = "expected one or more [[basis]] entries and nothing else"
    basis = entries(LawfulBasisSchema, required=True, validate=Length(min=1))

    @validates_schema
    def _ids(self, data: dict[str, list[LawfulBasis]], **_: Any) -> None:
        ids = [b.id for b in data["basis"]]
        twice = {i: "the id is used twice" for i, basis_id in enumerate(ids)
                 if basis_id in ids[:i]}
        if twice:
            raise entry_errors("basis", twice)

    @post_load
    def _book(self, data: dict[str, list[LawfulBasis]], **_: Any) -> LawfulBasisBook:
        return LawfulBasisBook(data["basis"])
