"""Turn the raw TOML of a levels-of-need file into a Catalogue, collecting every problem.

Why collect instead of stopping at the first: whoever edits a catalogue wants the whole
list from one run of `frontdoor thresholds check FILE`, not one error per attempt, and
marshmallow gathers every problem of a file in one load. Each becomes a CatalogueError
naming the file, the key (``indicator 'L3-CD-HEALTH-01'.level``, ``levels #2.outcomes``;
``#n`` counts entries from 1 when an entry has no usable id) and the fix. Unknown keys are
refused too: a misspelt ``[escalaton]`` table would otherwise silently switch cumulative
escalation off.

An indicator refers to levels, domains and sources defined elsewhere in the same file, so
what the file defines is read first (``_Refs``) and handed to the schemas through
marshmallow's context while the file loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from marshmallow import ValidationError, fields, post_load, validates, validates_schema
from marshmallow.experimental.context import Context
from marshmallow.validate import Length

from thresholds.errors import CatalogueError
from thresholds.model import (
    OUTCOMES,
    PATHWAYS,
    Catalogue,
    Dimension,
    Domain,
    Escalation,
    Indicator,
    Level,
)
from thresholds.problems import (
    Entry,
    Fixable,
    Part,
    Raw,
    catalogue_error,
    quoted,
    repeats,
    tables,
    text,
)
from workflow.config_schema import (
    MISSING,
    IdList,
    Issue,
    OneOf,
    Text,
    TomlDate,
    WholeNumber,
    entries,
    entry_errors,
    issues,
    table,
)

_HEADER_FIX = "start the file with a [catalogue] table: id, version, effective_from, title, source"


# --- what the file defines, for the entries that refer to it ------------------------------


@dataclass(frozen=True)
class _DomainRef:
    name: str
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class _Refs:
    """The file's name, and the levels, domains and sources its entries may refer to."""

    file: str
    levels: tuple[int, ...]
    domains: Mapping[str, _DomainRef]
    sources: Mapping[str, str]


def _read_refs(raw: Raw, file: str) -> _Refs:
    """What an entry may name, read leniently: a broken level or domain is reported on its
    own line and is simply not there for the entries that refer to it."""
    levels = tuple(e["number"] for e in tables(raw.get("levels"))
                   if isinstance(e.get("number"), int) and not isinstance(e["number"], bool))
    domains = {
        text(e.get("id")): _DomainRef(text(e.get("name")), tuple(
            text(d.get("id")) for d in tables(e.get("dimensions")) if text(d.get("id"))))
        for e in tables(raw.get("domains")) if text(e.get("id")) and text(e.get("name"))
    }
    table_ = raw.get("sources")
    sources = ({k: text(v) for k, v in table_.items() if text(v)}
               if isinstance(table_, dict) else {})
    return _Refs(file, levels, domains, sources)


def _refs() -> _Refs:
    return cast(_Refs, Context.get())


def _use_levels(refs: _Refs) -> str:
    return f"use a level defined in [[levels]]: {', '.join(map(str, refs.levels))}"


# --- the schemas ------------------------------------------------------------------------------


class _HeaderSchema(Part):
    whole_fix = _HEADER_FIX
    fixes = {"id": 'set id = "worcs-default" in {where}',
             "effective_from": "write the date without quotes, e.g. effective_from = 2024-04-01",
             "source": 'set source = "<the published threshold document>" in {where}'}
    id = Text(required=True)
    version = WholeNumber(required=True)
    effective_from = TomlDate("2024-04-01", required=True)
    title = Text(required=True)
    source = Text(required=True)


class _LevelSchema(Entry):
    kind, ident_key = "level", "number"
    fixes = {"pathway": f"use {quoted(PATHWAYS)}",
             "outcomes": f"list at least one outcome, from: {quoted(OUTCOMES)}"}
    number = WholeNumber(required=True)
    name = Text(required=True)
    description = Text(required=True)
    pathway = OneOf(PATHWAYS, required=True)
    outcomes = IdList("outcome", non_empty=True, required=True)

    @validates("outcomes")
    def _engine_outcomes(self, value: tuple[str, ...], **_: Any) -> None:
        # The engine carries out only its own outcomes: a catalogue chooses among them.
        unknown = [outcome for outcome in value if outcome not in OUTCOMES]
        fix = f"use only: {quoted(OUTCOMES)}"
        if unknown:
            raise ValidationError([Fixable(f"{outcome!r} is not in the engine's outcome "
                                           "vocabulary", fix) for outcome in unknown])

    @post_load
    def _level(self, data: Raw, **_: Any) -> Level:
        return Level(**data)


