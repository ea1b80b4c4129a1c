"""Plain-text views of catalogues for the command line.

`frontdoor thresholds show` prints the catalogue as the people who own the threshold
document read it (levels, outcomes, then indicators by Assessment Framework domain and
dimension) so they can check the data against their document without reading TOML.
`frontdoor thresholds check FILE` prints every problem at once, so a file can be fixed in
one pass before it is deployed. Both are pure: they return text and let the CLI print.
"""

from __future__ import annotations

from pathlib import Path

from thresholds.catalogue import CatalogueRegistry, catalogue_problems, load_catalogue
from thresholds.errors import CatalogueError
from thresholds.model import OUTCOME_LABELS, Catalogue, Domain, Indicator


def catalogue_as_text(catalogue: Catalogue) -> str:
    """The whole catalogue as text: header, levels, escalation rule, indicators, sources."""
    citations = sorted({indicator.source for indicator in catalogue.indicators})
    lines = [
        f"{catalogue.title}",
        f"Catalogue {catalogue.id}, version {catalogue.version}, "
        f"in force from {catalogue.effective_from.isoformat()}",
        f"Shaped on: {catalogue.source}",
        "",
        *_levels(catalogue),
        *_escalation(catalogue),
        "",
        "Indicators",
    ]
    for domain in catalogue.domains:
        lines += _domain(catalogue, domain, citations)
    lines += ["", "Sources (all paraphrased, in our own words)"]
    lines += [f"  [{n}] {citation}" for n, citation in enumerate(citations, 1)]
    return "\n".join(lines) + "\n"


def _levels(catalogue: Catalogue) -> list[str]:
    lines = ["Levels"]
    for level in catalogue.levels:
        outcomes = ", ".join(f"{o} ({OUTCOME_LABELS[o]})" for o in level.outcomes)
        lines += [
            f"  {level.number}. {level.name} (pathway: {level.pathway})",
            f"     {level.description}",
            f"     Outcomes: {outcomes}",
        ]
    return lines


def _escalation(catalogue: Catalogue) -> list[str]:
    rule = catalogue.escalation
    if rule is None:
        return ["", "Cumulative escalation: none in this catalogue"]
    return [
        "",
        f"Cumulative escalation: {rule.count} or more ticked indicators at level "
        f"{rule.from_level} or above, across {rule.domains} or more domains, "
        f"suggest level {rule.to_level}",
    ]


def _domain(catalogue: Catalogue, domain: Domain, citations: list[str]) -> list[str]:
    lines = [f"  {domain.name} [{domain.id}]"]
    for dimension in domain.dimensions:
        lines.append(f"    {dimension.name} [{dimension.id}]")
        lines += [
            _indicator(indicator, citations)
            for indicator in catalogue.indicators
            if (indicator.domain, indicator.dimension) == (domain.id, dimension.id)
        ]
    return lines


def _indicator(indicator: Indicator, citations: list[str]) -> str:
    source = citations.index(indicator.source) + 1
    return f"      L{indicator.level}  {indicator.id}: {indicator.text} [{source}]"


def check_file(path: str | Path) -> list[str]:
    """Every problem in a catalogue file, as printable lines; [] when it is valid.

    Given a folder, checks each ``*.toml`` in it and then the rules between files (no
    two versions on one day, versions rising with dates), as `load_registry` would.
    """
    path = Path(path)
    if not path.is_dir():
        return [str(problem) for problem in catalogue_problems(path)]
    files = sorted(path.glob("*.toml"))
    problems = [str(problem) for file in files for problem in catalogue_problems(file)]
    if not files:
        problems.append(f"{path}: *.toml: no catalogue files found. Fix: add one")
    if problems:
        return problems
    try:
        CatalogueRegistry(load_catalogue(file) for file in files)
    except CatalogueError as error:
        return [str(error)]
    return []
