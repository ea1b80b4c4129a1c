"""Turn the raw TOML of a levels-of-need file into a Catalogue, collecting every problem.

Why collect instead of stopping at the first: whoever edits a catalogue wants the whole
list from one run of `frontdoor thresholds check FILE`, not one error per attempt. Every
problem is a CatalogueError naming the file, the key (``indicator 'L3-CD-HEALTH-01'.level``,
``levels #2.outcomes``; ``#n`` counts entries from 1 when an entry has no usable id) and
the fix. Unknown keys are refused too: a misspelt ``[escalaton]`` table would otherwise
silently switch cumulative escalation off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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
from thresholds.problems import Problems, Raw, quoted, where_label

_TOP_KEYS = ("catalogue", "levels", "escalation", "domains", "sources", "indicators")
_HEADER_KEYS = ("id", "version", "effective_from", "title", "source")
_LEVEL_KEYS = ("number", "name", "description", "pathway", "outcomes")
_DOMAIN_KEYS = ("id", "name", "dimensions")
_DIMENSION_KEYS = ("id", "name")
_INDICATOR_KEYS = ("id", "text", "level", "domain", "dimension", "source")
_ESCALATION_KEYS = ("from_level", "count", "domains", "to_level")


# --- header -------------------------------------------------------------------------


def _header(raw: Raw, p: Problems) -> Raw | None:
    table = raw.get("catalogue")
    if not isinstance(table, dict):
        fix = "start the file with a [catalogue] table: " + ", ".join(_HEADER_KEYS)
        p.add("catalogue", "missing header table", fix)
        return None
    p.known_keys(table, _HEADER_KEYS, "catalogue")
    return {
        "id": p.text(table, "id", "catalogue", '"worcs-default"'),
        "version": p.integer(table, "version", "catalogue"),
        "effective_from": _date(table, p),
        "title": p.text(table, "title", "catalogue"),
        "source": p.text(table, "source", "catalogue", '"<the published threshold document>"'),
    }


def _date(table: Raw, p: Problems) -> date | None:
    value = table.get("effective_from")
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    problem = "missing" if value is None else f"must be a TOML date, got {value!r}"
    fix = "write the date without quotes, e.g. effective_from = 2024-04-01"
    p.add("catalogue.effective_from", problem, fix)
    return None


# --- levels ---------------------------------------------------------------------------


def _levels(raw: Raw, p: Problems) -> tuple[Level, ...]:
    entries = p.entries(raw, "levels")
    numbers = [entry.get("number") for entry in entries]
    if not entries or numbers != list(range(1, len(entries) + 1)):
        found = f"numbered {numbers}" if entries else "no [[levels]] tables"
        fix = "number the [[levels]] tables 1, 2, ... N in order, with no gaps or repeats"
        p.add("levels", f"levels must be numbered 1..N in order; found {found}", fix)
    parsed = (_level(entry, i, p) for i, entry in enumerate(entries, 1))
    return tuple(level for level in parsed if level is not None)


def _level(entry: Raw, index: int, p: Problems) -> Level | None:
    where = where_label("level", entry, index, "number")
    p.known_keys(entry, _LEVEL_KEYS, where)
    number = p.integer(entry, "number", where)
    name = p.text(entry, "name", where)
    description = p.text(entry, "description", where)
    pathway = p.text(entry, "pathway", where, quoted(PATHWAYS))
    if pathway and pathway not in PATHWAYS:
        p.add(f"{where}.pathway", f"unknown pathway {pathway!r}", f"use {quoted(PATHWAYS)}")
    outcomes = _outcomes(entry, where, p)
    return None if number is None else Level(number, name, description, pathway, outcomes)


def _outcomes(entry: Raw, where: str, p: Problems) -> tuple[str, ...]:
    value = entry.get("outcomes")
    allowed = quoted(OUTCOMES)
    if not isinstance(value, list) or not value:
        problem = "the level has no outcomes" if not value else "must be a list of outcomes"
        fix = f"list at least one outcome, from: {allowed}"
        p.add(f"{where}.outcomes", problem, fix)
        return ()
    for outcome in value:
        if outcome not in OUTCOMES:
            problem = f"{outcome!r} is not in the engine's outcome vocabulary"
            p.add(f"{where}.outcomes", problem, f"use only: {allowed}")
    return tuple(outcome for outcome in value if outcome in OUTCOMES)


# --- domains, dimensions and sources -------------------------------------------------------


def _domains(raw: Raw, p: Problems) -> tuple[Domain, ...]:
    entries = p.entries(raw, "domains")
    if not entries:
        fix = "list the Assessment Framework domains as [[domains]] with [[domains.dimensions]]"
        p.add("domains", "no [[domains]] tables", fix)
    parsed = (_domain(entry, i, p) for i, entry in enumerate(entries, 1))
    domains = tuple(domain for domain in parsed if domain is not None)
    p.duplicates((d.id for d in domains), "domain")
    return domains


def _domain(entry: Raw, index: int, p: Problems) -> Domain | None:
    where = where_label("domain", entry, index)
    p.known_keys(entry, _DOMAIN_KEYS, where)
    domain_id, name = p.text(entry, "id", where), p.text(entry, "name", where)
    dimensions = tuple(
        _dimension(dim, f"{where}.{where_label('dimension', dim, i)}", p)
        for i, dim in enumerate(p.entries(entry, "dimensions", where), 1)
    )
    if not dimensions:
        p.add(f"{where}.dimensions", "the domain has no dimensions", "add [[domains.dimensions]]")
    p.duplicates((f"{domain_id}.{d.id}" for d in dimensions), "dimension")
    return Domain(domain_id, name, dimensions) if domain_id and name else None


def _dimension(entry: Raw, where: str, p: Problems) -> Dimension:
    p.known_keys(entry, _DIMENSION_KEYS, where)
    return Dimension(p.text(entry, "id", where), p.text(entry, "name", where))


def _sources(raw: Raw, p: Problems) -> dict[str, str]:
    table = raw.get("sources", {})
    if not isinstance(table, dict):
        p.add("sources", "must be a table", 'write [sources] then lines like worcs = "<citation>"')
        return {}
    for key, citation in table.items():
        if not (isinstance(citation, str) and citation.strip()):
            fix = "name the published document the indicators paraphrase"
            p.add(f"sources.{key}", "must be non-empty text", fix)
    return {k: v.strip() for k, v in table.items() if isinstance(v, str) and v.strip()}


# --- indicators -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What an indicator may refer to: the levels, domains and sources already read."""

    levels: tuple[int, ...]
    domains: dict[str, Domain]
    sources: dict[str, str]