class _DimensionSchema(Entry):
    kind = "dimension"
    id = Text(required=True)
    name = Text(required=True)

    @post_load
    def _dimension(self, data: Raw, **_: Any) -> Dimension:
        return Dimension(**data)


class _DomainSchema(Entry):
    kind = "domain"
    fixes = {"dimensions": "add [[domains.dimensions]]"}
    id = Text(required=True)
    name = Text(required=True)
    dimensions = entries(_DimensionSchema, required=True,
                         validate=Length(min=1, error="the domain has no dimensions"))

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _unique_dimensions(self, data: Raw, original: Any, **_: Any) -> None:
        twice = repeats(original.get("dimensions") if isinstance(original, dict) else None,
                        "dimension")
        if twice:
            raise entry_errors("dimensions", twice, key="id")

    @post_load
    def _domain(self, data: Raw, **_: Any) -> Domain:
        return Domain(data["id"], data["name"], tuple(data["dimensions"]))


class _IndicatorSchema(Entry):
    kind = "indicator"
    id = Text(required=True)
    text = Text(required=True)
    level = WholeNumber(required=True)
    domain = Text(required=True)
    dimension = Text(required=True)
    source = Text(required=True)

    @validates("level")
    def _level_defined(self, value: int, **_: Any) -> None:
        if value not in _refs().levels:
            problem = f"level {value} is not defined in this catalogue"
            raise ValidationError(Fixable(problem, _use_levels(_refs())))

    @validates("domain")
    def _domain_defined(self, value: str, **_: Any) -> None:
        if value not in _refs().domains:
            fix = f"use one of the [[domains]] ids: {quoted(_refs().domains)}"
            raise ValidationError(Fixable(f"{value!r} is not a domain of this catalogue", fix))

    @validates("source")
    def _source_defined(self, value: str, **_: Any) -> None:
        sources = quoted(_refs().sources)
        if value not in _refs().sources:
            fix = f'add {value} = "<citation>" under [sources], or use one of: {sources}'
            raise ValidationError(Fixable(f"{value!r} is not a key of [sources]", fix))

    @validates_schema(skip_on_field_errors=False)
    def _dimension_of_domain(self, data: Raw, **_: Any) -> None:
        domain, dimension = _refs().domains.get(data.get("domain", "")), data.get("dimension")
        if domain and dimension and dimension not in domain.dimensions:
            problem = (f"{dimension!r} is not a dimension of domain {data['domain']!r} "
                       f"({domain.name})")
            fix = f"use one of: {quoted(domain.dimensions)}"
            raise ValidationError(Fixable(problem, fix), field_name="dimension")

    def fix(self, issue: Issue) -> str:
        # What to write depends on what this file defines (and, for a dimension, on the
        # indicator's own domain), so the example lists the choices there are.
        refs, entry = _refs(), issue.table if isinstance(issue.table, Mapping) else {}
        domain = refs.domains.get(text(entry.get("domain")))
        examples = {"domain": quoted(refs.domains), "source": quoted(refs.sources),
                    "dimension": quoted(domain.dimensions) if domain else '"..."'}
        if issue.key in examples and not isinstance(issue.message, Fixable):
            return f"set {issue.key} = {examples[issue.key]} in {'.'.join(issue.where)}"
        return super().fix(issue)

    @post_load
    def _indicator(self, data: Raw, **_: Any) -> Indicator:
        return Indicator(data["id"], data["text"], data["level"], data["domain"],
                         data["dimension"], _refs().sources[data["source"]])


