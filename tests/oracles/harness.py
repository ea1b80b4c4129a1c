"""The independent oracles, called from tests: what the DfE rules and Ofsted's cleaner say.

Our own checks (``reporting.cin_rules``, the XSD) are our reading of the rules; a test that
only asks them can pass while the return fails the real validation. So the tests also ask
two other people's implementations, each run in a venv of its own (``tests.oracles.build``)
through a small driver (``drivers/``) that prints JSON:

- ``cin_report(path, year)`` / ``cin_oracle(path, year)``: Data to Insight's
  csc-validator-be-cin on a CIN census XML file, with the rule set of the collection year
  (``2025-26`` → ``cin2025_26``): every error and query, the child (LAchildID) it concerns
  and the rule's message. A file with no children is reported as ``status == "empty file"``
  (the validator cannot check one).
- ``annex_a_oracle(path)``: liiatools' Annex A cleaner on an .xlsx workbook: which list it
  recognised each sheet as, and per list and column the values it blanked, found missing
  or rewrote, and every cell whose cleaned value is not the one written.
- ``annex_a_template()``: the template itself as liiatools transcribes it (headings per
  list, codes per coded column, the sample workbook's sheet names).

Both raise ``OracleUnavailable`` when the venv cannot be built, ``OracleError`` when the
driver fails on the file; tests get them through the fixtures in ``tests.oracles.fixtures``,
which skip (or fail in CI) when the oracles cannot be had.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.oracles.build import OracleUnavailable, ensure

DRIVERS = Path(__file__).resolve().parent / "drivers"
TIMEOUT = 300

__all__ = ["AnnexTemplate", "CellNote", "CinReport", "CleanReport", "Finding", "OracleError",
           "OracleUnavailable", "Sheet", "annex_a_oracle", "annex_a_template", "cin_oracle",
           "cin_report"]


class OracleError(RuntimeError):
    """The oracle ran but could not read the file (the message carries its own words)."""


@dataclass(frozen=True)
class Finding:
    """One error or query: rule code, ``error``/``query``, the child (None: the whole return)."""

    code: str
    kind: str
    child: str | None
    message: str
    table: str | None = None
    fields: tuple[str, ...] = ()
    row: int | None = None


@dataclass(frozen=True)
class CinReport:
    """The validator's verdict on one file."""

    ruleset: str
    status: str
    children: int
    findings: tuple[Finding, ...]
    crashed_rules: tuple[tuple[str, str], ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "error"]

    @property
    def queries(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "query"]

    def codes(self, child: str | None = None) -> set[str]:
        """Rule codes raised, for one child if given (``None`` means every finding)."""
        return {f.code for f in self.findings if child is None or f.child == child}

    def child_codes(self) -> dict[str, set[str]]:
        """Per child, the codes raised against it (return-level findings left out)."""
        found: dict[str, set[str]] = {}
        for f in self.findings:
            if f.child is not None:
                found.setdefault(f.child, set()).add(f.code)
        return found


@dataclass(frozen=True)
class Sheet:
    """A worksheet: its title, the list the cleaner took it for (None: not recognised)."""

    title: str
    list_name: str | None
    extra_columns: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class CellNote:
    """One cell the cleaner blanked, found missing or rewrote (``became``)."""

    list_name: str
    column: str
    cell: str
    value: Any
    became: Any = None


@dataclass(frozen=True)
class CleanReport:
    """What liiatools' Annex A cleaner made of a workbook."""

    sheets: tuple[Sheet, ...]
    missing_lists: tuple[str, ...]
    blanked: tuple[CellNote, ...]
    missing: tuple[CellNote, ...]
    recoded: tuple[CellNote, ...]
    #: Every cell of a recognised sheet whose cleaned value is not the one written.
    changed: tuple[CellNote, ...] = ()
    #: How many cells of recognised sheets were compared.
    cells: int = 0

    def recognised(self) -> dict[str, str | None]:
        """Sheet title → the list it was recognised as (None when it was not)."""
        return {s.title: s.list_name for s in self.sheets}

    @property
    def clean(self) -> bool:
        """Every sheet recognised and nothing blanked, missing or rewritten."""
        return (all(s.list_name for s in self.sheets)
                and not (self.blanked or self.missing or self.recoded))


def _run(oracle: str, driver: str, *args: str) -> dict[str, Any]:
    python, _ = ensure(oracle)
    try:
        done = subprocess.run([str(python), str(DRIVERS / driver), *args], capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise OracleError(f"{driver} took longer than {TIMEOUT} s") from error
    if done.returncode:
        tail = "\n".join(done.stderr.strip().splitlines()[-12:])
        raise OracleError(f"{driver} failed on {args[0]} (exit {done.returncode}):\n{tail}")
    result = json.loads(done.stdout)
    assert isinstance(result, dict)
    return result


def cin_report(path: Path | str, year: str) -> CinReport:
    """csc-validator-be-cin's findings on the census file, with ``year``'s rule set."""
    raw = _run("cin", "cin_driver.py", str(path), "--year", year)
    findings = tuple(Finding(f["code"], f["type"], f["child"], f["message"], f["table"],
                             tuple(f["fields"]), f["row"]) for f in raw["findings"])
    return CinReport(raw["ruleset"], raw["status"], raw["children"], findings,
                     tuple((c["code"], c["error"]) for c in raw["crashed_rules"]))


def cin_oracle(path: Path | str, year: str) -> list[Finding]:
    """Every error and query the validator raises on the file (none for an empty file)."""
    return list(cin_report(path, year).findings)


def _notes(entries: list[dict[str, Any]]) -> tuple[CellNote, ...]:
    return tuple(CellNote(e["list"], e["column"], e["cell"], e["value"], e.get("became"))
                 for e in entries)


def annex_a_oracle(path: Path | str) -> CleanReport:
    """liiatools' Annex A cleaner on the workbook: sheets recognised, cells it changed."""
    raw = _run("liia", "annex_a_driver.py", str(path))
    sheets = tuple(Sheet(s["title"], s["list"], tuple(s["extra_columns"]), s["rows"])
                   for s in raw["sheets"])
    return CleanReport(sheets, tuple(raw["missing_lists"]), _notes(raw["blanked"]),
                       _notes(raw["missing"]), _notes(raw["recoded"]), _notes(raw["changed"]),
                       int(raw["cells"]))


@dataclass(frozen=True)
class AnnexTemplate:
    """Ofsted's template as liiatools transcribes it."""

    #: List name ("List 3") -> its headings, in the spec's order.
    headings: dict[str, tuple[str, ...]]
    #: List name -> data-map heading -> the codes the cleaner accepts, in its order.
    codes: dict[str, dict[str, tuple[str, ...]]]
    #: The sheet names of liiatools' own sample workbook.
    sample_sheets: tuple[str, ...]


def annex_a_template() -> AnnexTemplate:
    """The installed liiatools' Annex A headings, codes and sample sheet names."""
    raw = _run("liia", "annex_a_spec_driver.py")
    lists = raw["lists"]
    return AnnexTemplate({n: tuple(v["headings"]) for n, v in lists.items()},
                         {n: {h: tuple(c) for h, c in v["codes"].items()}
                          for n, v in lists.items()},
                         tuple(raw["sample_sheets"]))