def _indicators(raw: Raw, ctx: _Context, p: Problems) -> tuple[Indicator, ...]:
    entries = p.entries(raw, "indicators")
    if not entries:
        p.add("indicators", "no [[indicators]] tables", "add the indicators workers can tick")
    parsed = (_indicator(entry, i, ctx, p) for i, entry in enumerate(entries, 1))
    indicators = tuple(indicator for indicator in parsed if indicator is not None)
    p.duplicates((i.id for i in indicators), "indicator")
    return indicators


def _indicator(entry: Raw, index: int, ctx: _Context, p: Problems) -> Indicator | None:
    where = where_label("indicator", entry, index)
    p.known_keys(entry, _INDICATOR_KEYS, where)
    ident, text = p.text(entry, "id", where), p.text(entry, "text", where)
    level = _indicator_level(entry, where, ctx, p)
    domain, dimension = _placement(entry, where, ctx, p)
    source = _source(entry, where, ctx, p)
    if level is None or not all((ident, text, domain, dimension, source)):
        return None
    return Indicator(ident, text, level, domain, dimension, source)


def _indicator_level(entry: Raw, where: str, ctx: _Context, p: Problems) -> int | None:
    level = p.integer(entry, "level", where)
    if level is not None and level not in ctx.levels:
        fix = f"use a level defined in [[levels]]: {', '.join(map(str, ctx.levels))}"
        p.add(f"{where}.level", f"level {level} is not defined in this catalogue", fix)
        return None
    return level