class _EscalationSchema(Part):
    whole_fix = "write [escalation] with from_level, to_level, domains, count"
    from_level = WholeNumber(required=True)
    to_level = WholeNumber(required=True)
    domains = WholeNumber(required=True)
    count = WholeNumber(required=True)

    @validates_schema
    def _consistent(self, data: dict[str, int], **_: Any) -> None:
        refs, found = _refs(), {}
        for key in ("from_level", "to_level"):
            if data[key] not in refs.levels:
                found[key] = [Fixable(f"level {data[key]} is not defined", _use_levels(refs))]
        if data["to_level"] <= data["from_level"]:
            found.setdefault("to_level", []).append(
                Fixable("must be above from_level", "escalation only raises a level"))
        if data["domains"] > len(refs.domains):
            found["domains"] = [Fixable(f"the catalogue has only {len(refs.domains)} domains",
                                        f"use a number from 1 to {len(refs.domains)}")]
        if data["count"] < data["domains"]:
            found["count"] = [Fixable("fewer ticks than domains required", "make count >= domains")]
        if found:
            raise ValidationError(cast(dict[str, Any], found))

    @post_load
    def _escalation(self, data: dict[str, int], **_: Any) -> Escalation:
        return Escalation(**data)


class _Citations(fields.Field[dict[str, str]]):
    """[sources]: ``key = "<the published document>"``, each citation non-empty."""

    default_error_messages = {"required": MISSING}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> dict[str, str]:
        if not isinstance(value, dict):
            raise ValidationError("must be a table")
        fix = "name the published document the indicators paraphrase"
        empty = {key: [Fixable("must be non-empty text", fix)]
                 for key, citation in value.items() if not text(citation)}
        if empty:
            raise ValidationError(cast(dict[str, Any], empty))
        return {key: text(citation) for key, citation in value.items()}


class CatalogueSchema(Part):
    """A whole levels-of-need file, and the checks that span its tables."""

    fixes = {"catalogue": _HEADER_FIX,
             "escalation": "write [escalation] with from_level, to_level, domains, count",
             "sources": 'write [sources] then lines like worcs = "<citation>"'}
    catalogue = table(_HeaderSchema, required=True,
                      error_messages={"required": "missing header table"})
    levels = entries(_LevelSchema, load_default=list)
    escalation = table(_EscalationSchema, load_default=None)
    domains = entries(_DomainSchema, load_default=list)
    sources = _Citations(load_default=dict)
    indicators = entries(_IndicatorSchema, load_default=list)

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _acrosstables(self, data: Raw, original: Raw, **_: Any) -> None:
        found: dict[str, Any] = {}
        levels = tables(original.get("levels"))
        numbers = [entry.get("number") for entry in levels]
        if not levels or numbers != list(range(1, len(levels) + 1)):
            shown = f"numbered {numbers}" if levels else "no [[levels]] tables"
            fix = "number the [[levels]] tables 1, 2, ... N in order, with no gaps or repeats"
            problem = f"levels must be numbered 1..N in order; found {shown}"
            found["levels"] = [Fixable(problem, fix)]
        for key, fix in (
            ("domains", "list the Assessment Framework domains as [[domains]] with "
                        "[[domains.dimensions]]"),
            ("indicators", "add the indicators workers can tick"),
        ):
            if not original.get(key):
                found[key] = [Fixable(f"no [[{key}]] tables", fix)]
            elif twice := repeats(original.get(key), key.removesuffix("s")):
                found.update(entry_errors(key, twice, key="id").messages_dict)
        if found:
            raise ValidationError(found)

    @post_load
    def _catalogue(self, data: Raw, **_: Any) -> Catalogue:
        return Catalogue(**data["catalogue"], levels=tuple(data["levels"]),
                         domains=tuple(data["domains"]), indicators=tuple(data["indicators"]),
                         escalation=data["escalation"], file=_refs().file)


# --- the whole file -------------------------------------------------------------------


def parse_catalogue(raw: Raw, file: str) -> tuple[Catalogue | None, list[CatalogueError]]:
    """Validate raw TOML data; return the Catalogue, or None and every problem found.

    Why a pair rather than raising: `check_file` wants the full list, while loading
    wants to stop; both share this one set of rules.
    """
    schema = CatalogueSchema()
    with Context(_read_refs(raw, file)):
        try:
            return schema.load(raw), []
        except ValidationError as error:
            found = issues(schema, raw, error.messages_dict)
            return None, [catalogue_error(file, issue) for issue in found]
