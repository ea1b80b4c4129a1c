"""The one escaper for every cell a CSV or XLSX export writes from user text.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection: a team named ``=HYPERLINK(...)`` becomes a live link).
Every export passes user text through ``safe_cell``, which prefixes such a cell with an
apostrophe, the convention spreadsheets show as plain text.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that cannot start a formula; numbers, dates and None pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