def _placement(entry: Raw, where: str, ctx: _Context, p: Problems) -> tuple[str, str]:
    domain_id = p.text(entry, "domain", where, quoted(ctx.domains))
    domain = ctx.domains.get(domain_id)
    if domain_id and domain is None:
        fix = f"use one of the [[domains]] ids: {quoted(ctx.domains)}"
        p.add(f"{where}.domain", f"{domain_id!r} is not a domain of this catalogue", fix)
    choices = quoted(d.id for d in domain.dimensions) if domain else '"..."'
    dimension_id = p.text(entry, "dimension", where, choices)
    if domain is None or not dimension_id:
        return domain_id if domain else "", ""
    if domain.dimension(dimension_id) is None:
        problem = f"{dimension_id!r} is not a dimension of domain {domain_id!r} ({domain.name})"
        p.add(f"{where}.dimension", problem, f"use one of: {choices}")
        return domain_id, ""
    return domain_id, dimension_id


def _source(entry: Raw, where: str, ctx: _Context, p: Problems) -> str:
    key = p.text(entry, "source", where, quoted(ctx.sources))
    if key and key not in ctx.sources:
        fix = f'add {key} = "<citation>" under [sources], or use one of: {quoted(ctx.sources)}'
        p.add(f"{where}.source", f"{key!r} is not a key of [sources]", fix)
    return ctx.sources.get(key, "")


# --- escalation -------------------------------------------------------------------------


def _escalation(raw: Raw, ctx: _Context, p: Problems) -> Escalation | None:
    table = raw.get("escalation")
    if table is None:
        return None
    if not isinstance(table, dict):
        fix = "write [escalation] with " + ", ".join(_ESCALATION_KEYS)
        p.add("escalation", "must be a table", fix)
        return None
    p.known_keys(table, _ESCALATION_KEYS, "escalation")
    values = [p.integer(table, key, "escalation") for key in _ESCALATION_KEYS]
    if any(value is None for value in values):
        return None
    rule = Escalation(*(v for v in values if v is not None))
    _check_escalation(rule, ctx, p)
    return rule


def _check_escalation(rule: Escalation, ctx: _Context, p: Problems) -> None:
    for key in ("from_level", "to_level"):
        if getattr(rule, key) not in ctx.levels:
            fix = f"use a level defined in [[levels]]: {', '.join(map(str, ctx.levels))}"
            p.add(f"escalation.{key}", f"level {getattr(rule, key)} is not defined", fix)
    if rule.to_level <= rule.from_level:
        p.add("escalation.to_level", "must be above from_level", "escalation only raises a level")
    if rule.domains > len(ctx.domains):
        fix = f"use a number from 1 to {len(ctx.domains)}"
        p.add("escalation.domains", f"the catalogue has only {len(ctx.domains)} domains", fix)
    if rule.count < rule.domains:
        p.add("escalation.count", "fewer ticks than domains required", "make count >= domains")


# --- the whole file -------------------------------------------------------------------


def parse_catalogue(raw: Raw, file: str) -> tuple[Catalogue | None, list[CatalogueError]]:
    """Validate raw TOML data; return the Catalogue, or None and every problem found.

    Why a pair rather than raising: `check_file` wants the full list, while loading
    wants to stop; both share this one set of rules.
    """
    p = Problems(file)
    header = _header(raw, p)
    p.known_keys(raw, _TOP_KEYS, "")
    levels = _levels(raw, p)
    domains = _domains(raw, p)
    ctx = _Context(tuple(lv.number for lv in levels), {d.id: d for d in domains}, _sources(raw, p))
    indicators = _indicators(raw, ctx, p)
    escalation = _escalation(raw, ctx, p)
    if p.errors or header is None:
        return None, p.errors
    return Catalogue(
        **header, levels=levels, domains=domains, indicators=indicators,
        escalation=escalation, file=file,
    ), []
