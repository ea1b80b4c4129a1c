"""Runs INSIDE ``.oracles/cin``: the DfE CIN census rules, as csc-validator-be-cin checks them.

Usage: ``python cin_driver.py FILE.xml --year 2025-26`` (or ``--year cin2025_26``). Prints
one JSON object on stdout:

- ``status``: ``validated``, or ``empty file`` when the file holds no ``<Child>`` (the
  validator's rule 2886Q divides by the number of children; 0.1.13 catches the
  ZeroDivisionError, prints it and counts the rule as passed, so a run on an empty file
  would look clean when it checked nothing);
- ``findings``: every error and query, one per rule, child and table row, with the rule's
  type (``error``/``query``), the child's LAchildID (null for a return-level or header
  rule), the rule's message, and the table, fields and row it points at;
- ``crashed_rules``: rules that raised instead of checking (the validator swallows these,
  so a crash is otherwise a silent pass).

It uses the validator's own steps (``convert_data``, ``process_data``, ``CinValidator``),
found by reading its installed source; it imports nothing from Front Door.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import math
import re
import sys
import warnings
import xml.etree.ElementTree as ET  # noqa: S405 - our own test files, not untrusted input
from typing import Any

_CRASH = re.compile(r"^Error with rule (\S+): (.*)$")


def ruleset_name(year: str) -> str:
    """``2025-26`` (a collection year, as Front Door writes it) becomes ``cin2025_26``."""
    found = re.fullmatch(r"(?:cin)?(\d{4})[-_](\d{2})", year.strip())
    if not found:
        raise SystemExit(f"not a collection year: {year!r} (write it like 2025-26)")
    return f"cin{found[1]}_{found[2]}"


def _plain(value: Any) -> Any:
    """JSON-safe: pandas' NaN/NA become null, numpy scalars plain numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value.item() if hasattr(value, "item") else value


def _row(value: Any) -> int | None:
    value = _plain(value)
    return None if value is None else int(value)


def _child_findings(frame: Any, kinds: dict[str, str]) -> list[dict[str, Any]]:
    """One finding per rule, child, table and row; the fields it names gathered together."""
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rec in frame.to_dict("records"):
        code = str(rec["rule_code"])
        key = (code, _plain(rec.get("child_id")), _plain(rec.get("tables_affected")),
               _row(rec.get("row_id")))
        found = grouped.setdefault(key, {
            "code": code, "type": kinds.get(code, "error"), "child": key[1],
            "message": rec["rule_description"], "table": key[2], "row": key[3], "fields": []})
        field = _plain(rec.get("columns_affected"))
        if field is not None and str(field) not in found["fields"]:
            found["fields"].append(str(field))
    return list(grouped.values())


def _return_findings(frame: Any, kinds: dict[str, str]) -> list[dict[str, Any]]:
    """Header and return-level rules: no child, no row."""
    seen, found = set(), []
    for rec in frame.to_dict("records"):
        code = str(rec["rule_code"])
        if code not in seen:
            seen.add(code)
            found.append({"code": code, "type": kinds.get(code, "error"), "child": None,
                          "message": rec["rule_description"], "table": None, "row": None,
                          "fields": []})
    return found


def validate(path: str, ruleset: str) -> dict[str, Any]:
    """Every finding of ``ruleset`` on the file at ``path``."""
    from cin_validator import cin_validator

    root = ET.parse(path).getroot()  # noqa: S314 - see the import
    children = root.find("Children")
    count = 0 if children is None else len(children.findall("Child"))
    result: dict[str, Any] = {"ruleset": ruleset, "children": count, "findings": [],
                              "crashed_rules": []}
    if count == 0:
        return {**result, "status": "empty file"}
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    kinds = {str(code): rule.rule_type.value.lower() for code, rule in registry.items()}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = cin_validator.process_data(cin_validator.convert_data(root))
        checked = cin_validator.CinValidator(data, registry)
    findings = (_child_findings(checked.full_issue_df, kinds)
                + _return_findings(checked.multichild_issues, kinds))
    findings.sort(key=lambda f: (f["code"], f["child"] or "", f["table"] or "", f["row"] or 0))
    crashes = [m.groups() for m in map(_CRASH.match, printed.getvalue().splitlines()) if m]
    return {**result, "status": "validated", "findings": findings,
            "crashed_rules": [{"code": c, "error": e} for c, e in crashes]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--year", required=True, help="collection year, e.g. 2025-26")
    args = parser.parse_args()
    json.dump(validate(args.path, ruleset_name(args.year)), sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
