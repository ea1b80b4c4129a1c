"""The one escaper for every cell a CSV or XLSX export writes.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection: a team named ``=HYPERLINK(...)`` becomes a live link).
Every export passes every cell through ``safe_cell``, which prefixes such text with an
apostrophe, the convention spreadsheets show as plain text. Escaping every cell rather than
choosing the ones that hold user text means no column can be forgotten: the words Front
Door writes itself (codes, headings, dates as text) never start with those characters, and
an escaped cell is left as it is, so escaping twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that cannot start a formula; numbers, dates and None pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through ``safe_cell``."""
    return [safe_cell(v) for v in values]


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV file as text (CRLF line ends, as RFC 4180 and Excel write them), the header
    first, every cell through ``safe_cell`` (None is written as an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    return out.getvalue()
