"""Runs INSIDE ``.oracles/liia``: what liiatools' Annex A cleaner makes of a workbook.

Usage: ``python annex_a_driver.py FILE.xlsx``. Prints one JSON object on stdout:

- ``sheets``: every worksheet with its title, the list the cleaner recognised it as (it
  matches a sheet by its column headings, not its title; null when no list's headings are
  all there), the headings it did not expect, and how many data rows it has;
- ``missing_lists``: the lists 1 to 11 that no sheet was recognised as;
- ``blanked``: cells whose value the cleaner could not parse or recognise and so made
  blank (a date not dd/mm/yyyy, a number that is not one, a coded value that matches none
  of the template's codes), with the list, heading, cell and the value as written;
- ``missing``: cells left blank in a column the template says cannot be blank;
- ``recoded``: cells the cleaner recognised but rewrote to the template's own code (for
  example ``Female`` to ``b) Female``), so an export can be held to writing the code itself;
- ``cells``: how many cells of recognised sheets were compared before and after cleaning,
  and ``changed``: every one whose cleaned value differs from the value as written (a date
  read as a date, a blank as blank), whatever the cleaner flagged, so nothing it altered
  silently is missed.

It chains the cleaner's own steps as its ``cleanfile`` command does (parse, promote the
first row, configure, clean, log errors), found by reading its installed source, and stops
before the steps that write files. It imports nothing from Front Door.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

LISTS = [f"List {n}" for n in range(1, 12)]


def _keep_raw(stream: Iterable[Any]) -> Iterator[Any]:
    """Remember each cell's value as written, before the cleaner rewrites it."""
    from sfdata_stream_parser import events

    for event in stream:
        if isinstance(event, events.Cell):
            event = event.from_event(event, raw_value=event.value)
        yield event


def cleaned_events(path: str) -> Iterator[Any]:
    """The cleaner's event stream for the workbook at ``path``."""
    from liiatools.datasets.annex_a.lds_annexa_clean import cleaner, configuration, logger
    from sfdata_stream_parser.filters.column_headers import promote_first_row
    from sfdata_stream_parser.parser import openpyxl

    stream = promote_first_row(openpyxl.parse_sheets(path))
    stream = configuration.configure_stream(stream, configuration.Config())
    return logger.log_errors(cleaner.clean(_keep_raw(stream)))


def _shown(value: Any) -> Any:
    """A cell value as JSON: dates as ISO text, the rest as they are."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _location(event: Any, row_index: int) -> str:
    """The cell's A1 reference (an empty cell read from a workbook carries none of its own)."""
    from openpyxl.utils import get_column_letter

    found = event.get("excel_location")
    return found or f"{get_column_letter(event.column_index + 1)}{row_index + 1}"


def _cell_entry(event: Any, sheet: dict[str, Any]) -> dict[str, Any]:
    return {"list": sheet["list"], "sheet": sheet["title"],
            "column": event.get("column_header"), "cell": _location(event, sheet["row_index"]),
            "value": _shown(event.get("raw_value"))}


def _plain(value: Any) -> Any:
    """An Excel date-time as its date, an empty string as blank."""
    if isinstance(value, dt.datetime):
        return value.date()
    return None if value == "" else value


def _unchanged(raw: Any, cleaned: Any) -> bool:
    """The cleaned value says what was written: the same value, a date written as text
    dd/mm/yyyy read as that date, or a whole number written as text read as that number."""
    raw, cleaned = _plain(raw), _plain(cleaned)
    if isinstance(cleaned, dt.date) and isinstance(raw, str):
        try:
            return dt.datetime.strptime(raw, "%d/%m/%Y").date() == cleaned
        except ValueError:
            return False
    if isinstance(cleaned, int) and isinstance(raw, str | float):
        return str(raw) in (str(cleaned), f"{cleaned}.0")
    return bool(raw == cleaned)


def _record_cell(event: Any, sheet: dict[str, Any], report: dict[str, Any]) -> None:
    """File one cleaned cell under blanked, missing or recoded (or nowhere if it was fine),
    and under changed whenever its value is not the one written."""
    entry = _cell_entry(event, sheet)
    report["cells"] += 1
    if not _unchanged(event.get("raw_value"), event.value):
        report["changed"].append({**entry, "became": _shown(event.value)})
    if event.get("formatting_error") == "1":
        report["blanked"].append(entry)
    elif event.get("blank_error") == "1":
        report["missing"].append(entry)
    elif (event.get("category_config") and event.get("raw_value") not in (None, "")
          and event.value != event.get("raw_value")):
        report["recoded"].append({**entry, "became": _shown(event.value)})


def clean_report(path: str) -> dict[str, Any]:
    """What the cleaner recognised, blanked, found missing and recoded in the workbook."""
    from sfdata_stream_parser import events

    report: dict[str, Any] = {"sheets": [], "blanked": [], "missing": [], "recoded": [],
                              "changed": [], "cells": 0}
    sheet: dict[str, Any] = {}
    for event in cleaned_events(path):
        if isinstance(event, events.StartTable):
            sheet = {"title": event.name, "list": event.get("sheet_name"),
                     "extra_columns": [c for c in event.get("extra_columns") or [] if c],
                     "rows": 0, "row_index": 0}
            report["sheets"].append(sheet)
        elif isinstance(event, events.StartRow):
            sheet["row_index"] = event.row_index
            sheet["rows"] += int(event.get("blank_row") != "1")
        elif isinstance(event, events.Cell) and sheet.get("list"):
            _record_cell(event, sheet, report)
    for done in report["sheets"]:
        del done["row_index"]
    found = {s["list"] for s in report["sheets"]}
    report["missing_lists"] = [name for name in LISTS if name not in found]
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    args = parser.parse_args()
    json.dump(clean_report(args.path), sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
