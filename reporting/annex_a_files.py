"""Annex A as files: one workbook with a sheet per list, or one CSV file per list.

Why apart from the lists: what a row holds is decided once (``reporting.annex_a``); how it
is written (Excel dates shown dd/mm/yyyy, text dd/mm/yyyy in CSV, the template's sheet
names, every cell through ``reporting.cells.safe_cell``) is the same for every list.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, TextIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reporting.annex_a_spec import ListSpec
from reporting.cells import safe_cell, safe_row

Cell = str | int | date | None


@dataclass(frozen=True)
class AnnexList:
    """One list as written: its spec (sheet, headings) and its rows of cells."""

    spec: ListSpec
    rows: list[list[Cell]]
    date_format: str = "%d/%m/%Y"
    excel_date_format: str = "dd/mm/yyyy"

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def title(self) -> str:
        return self.spec.name

    @property
    def sheet_name(self) -> str:
        return self.spec.sheet

    @property
    def headings(self) -> tuple[str, ...]:
        return self.spec.headings

    @property
    def filename(self) -> str:
        return self.spec.filename


# -- files -------------------------------------------------------------------------------------
#
# Each list is written row by row onto the file (openpyxl's write-only workbook, the csv
# module on the open file): a year at county volume is tens of thousands of rows per list,
# and a workbook built in memory keeps several Python objects per cell until it is saved.

def write_xlsx(lists: Sequence[AnnexList], target: IO[bytes] | Path) -> None:
    """One workbook, one sheet per list named as the template names it, headings in bold on
    the first row, dates as Excel dates shown dd/mm/yyyy, every cell formula-safe."""
    book = Workbook(write_only=True)
    for annex in lists:
        sheet = book.create_sheet(annex.sheet_name)
        sheet.freeze_panes = "A2"
        _declare_size(sheet, len(annex.rows) + 1, len(annex.headings))
        sheet.append([_styled(sheet, safe_cell(h), bold=True) for h in annex.headings])
        dated = {i for i, c in enumerate(annex.spec.columns) if c.type == "date"}
        for row in annex.rows:
            sheet.append([_styled(sheet, safe_cell(v), number_format=annex.excel_date_format)
                          if i in dated else safe_cell(v) for i, v in enumerate(row)])
    book.save(target)


def _declare_size(sheet: Any, rows: int, columns: int) -> None:
    """Write the sheet's ``<dimension>`` as a workbook built in memory does: readers (openpyxl
    read-only, the cleaners built on it) pad every row to it, so a row whose last cells are
    blank still has all its columns. A write-only sheet writes its header before its rows,
    so it asks for the size through ``calculate_dimension`` if the sheet has one."""
    last = get_column_letter(max(columns, 1))
    sheet.calculate_dimension = lambda: f"A1:{last}{rows}"


def _styled(sheet: Any, value: Cell, *, bold: bool = False,
            number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = Font(bold=True)
    if number_format:
        cell.number_format = number_format
    return cell


def to_xlsx(lists: Sequence[AnnexList]) -> bytes:
    """The workbook of ``write_xlsx`` as bytes (small periods, tests)."""
    buffer = io.BytesIO()
    write_xlsx(lists, buffer)
    return buffer.getvalue()


def _text(value: Cell, date_format: str) -> Cell:
    return value.strftime(date_format) if isinstance(value, date) else value


def write_csv(annex: AnnexList, out: TextIO) -> None:
    """One list as CSV onto ``out`` (headings first, CRLF line ends, dates dd/mm/yyyy,
    every cell formula-safe), a row at a time."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(annex.headings))
    writer.writerows(safe_row(_text(v, annex.date_format) for v in row) for row in annex.rows)


def to_csv(annex: AnnexList) -> str:
    """One list as CSV text."""
    out = io.StringIO()
    write_csv(annex, out)
    return out.getvalue()


def write_csv_zip(lists: Sequence[AnnexList], target: IO[bytes] | Path) -> None:
    """A zip holding one CSV file per list, each compressed as it is written."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for annex in lists:
            with archive.open(annex.filename, "w") as member, \
                    io.TextIOWrapper(member, encoding="utf-8", newline="") as text:
                write_csv(annex, text)


def to_csv_zip(lists: Sequence[AnnexList]) -> bytes:
    """The zip of ``write_csv_zip`` as bytes."""
    buffer = io.BytesIO()
    write_csv_zip(lists, buffer)
    return buffer.getvalue()


def write_csv_files(lists: Sequence[AnnexList], folder: Path) -> list[Path]:
    """One CSV file per list in ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for annex in lists:
        path = folder / annex.filename
        with path.open("w", encoding="utf-8", newline="") as out:
            write_csv(annex, out)
        written.append(path)
    return written
