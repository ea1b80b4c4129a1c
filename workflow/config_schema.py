"""The pieces every configuration schema shares, and the one translation of its errors.

Why marshmallow: each file in ``config/`` is read by a schema (one per file or table,
nested schemas for its entries) that refuses unknown keys and builds the frozen objects
the engine uses in ``post_load``. What is left to write by hand is only what a council's
administrator reads when an edit is wrong, so that lives here once:

* fields that say what to write — a TOML date, a "HH:MM" time, a whole number in a range,
  a list of ids checked against the ids the file may use — in words, with the value found;
* three kinds of schema, one per shape of file: ``FileSchema`` (a file of ``[[entry]]``
  tables), ``EntrySchema`` (one such table) and ``TableSchema`` (a settings table);
* ``issues``, which walks marshmallow's nested error dictionary in file order (fields as
  declared, then unknown keys, then checks across keys), and ``config_error``, which turns
  the first issue into the project's ``ConfigError``::

      config/timescales.toml: rule 'assessment': limit must be a positive whole number (got -3)
      config/settings.toml: setting 'mash.repeat_contact_threshold': must be a whole number ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields
from marshmallow.exceptions import SCHEMA

from workflow.config_errors import ConfigError, read_toml
from workflow.config_errors import listed as listed_as

__all__ = [
    "MISSING", "ClockTime", "EntrySchema", "FileSchema", "Flag", "IdList", "Issue", "Number",
    "OneOf", "TableSchema", "Text", "TomlDate", "WholeNumber", "config_error", "entries",
    "entry_errors", "issues", "load", "load_entries", "load_file", "load_table", "table",
]

#: What every required key says when it is absent (an entry lists all of its absent keys).
MISSING = "missing"
_HH_MM = re.compile(r"\d\d:\d\d")


# -- fields ---------------------------------------------------------------------------


class _Field(fields.Field[Any]):
    """A field whose "required" message is the plain word every loader uses."""

    default_error_messages = {"required": MISSING}


class Text(_Field):
    """A non-blank string, stripped: a name, a citation, a sentence shown to users."""

    default_error_messages = {"invalid": "must be a non-empty string (got {input!r})"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.make_error("invalid", input=value)
        return value.strip()


class WholeNumber(_Field):
    """A whole number from ``minimum`` (to ``maximum``); TOML's true and false are refused."""

    def __init__(self, minimum: int = 1, maximum: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        too_big = self.maximum is not None and isinstance(value, int) and value > self.maximum
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum or too_big:
            raise ValidationError(f"must be {self._range()} (got {value!r})")
        return value

    def _range(self) -> str:
        if self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.minimum == 1:
            return "a positive whole number"
        return f"a whole number >= {self.minimum}"


class Number(_Field):
    """A number (whole or decimal) from ``low`` to ``high``, as a float."""

    def __init__(self, low: float, high: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.low, self.high = low, high
        # An absent number is told its range too, so the fix is in the message.
        self.error_messages["required"] = f"missing (a number from {low} to {high})"

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not self.low <= value <= self.high:
            raise ValidationError(
                f"must be a number from {self.low} to {self.high} (got {value!r})")
        return float(value)


class Flag(_Field):
    """TOML ``true`` or ``false``; "no" or 0 are refused rather than guessed."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"must be true or false (got {value!r})")
        return value


class OneOf(_Field):
    """One of a fixed vocabulary; given a StrEnum, the member is returned."""

    def __init__(self, choices: type[StrEnum] | Collection[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        allowed = [str(choice) for choice in self.choices]
        if not isinstance(value, str) or value not in allowed:
            raise ValidationError(f"must be one of {', '.join(allowed)} (got {value!r})")
        if isinstance(self.choices, type):
            return self.choices(value)
        return value


class TomlDate(_Field):
    """A TOML date written without quotes (2026-12-24); not a string, not a date-time."""

    def __init__(self, example: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.example = example

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        # tomllib gives a datetime (a date subclass) for 2026-12-24T00:00, so test it first.
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValidationError(f"must be a TOML date like {self.example} (got {value!r})")
        return value


class ClockTime(_Field):
    """A local wall-clock time written "HH:MM", as opening hours are on a council's website."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> time:
        if not isinstance(value, str) or not _HH_MM.fullmatch(value):
            raise ValidationError(f'must be a "HH:MM" time like "09:00" (got {value!r})')
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"is not a time of day (got {value!r})") from None


Known = Collection[str] | Callable[[Schema], Collection[str]]


class IdList(_Field):
    """A list of ids, each one the file may use; returned as a tuple in the order written.

    ``known`` is the vocabulary, or a function of the loading schema for a vocabulary only
    known at start-up (the agencies of agencies.toml); None accepts any non-blank id.
    """

    def __init__(self, noun: str, known: Known | None = None, *, non_empty: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.noun, self.known, self.non_empty = noun, known, non_empty

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> tuple[str, ...]:
        ids_only = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        if not ids_only or (self.non_empty and not value):
            shape = "a non-empty list" if self.non_empty else "a list"
            raise ValidationError(f"must be {shape} of {self.noun}s (got {value!r})")
        known = self._vocabulary()
        unknown = [v for v in value if known is not None and v not in known]
        if unknown:
            listed = ", ".join(sorted(known or ()))
            raise ValidationError(f"unknown {listed_as(self.noun, unknown)} (known: {listed})")
        return tuple(value)

    def _vocabulary(self) -> Collection[str] | None:
        if callable(self.known) and isinstance(self.parent, Schema):
            return self.known(self.parent)
        return None if callable(self.known) else self.known


def table(schema: type[Schema], **kwargs: Any) -> fields.Nested:
    """A nested TOML table (``[calendar.service_hours]``) read by its own schema."""
    messages = {"required": MISSING, **kwargs.pop("error_messages", {})}
    return fields.Nested(schema, error_messages=messages, **kwargs)


def entries(schema: type[Schema], **kwargs: Any) -> fields.List:
    """An array of tables (``[[rule]]``), each read by ``schema``."""
    messages: dict[str, Any] = {"required": MISSING, "invalid": "must be an array of tables",
                                **kwargs.pop("error_messages", {})}
    return fields.List(fields.Nested(schema), error_messages=messages, **kwargs)


# -- schemas ------------------------------------------------------------------------------


class ConfigSchema(Schema):
    """Unknown keys refused (a misspelt key would silently drop a rule), plain messages."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "unknown key", "type": "must be a table"}

    def label(self, entry: Any, number: int) -> str:
        """How an error names the ``number``-th (from 1) entry of a list read by this schema."""
        return f"#{number}"

    def describe(self, path: Path, issue: Issue, found: Sequence[Issue]) -> ConfigError:
        """The ConfigError for ``issue`` (the first of ``found``), in this schema's terms."""
        where = ".".join((*issue.where, issue.key) if issue.key else issue.where)
        return ConfigError(path, where or None, issue.message)

    def is_unknown(self, issue: Issue) -> bool:
        """True when the issue is a key this schema does not define."""
        return issue.key is not None and issue.message == self.error_messages["unknown"]

    def is_missing(self, issue: Issue) -> bool:
        """True when the issue is a required key left out."""
        field = self.fields.get(issue.key or "")
        return field is not None and issue.message == field.error_messages.get("required")


class TableSchema(ConfigSchema):
    """A settings table: errors name the dotted key (``mash.repeat_contact_threshold``)."""

    error_messages = {"unknown": "unknown setting"}
    #: The table's name in settings.toml (``[mash]``), for ``load_table``.
    section: ClassVar[str] = ""

    def describe(self, path: Path, issue: Issue, found: Sequence[Issue]) -> ConfigError:
        key = ".".join((*issue.where, issue.key) if issue.key else issue.where)
        return ConfigError(path, key, issue.message, kind="setting")


class EntrySchema(ConfigSchema):
    """One ``[[kind]]`` table: errors name the entry by its id (``rule 'assessment'``) or its
    place (``rule '#3'``), and say every absent or unknown key of it at once."""

    kind: ClassVar[str] = ""

    def ident(self, entry: Mapping[str, Any]) -> str | None:
        """The entry's own name, when it has a usable one; by default its ``id``."""
        value = entry.get("id")
        return value if isinstance(value, str) and value.strip() else None

    def label(self, entry: Any, number: int) -> str:
        ident = self.ident(entry) if isinstance(entry, Mapping) else None
        return ident if ident is not None else f"#{number}"

    def describe(self, path: Path, issue: Issue, found: Sequence[Issue]) -> ConfigError:
        same = [i for i in found if i.schema is issue.schema and i.where == issue.where]
        if self.is_missing(issue):
            problem = f"missing {', '.join(str(i.key) for i in same if self.is_missing(i))}"
        elif self.is_unknown(issue):
            unknown = sorted(str(i.key) for i in same if self.is_unknown(i))
            problem = f"unknown {listed_as('key', unknown)}"
        else:
            problem = f"{issue.key} {issue.message}" if issue.key else issue.message
        return ConfigError(path, issue.where[-1], problem, kind=self.kind)


class FileSchema(ConfigSchema):
    """A whole file of ``[[entry]]`` tables; a wrong shape is told what the file should hold."""

    #: What the file holds, e.g. "expected only [[rule]] entries".
    shape: ClassVar[str] = ""

    def describe(self, path: Path, issue: Issue, found: Sequence[Issue]) -> ConfigError:
        if issue.key is None:
            return ConfigError(path, None, issue.message)
        unknown = sorted(str(i.key) for i in found if i.schema is self and self.is_unknown(i))
        detail = f" (unknown {listed_as('table', unknown)})" if unknown else ""
        return ConfigError(path, None, self.shape + detail)


def entry_errors(field: str, problems: Mapping[int, str], key: str = SCHEMA) -> ValidationError:
    """One error per listed entry of ``field`` (by index from 0), for checks across entries
    (two versions on one date, an id used twice) that a schema validator makes."""
    return ValidationError({field: {i: {key: [problem]} for i, problem in problems.items()}})


# -- errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One problem marshmallow found, placed in the file.

    ``schema`` read the table that holds it, ``where`` names that table from the top of the
    file (labels of entries, names of tables), ``key`` is the key at fault in it (None when
    the table as a whole is wrong) and ``table`` is that table as read from the TOML.
    """

    schema: ConfigSchema
    where: tuple[str, ...]
    key: str | None
    message: str
    table: Any


def issues(schema: ConfigSchema, data: Any, messages: Mapping[Any, Any],
           where: tuple[str, ...] = ()) -> Iterator[Issue]:
    """Every problem in ``messages`` (marshmallow's error dictionary for ``data``), in the
    order of the file's format: keys as the schema declares them, unknown keys, then the
    checks across keys."""
    raw = data if isinstance(data, Mapping) else {}
    for key in _in_order(schema, messages):
        value = messages[key]
        if key == SCHEMA:
            yield from (Issue(schema, where, None, _text(m), data) for m in value)
            continue
        field = schema.fields.get(key)
        if isinstance(value, Mapping) and isinstance(field, fields.Nested):
            yield from issues(_config(field), raw.get(key), value, (*where, key))
        elif isinstance(value, Mapping) and isinstance(field, fields.List):
            yield from _entry_issues(schema, field, raw.get(key), value, where, key)
        elif isinstance(value, Mapping):  # a field that reports per key (a table of citations)
            for sub, found in value.items():
                yield from (Issue(schema, (*where, key), str(sub), _text(m), raw[key])
                            for m in found)
        else:
            yield from (Issue(schema, where, key, _text(m), data) for m in value)


def _entry_issues(schema: ConfigSchema, field: fields.List, data: Any, messages: Mapping[Any, Any],
                  where: tuple[str, ...], key: str) -> Iterator[Issue]:
    yield from (Issue(schema, where, key, _text(m), data) for m in messages.get(SCHEMA, ()))
    inner = field.inner
    for index in sorted(i for i in messages if isinstance(i, int)):
        if not isinstance(inner, fields.Nested):  # a list of plain values: name the list
            yield from (Issue(schema, where, key, _text(m), data) for m in messages[index])
            continue
        entry_schema, entry = _config(inner), data[index]
        label = entry_schema.label(entry, index + 1)
        yield from issues(entry_schema, entry, messages[index], (*where, label))


def _config(field: fields.Nested) -> ConfigSchema:
    schema = field.schema
    if not isinstance(schema, ConfigSchema):
        raise TypeError(f"{type(schema).__name__} must be a ConfigSchema to name its errors")
    return schema


def _text(message: Any) -> str:
    # A str subclass is kept as it is: a caller's message may carry more (a catalogue's fix).
    return message if isinstance(message, str) else str(message)


def _in_order(schema: ConfigSchema, messages: Mapping[Any, Any]) -> list[Any]:
    declared = [key for key in schema.fields if key in messages]
    unknown = sorted(str(key) for key in messages if key not in schema.fields and key != SCHEMA)
    return declared + unknown + ([SCHEMA] if SCHEMA in messages else [])


def config_error(path: Path, schema: ConfigSchema, data: Any, error: ValidationError,
                 where: tuple[str, ...] = ()) -> ConfigError:
    """The ConfigError naming the file, the entry and the first problem of ``error``."""
    messages = error.messages if isinstance(error.messages, Mapping) else {SCHEMA: error.messages}
    found = list(issues(schema, data, messages, where))
    first = found[0]
    return first.schema.describe(path, first, found)


# -- loading ------------------------------------------------------------------------------


def load(schema: ConfigSchema, data: Any, path: Path, where: tuple[str, ...] = ()) -> Any:
    """``schema.load(data)``, any mistake raised as one ConfigError naming ``path``."""
    try:
        return schema.load(data)
    except ValidationError as error:
        raise config_error(path, schema, data, error, where) from None


def load_file(path: Path, schema: ConfigSchema) -> Any:
    """Read a whole TOML file with ``schema`` (a FileSchema)."""
    return load(schema, read_toml(path), path)


def load_table(path: Path, schema: TableSchema) -> Any:
    """Read one table of settings.toml with ``schema``; an absent table means the defaults."""
    return load(schema, read_toml(path).get(schema.section, {}), path, (schema.section,))


def load_entries(path: Path, kind: str, entry: Mapping[str, fields.Field[Any]]) -> list[Any]:
    """Read a file made only of ``[[kind]]`` tables, each with the fields ``entry`` gives;
    for a small file whose fields are only known where it is read (KPIs and their counters)."""
    entry_schema = _generated(EntrySchema, f"{kind}_entry", {"kind": kind, **entry})
    shape = f"expected only [[{kind}]] entries"
    file_schema = _generated(FileSchema, f"{kind}_file",
                             {"shape": shape, kind: entries(entry_schema, load_default=list)})
    return list(load_file(path, file_schema())[kind])


def _generated(base: type[ConfigSchema], name: str, attrs: Mapping[str, Any]
               ) -> type[ConfigSchema]:
    # Like Schema.from_dict, with class attributes too; kept out of marshmallow's registry
    # so reading the file again does not grow it.
    meta = type("Meta", (base.Meta,), {"register": False})
    return type(name, (base,), {**attrs, "Meta": meta})
